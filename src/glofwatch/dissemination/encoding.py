"""SMS encoding: GSM 7-bit when every character is in the GSM alphabet, else UCS-2.

A segment holds 160 GSM-7 characters or 70 UCS-2 characters; concatenated messages lose room to the
user data header: 153 and 67 characters a segment. Kyrgyz and Russian (Cyrillic) are always UCS-2.
The split itself is smpplib's (``smpplib.gsm.make_parts``), so what we count is what we send.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SmsEncoding:
    encoding: str  # GSM-7 | UCS-2
    data_coding: int  # SMPP data_coding
    segments: int
    chars: int


def sms_encoding(text: str) -> SmsEncoding:
    """How ``text`` goes over SMS: encoding and number of segments."""
    from smpplib import consts
    from smpplib.gsm import make_parts

    parts, coding, _esm = make_parts(text)
    return SmsEncoding("UCS-2" if coding == consts.SMPP_ENCODING_ISO10646 else "GSM-7", int(coding), len(parts), len(text))
