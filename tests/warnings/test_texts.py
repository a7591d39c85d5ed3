"""What people read: every evacuate SMS fits 2 UCS-2 segments in Kyrgyz and Russian."""

from __future__ import annotations

import datetime as dt

import pytest

from glofwatch.dissemination.encoding import sms_encoding
from glofwatch.site import Site
from glofwatch.warnings.texts import SMS, TextContext, sms_text

ETA = dt.datetime(2025, 7, 27, 17, 55, tzinfo=dt.UTC)


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_evacuate_sms_fits_two_ucs2_segments_for_every_zone(site: Site, lang: str) -> None:
    for z in site.zones:
        for eta in (ETA, None):
            t = sms_text(site, TextContext(kind="evacuate", hazard="glof", zone=z.id, eta=eta), lang)
            e = sms_encoding(t)
            assert e.encoding == "UCS-2"
            assert e.segments <= 2, f"{lang} {z.id}: {len(t)} chars -> {e.segments} segments: {t}"
            assert len(t) <= 134


def test_segment_arithmetic() -> None:
    assert sms_encoding("а" * 70).segments == 1
    assert sms_encoding("а" * 71).segments == 2
    assert sms_encoding("а" * 134).segments == 2
    assert sms_encoding("а" * 135).segments == 3
    assert sms_encoding("a" * 160) == sms_encoding("a" * 160) and sms_encoding("a" * 160).encoding == "GSM-7"


def test_every_level_has_all_three_languages(site: Site) -> None:
    for kind, by_lang in SMS.items():
        assert set(by_lang) == {"ky", "ru", "en"}, kind
        t = sms_text(site, TextContext(kind=kind, hazard="glof", zone="cha-town", drill=True), "ru")
        assert t.startswith("УЧЕНИЯ.")
