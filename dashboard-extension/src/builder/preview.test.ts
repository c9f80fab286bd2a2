import { describe, expect, it } from "vitest";

import { previewQuery, readPreview } from "./preview";

describe("preview", () => {
  it("passes the content only when the API takes it", () => {
    expect(previewQuery(true)).toContain("content: $content");
    expect(previewQuery(true)).toContain("$content: JSON");
    expect(previewQuery(false)).not.toContain("content");
    expect(previewQuery(true, true)).toContain("channel: $channel");
    expect(previewQuery(true, true)).toContain("$channel: MessageChannel");
    expect(previewQuery(false, true)).not.toContain("channel");
  });

  it("reads the API's answer, issues with their line", () => {
    const result = readPreview({
      subject: "Hi",
      html: "<p>",
      segments: { encoding: "UCS-2", segments: 2 },
      issues: [
        { field: "variants.en.mjml", line: 3, message: "unknown tag" },
        { field: "subject", line: null, message: "required" },
      ],
    });
    expect(result).toEqual({
      subject: "Hi",
      preheader: "",
      html: "<p>",
      text: "",
      segments: 2,
      encoding: "UCS-2",
      issues: ["variants.en.mjml, line 3: unknown tag", "subject: required"],
    });
    expect(readPreview(null).segments).toBeNull();
  });
});
