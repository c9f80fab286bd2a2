"""segments.py: GSM-7 vs UCS-2 and the segment count, table-driven, no database."""

import pytest

from saleor_automation.messaging.sms.segments import GSM_7, UCS_2, SegmentInfo, sms_segments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SegmentInfo(GSM_7, 0, 0, 160)),
        ("a" * 160, SegmentInfo(GSM_7, 160, 1, 160)),
        ("a" * 161, SegmentInfo(GSM_7, 161, 2, 153)),
        ("a" * 306, SegmentInfo(GSM_7, 306, 2, 153)),
        ("a" * 307, SegmentInfo(GSM_7, 307, 3, 153)),
        # The whole basic table, accents and Greek capitals included, stays GSM-7.
        ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", SegmentInfo(GSM_7, 42, 1, 160)),
        # Extension characters are an escape plus a septet: 2 each.
        ("€", SegmentInfo(GSM_7, 2, 1, 160)),
        ("^{}[]~|\\", SegmentInfo(GSM_7, 16, 1, 160)),
        ("€" * 80, SegmentInfo(GSM_7, 160, 1, 160)),
        ("a" * 159 + "€", SegmentInfo(GSM_7, 161, 2, 153)),
        # An escape sequence is never split: 152 + € does not fit the first part's 153.
        ("a" * 152 + "€" + "a" * 8, SegmentInfo(GSM_7, 162, 2, 153)),
        ("a" * 152 + "€" + "a" * 153, SegmentInfo(GSM_7, 307, 3, 153)),
        # One emoji switches everything to UCS-2; it is a surrogate pair, 2 units.
        ("😀", SegmentInfo(UCS_2, 2, 1, 70, ("😀",))),
        ("a" * 68 + "😀", SegmentInfo(UCS_2, 70, 1, 70, ("😀",))),
        ("a" * 69 + "😀", SegmentInfo(UCS_2, 71, 2, 67, ("😀",))),
        ("ç" + "a" * 69, SegmentInfo(UCS_2, 70, 1, 70, ("ç",))),
        ("ç" + "a" * 70, SegmentInfo(UCS_2, 71, 2, 67, ("ç",))),
        ("ç" * 134, SegmentInfo(UCS_2, 134, 2, 67, ("ç",))),
        ("ç" * 135, SegmentInfo(UCS_2, 135, 3, 67, ("ç",))),
        # A curly quote is the classic accident: it costs UCS-2, and is named.
        ("it’s “on” sale", SegmentInfo(UCS_2, 14, 1, 70, ("’", "“", "”"))),
        # In UCS-2, € is one unit like any BMP character.
        ("€😀", SegmentInfo(UCS_2, 3, 1, 70, ("😀",))),
    ],
)
def test_sms_segments(text, expected):
    assert sms_segments(text) == expected


def test_a_surrogate_pair_is_never_split():
    # 66 units, then an emoji: the pair does not fit the first part's one free unit.
    info = sms_segments("ç" * 66 + "😀" + "ç" * 67)
    assert (info.characters, info.segments) == (135, 3)
