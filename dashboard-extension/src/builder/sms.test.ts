import { describe, expect, it } from "vitest";

import { GSM_7, UCS_2, smsSegments } from "./sms";

// The same table as tests/messaging/sms/test_segments.py: the two must agree.
const CASES: [string, string, number, number, number, string[]][] = [
  ["", GSM_7, 0, 0, 160, []],
  ["a".repeat(160), GSM_7, 160, 1, 160, []],
  ["a".repeat(161), GSM_7, 161, 2, 153, []],
  ["a".repeat(306), GSM_7, 306, 2, 153, []],
  ["a".repeat(307), GSM_7, 307, 3, 153, []],
  ["@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", GSM_7, 42, 1, 160, []],
  ["€", GSM_7, 2, 1, 160, []],
  ["^{}[]~|\\", GSM_7, 16, 1, 160, []],
  ["€".repeat(80), GSM_7, 160, 1, 160, []],
  ["a".repeat(159) + "€", GSM_7, 161, 2, 153, []],
  ["a".repeat(152) + "€" + "a".repeat(8), GSM_7, 162, 2, 153, []],
  ["a".repeat(152) + "€" + "a".repeat(153), GSM_7, 307, 3, 153, []],
  ["😀", UCS_2, 2, 1, 70, ["😀"]],
  ["a".repeat(68) + "😀", UCS_2, 70, 1, 70, ["😀"]],
  ["a".repeat(69) + "😀", UCS_2, 71, 2, 67, ["😀"]],
  ["ç" + "a".repeat(69), UCS_2, 70, 1, 70, ["ç"]],
  ["ç" + "a".repeat(70), UCS_2, 71, 2, 67, ["ç"]],
  ["ç".repeat(134), UCS_2, 134, 2, 67, ["ç"]],
  ["ç".repeat(135), UCS_2, 135, 3, 67, ["ç"]],
  ["it’s “on” sale", UCS_2, 14, 1, 70, ["’", "“", "”"]],
  ["€😀", UCS_2, 3, 1, 70, ["😀"]],
];

describe("smsSegments", () => {
  it.each(CASES)("%#: %s", (text, encoding, characters, segments, perSegment, nonGsm) => {
    expect(smsSegments(text)).toEqual({ encoding, characters, segments, perSegment, nonGsm });
  });

  it("never splits a surrogate pair across parts", () => {
    const info = smsSegments("ç".repeat(66) + "😀" + "ç".repeat(67));
    expect([info.characters, info.segments]).toEqual([135, 3]);
  });
});
