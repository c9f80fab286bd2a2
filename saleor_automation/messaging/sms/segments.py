"""How long an SMS is on the air: GSM 03.38 (GSM-7) or UCS-2, and how many segments.

Pure: the flow editor and the API call `sms_segments(text)` while an operator types, so a
message's cost is shown before it is saved.

    sms_segments(text) -> SegmentInfo

GSM-7 carries 160 septets in one message and 153 per part of a longer one (the other seven
go to the concatenation header); a character of the extension table (€ ^ { } [ ] ~ | \\ and
form feed) is an escape plus a septet, so it counts 2. One character outside both tables
anywhere in the text switches the whole message to UCS-2: 70 UTF-16 code units alone, 67 per
part; a character outside the Basic Multilingual Plane (most emoji) is a surrogate pair and
counts 2. Handsets never split an escape sequence or a surrogate pair across two parts, so
neither does the count: a part may end one unit short.
"""

from dataclasses import dataclass

__all__ = ["GSM_7", "UCS_2", "SegmentInfo", "sms_segments"]

GSM_7 = "GSM-7"
UCS_2 = "UCS-2"

# GSM 03.38 default alphabet, in code order (0x1B, the escape, is left out: it is not text).
_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The default extension table: each is sent as 0x1B followed by one septet.
_EXTENSION = frozenset("\f^{}\\[~]|€")

_LIMITS = {GSM_7: (160, 153), UCS_2: (70, 67)}


@dataclass(frozen=True)
class SegmentInfo:
    encoding: str  # GSM_7 or UCS_2
    characters: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # the limit that applied: 160/153 (GSM-7) or 70/67 (UCS-2)
    # Characters that forced UCS-2, in order of first appearance (empty for GSM-7): the
    # editor shows them so an operator can replace a curly quote instead of paying double.
    non_gsm: tuple[str, ...] = ()


def _count_parts(widths: list[int], per_part: int) -> int:
    parts, used = 1, 0
    for width in widths:
        if used + width > per_part:
            parts, used = parts + 1, 0
        used += width
    return parts


def sms_segments(text: str) -> SegmentInfo:
    non_gsm = tuple(dict.fromkeys(c for c in text if c not in _BASIC and c not in _EXTENSION))
    if non_gsm:
        encoding, widths = UCS_2, [2 if ord(c) > 0xFFFF else 1 for c in text]
    else:
        encoding, widths = GSM_7, [2 if c in _EXTENSION else 1 for c in text]
    characters = sum(widths)
    single, per_part = _LIMITS[encoding]
    if characters == 0:
        return SegmentInfo(encoding, 0, 0, single)
    if characters <= single:
        return SegmentInfo(encoding, characters, 1, single, non_gsm)
    return SegmentInfo(encoding, characters, _count_parts(widths, per_part), per_part, non_gsm)
