"""Who gets what, on which channel, in which language: pure planning over the site (no I/O).

For each household of the alerted zones: its primary channel (Telegram where it subscribed, else
SMS, else e-mail), e-mail as well where it gave an address, in its language (an unknown language is
replaced by the site's first one and the row says so); households with vulnerable members first
(``rank`` 0). Sirens of the zones get a command. Partners (webhook) and the CAP feed get the alert.
The fallback channel (Telegram -> SMS -> e-mail) is decided when a delivery fails, not here.
"""

from __future__ import annotations

from dataclasses import dataclass

from glofwatch.site import Household, Site


@dataclass(frozen=True, kw_only=True)
class Planned:
    """One outbox row to write: a recipient on a channel."""

    recipient: str
    kind: str  # household | siren | partner
    channel: str  # sms | telegram | email | siren | webhook | feed | none
    address: str
    language: str = ""
    rank: int = 1
    note: str = ""  # a problem found while planning (unknown language, no contact)


def households_in(site: Site, zones: list[str]) -> list[Household]:
    """Households of ``zones``, vulnerable members first (most first), then by id: the responders' order."""
    zs = set(zones)
    return sorted((h for h in site.households if h.zone in zs), key=lambda h: (-h.vulnerable, h.id))


def address_of(h: Household, channel: str) -> str:
    return {"sms": h.phone, "telegram": h.telegram_chat_id, "email": h.email}.get(channel, "")


def plan(site: Site, zones: list[str], *, languages: tuple[str, ...] = ("ky", "ru", "en"), sirens: bool = True,
         email_all: bool = True, partners: bool = True) -> list[Planned]:
    """The outbox rows of one alert to ``zones``."""
    default_lang = next((lang for lang in site.site.languages if lang in languages), languages[0])
    out: list[Planned] = []
    for h in households_in(site, zones):
        lang, note = h.language, ""
        if lang not in languages:
            note = f"unknown language {h.language!r} (known: {', '.join(languages)}): sent in {default_lang}; fix households.csv"
            lang = default_lang
        rank = 0 if h.vulnerable else 1
        primary = "telegram" if h.telegram_chat_id else "sms" if h.phone else "email" if h.email else "none"
        out.append(Planned(recipient=h.id, kind="household", channel=primary, address=address_of(h, primary),
                           language=lang, rank=rank,
                           note=note if primary != "none" else "no phone, Telegram chat or e-mail: add one in households.csv"))
        if email_all and h.email and primary != "email":
            out.append(Planned(recipient=h.id, kind="household", channel="email", address=h.email, language=lang, rank=rank + 2,
                               note=note))
    if sirens:
        zs = set(zones)
        out += [Planned(recipient=s.id, kind="siren", channel="siren", address=s.id, rank=-1)  # sirens first: they warn everyone
                for s in site.sirens if s.zone in zs]
    if partners:
        out += [Planned(recipient="cap-feed", kind="partner", channel="feed", address="", rank=2),
                Planned(recipient="webhook", kind="partner", channel="webhook", address="", rank=2)]
    return out
