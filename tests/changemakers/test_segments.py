"""SMS segments: GSM-7 160/153, UCS-2 70/67, and the character that forces UCS-2."""

import pytest

from changemakers.content.segments import sms_length


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "forced_by"),
    [
        ("", "GSM-7", 0, None),
        ("a" * 160, "GSM-7", 1, None),
        ("a" * 161, "GSM-7", 2, None),
        ("a" * 306, "GSM-7", 2, None),
        ("a" * 307, "GSM-7", 3, None),
        ("€" * 80, "GSM-7", 1, None),  # two places each
        ("€" * 81, "GSM-7", 2, None),
        ("It’s OK", "UCS-2", 1, "’"),
        ("a" * 70 + "🙂", "UCS-2", 2, "🙂"),
        ("ш" * 70, "UCS-2", 1, "ш"),
        ("ш" * 134, "UCS-2", 2, "ш"),
        ("ш" * 135, "UCS-2", 3, "ш"),
    ],
)
def test_segments(text, encoding, segments, forced_by):
    length = sms_length(text)
    assert (length.encoding, length.segments, length.forced_by) == (encoding, segments, forced_by)
