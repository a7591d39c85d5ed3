"""The Atom feed (RFC 4287) of current alerts, the way national and global CAP aggregators poll them.

One ``<entry>`` per current alert: its id is the CAP identifier, its link the CAP document
(``<base_url>/<identifier>.xml``, type ``application/cap+xml``); the feed is stable (same alerts ->
same bytes apart from ``<updated>``). About 40 lines with lxml, so no feed library.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lxml import etree
from lxml.builder import ElementMaker

from glofwatch.clock import from_ms
from glofwatch.site import Site
from glofwatch.warnings.cap import cap_time, parse_cap

ATOM = "http://www.w3.org/2005/Atom"
A = ElementMaker(namespace=ATOM, nsmap={None: ATOM})


def atom_feed(site: Site, alerts: list[tuple[Any, bytes]], *, base_url: str, now: datetime, sender: str) -> bytes:
    """``alerts``: (AlertRecord, CAP XML) pairs, newest first."""
    base = base_url.rstrip("/")
    entries = []
    for a, xml in alerts:
        info = next((i for i in parse_cap(xml).infos if i.language.startswith("en")), None) or parse_cap(xml).infos[0]
        entries.append(A.entry(
            A.id(f"urn:oid:glofwatch:{a.id}"), A.title(info.headline or info.event), A.updated(cap_time(from_ms(a.sent_ms))),
            A.author(A.name(sender)), A.summary(f"{info.event}: {info.urgency}/{info.severity}/{info.certainty}, "
                                                f"zones {', '.join(a.zones)}"),
            A.link(rel="alternate", type="application/cap+xml", href=f"{base}/{a.id}.xml"),
            A.category(term=a.kind)))
    feed = A.feed(A.id(f"urn:glofwatch:{site.id}:alerts"), A.title(f"{site.site.name}: current alerts"),
                  A.updated(cap_time(now)), A.author(A.name(site.site.authority or sender)),
                  A.link(rel="self", href=f"{base}/feed.atom"), *entries)
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
