"""CAP 1.2 documents: the OASIS schema, WMO's capvalidator, our own rules, the real corpus, signing, Atom."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from capvalidator import Validator
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from glofwatch.site import Site
from glofwatch.warnings.cap import CapRef, CapSpec, build_cap, check_cap, parse_cap, polygon_text
from glofwatch.warnings.feed import atom_feed
from glofwatch.warnings.sign import sign_cap, verify_cap
from tests.conftest import shared_data

T0 = dt.datetime(2025, 7, 27, 7, 35, tzinfo=dt.UTC)


def spec(**kw: object) -> CapSpec:
    d: dict[str, object] = dict(identifier="issyk-kul-demo-20250727T073500-0001", sender="glofwatch@mes.kg", sent=T0,
                                status="Actual", msg_type="Alert", kind="evacuate", hazard="glof", zones=["cha-upper", "cha-town"],
                                lake="cha-1", onset=T0, expires=T0 + dt.timedelta(hours=6),
                                arrivals={"cha-upper": T0 + dt.timedelta(minutes=38), "cha-town": T0 + dt.timedelta(minutes=52)})
    d.update(kw)
    return CapSpec(**d)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def oasis_xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(shared_data("cap", "schema", "CAP-v1.2.xsd"))))


KINDS = [("advisory", "Alert", []), ("watch", "Alert", []), ("warning", "Alert", []), ("evacuate", "Alert", []),
         ("evacuate", "Update", [CapRef(sender="glofwatch@mes.kg", identifier="x-1", sent=T0)]),
         ("all_clear", "Update", [CapRef(sender="glofwatch@mes.kg", identifier="x-1", sent=T0)]),
         ("cancel", "Cancel", [CapRef(sender="glofwatch@mes.kg", identifier="x-1", sent=T0)])]


@pytest.mark.parametrize(("kind", "msg_type", "refs"), KINDS)
@pytest.mark.parametrize("status", ["Actual", "Exercise"])
def test_every_kind_passes_oasis_schema_capvalidator_and_our_rules(site: Site, oasis_xsd: etree.XMLSchema, kind: str,
                                                                   msg_type: str, refs: list[CapRef], status: str) -> None:
    xml = build_cap(site, spec(kind=kind, msg_type=msg_type, references=refs, status=status))
    doc = etree.fromstring(xml)
    assert oasis_xsd.validate(doc), oasis_xsd.error_log
    ok, why = Validator(xml).schema()
    assert ok, why
    assert check_cap(xml).passed, check_cap(xml).problems
    a = parse_cap(xml)
    assert [i.language for i in a.infos] == ["ky", "ru", "en"]
    assert a.status == status and a.msg_type == msg_type


def test_levels_polygons_and_arrivals_are_in_the_message(site: Site) -> None:
    a = parse_cap(build_cap(site, spec()))
    en = a.infos[2]
    assert (en.urgency, en.severity, en.certainty) == ("Immediate", "Extreme", "Observed")
    assert len(en.polygons) == 2 and all(p[0] == p[-1] and len(p) >= 4 for p in en.polygons)
    lat, lon = en.polygons[0][0]
    assert 42 < lat < 43 and 77 < lon < 78  # lat,lon order, not lon,lat
    xml = build_cap(site, spec()).decode()
    assert "ЭВАКУАЦИЯ" in xml and "Көлдөн сел" in xml and "glofwatch:arrival:cha-upper" in xml
    assert "~14:13" in xml  # 07:35 UTC + 38 min in Asia/Bishkek (UTC+6)


def test_polygon_is_closed_and_needs_three_corners() -> None:
    assert polygon_text([(77.0, 42.0), (77.1, 42.0), (77.1, 42.1)]).split()[0] == polygon_text(
        [(77.0, 42.0), (77.1, 42.0), (77.1, 42.1)]).split()[-1]
    with pytest.raises(ValueError, match="CAP needs >= 4"):
        polygon_text([(77.0, 42.0), (77.1, 42.0)])


def test_check_cap_reports_every_problem() -> None:
    bad = b"""<?xml version="1.0"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>a</identifier>
    <sender>s</sender><sent>2025-07-27T07:35:00Z</sent><status>Actual</status><msgType>Update</msgType><scope>Public</scope>
    <info><category>Geo</category><event>x</event><urgency>Immediate</urgency><severity>Extreme</severity>
    <certainty>Observed</certainty><area><areaDesc>z</areaDesc><polygon>42,77 42,78 43,78</polygon></area></info></alert>"""
    r = check_cap(bad)
    assert not r.passed
    text = " ".join(r.problems)
    assert "XSD" in text and "without <references>" in text and "not closed" in text


def test_real_corpus_parses_and_cap12_ones_conform() -> None:
    files = sorted(shared_data("cap", "examples").glob("*.xml"))
    assert len(files) == 19
    versions = {}
    for p in files:
        a = parse_cap(p.read_bytes())
        versions[p.name] = a.version
        assert a.identifier and a.sender
        if a.version == "1.2":
            r = check_cap(p.read_bytes(), verify_signature=False)
            assert r.passed, (p.name, r.problems)
    assert sum(v == "1.2" for v in versions.values()) == 10
    # the real FEMA IPAWS signatures verify (at the time they were sent: the certificates have since expired)
    ipaws = [p for p in files if "ipaws" in p.name]
    assert len(ipaws) == 5 and all(check_cap(p.read_bytes()).passed for p in ipaws)
    # a message with two languages (OASIS example: en-US + es-US)
    assert len(parse_cap((files[0].parent / "oasiscap_v1dot2_appendix_adot4.xml").read_bytes()).infos) == 2


def _self_signed(tmp: Path) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "glofwatch test signer")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
            cert.public_bytes(serialization.Encoding.PEM))


def test_signed_cap_verifies_and_tampering_is_caught(site: Site, tmp_path: Path, oasis_xsd: etree.XMLSchema) -> None:
    key, cert = _self_signed(tmp_path)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    signed = sign_cap(build_cap(site, spec(sent=now, expires=now + dt.timedelta(hours=6))), key_pem=key, cert_pem=cert)
    assert oasis_xsd.validate(etree.fromstring(signed)), oasis_xsd.error_log
    assert verify_cap(signed, cert_pem=cert).passed
    assert check_cap(signed).passed
    assert Validator(signed).signature()[0]  # WMO's capvalidator agrees
    tampered = signed.replace(b"<severity>Extreme</severity>", b"<severity>Minor</severity>", 1)
    r = verify_cap(tampered, cert_pem=cert)
    assert not r.passed and "signature invalid" in r.problems[0]


def test_atom_feed_lists_current_alerts(site: Site) -> None:
    from types import SimpleNamespace

    xml = build_cap(site, spec())
    a = SimpleNamespace(id="issyk-kul-demo-20250727T073500-0001", sent_ms=int(T0.timestamp() * 1000), zones=["cha-upper"],
                        kind="evacuate")
    feed = etree.fromstring(atom_feed(site, [(a, xml)], base_url="https://mes.kg/cap", now=T0, sender="glofwatch@mes.kg"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("a:id", "a:title", "a:updated"):
        assert feed.find(required, ns) is not None
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 1
    link = entries[0].find("a:link", ns)
    assert link.get("type") == "application/cap+xml" and link.get("href").endswith(f"{a.id}.xml")
    assert entries[0].findtext("a:title", namespaces=ns).startswith("EVACUATE")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-179.9, 179.9), st.floats(-89.9, 89.9)), min_size=3, max_size=12))
def test_polygon_round_trip(ring: list[tuple[float, float]]) -> None:
    """parse(build(polygon)) gives the ring back as (lat, lon), closed, to 6 decimals."""
    assume(len(set(ring)) == len(ring))  # corners, not a repeated point
    text = polygon_text(ring)
    pts = [tuple(map(float, p.split(","))) for p in text.split()]
    assert pts[0] == pts[-1] and len(pts) >= 4
    for (lon, lat), (plat, plon) in zip(ring, pts, strict=False):
        assert abs(plat - lat) < 1e-6 and abs(plon - lon) < 1e-6
