"""How many SMS a message costs: GSM-7 fits 160 characters in one text (153 a part when split),
anything else (a smart quote, an emoji) forces UCS-2, 70 (67 a part). Twilio splits the same
way."""

from __future__ import annotations

from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")  # each takes two places


@dataclass(frozen=True)
class SmsLength:
    characters: int
    encoding: str  # "GSM-7" or "UCS-2"
    segments: int
    forced_by: str | None  # the first character that needs UCS-2

    @property
    def per_segment(self) -> int:
        if self.encoding == "GSM-7":
            return 160 if self.segments <= 1 else 153
        return 70 if self.segments <= 1 else 67


def sms_length(text: str) -> SmsLength:
    forced_by = next((ch for ch in text if ch not in GSM_BASIC and ch not in GSM_EXTENDED), None)
    if forced_by is None:
        units = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)  # UTF-16 code units
        single, part, encoding = 70, 67, "UCS-2"
    segments = 0 if units == 0 else 1 if units <= single else -(-units // part)
    return SmsLength(len(text), encoding, segments, forced_by)
