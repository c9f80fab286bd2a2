/* SMS length: GSM 03.38 (GSM-7) or UCS-2 and the number of segments. A port of
saleor_automation/messaging/sms/segments.py, used when the preview API is not answering
(offline, or while a request is in flight) so the count never lags the text. */

export const GSM_7 = "GSM-7";
export const UCS_2 = "UCS-2";

const BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const EXTENSION = new Set("\f^{}\\[~]|€");
const LIMITS: Record<string, [number, number]> = { [GSM_7]: [160, 153], [UCS_2]: [70, 67] };

export interface SegmentInfo {
  encoding: string;
  characters: number; // septets (GSM-7) or UTF-16 code units (UCS-2)
  segments: number;
  perSegment: number;
  nonGsm: string[]; // characters that forced UCS-2, first appearance order
}

function countParts(widths: number[], perPart: number): number {
  let parts = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > perPart) {
      parts += 1;
      used = 0;
    }
    used += width;
  }
  return parts;
}

export function smsSegments(text: string): SegmentInfo {
  // Iterating a string walks code points, so an emoji is one character of width 2.
  const chars = [...text];
  const nonGsm = [...new Set(chars.filter((c) => !BASIC.has(c) && !EXTENSION.has(c)))];
  const encoding = nonGsm.length ? UCS_2 : GSM_7;
  const widths = chars.map((c) =>
    encoding === UCS_2 ? ((c.codePointAt(0) as number) > 0xffff ? 2 : 1) : EXTENSION.has(c) ? 2 : 1,
  );
  const characters = widths.reduce((sum, width) => sum + width, 0);
  const [single, perPart] = LIMITS[encoding];
  if (characters === 0) return { encoding, characters: 0, segments: 0, perSegment: single, nonGsm: [] };
  if (characters <= single) return { encoding, characters, segments: 1, perSegment: single, nonGsm };
  return { encoding, characters, segments: countParts(widths, perPart), perSegment: perPart, nonGsm };
}
