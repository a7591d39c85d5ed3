"""What people read: short texts per level and language (ky, ru, en), for SMS, Telegram, e-mail and CAP.

The SMS texts are written to fit the phone network: a Cyrillic SMS is UCS-2, 70 characters in one
segment or 67 a segment when concatenated, and the evacuate text (with the longest zone and shelter
names of the site) must fit 2 segments (134 characters); ``tests/warnings/test_texts.py`` checks it.

Place names in Kyrgyz and Russian come from :data:`NAMES` (the reference site) or
``WarningsConfig.names``; without a translation the site's (English) name is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from glofwatch.site import Site

LANGS = ("ky", "ru", "en")

# Localised names of the reference site's places: kind -> id -> lang -> name.
NAMES: dict[str, dict[str, dict[str, str]]] = {
    "zone": {
        "cha-upper": {"ky": "Жогорку Чолпон-Ата", "ru": "Верхний Чолпон-Ата", "en": "Upper Cholpon-Ata"},
        "cha-town": {"ky": "Чолпон-Ата, дарыя жээги", "ru": "Чолпон-Ата, берег реки", "en": "Cholpon-Ata river banks"},
        "cha-shore": {"ky": "Чолпон-Ата, көл жээги", "ru": "Чолпон-Ата, побережье", "en": "Cholpon-Ata lakeshore"},
        "cak-grig": {"ky": "Григорьевка", "ru": "Григорьевка", "en": "Grigorievka"},
    },
    "shelter": {
        "sh-cha-school1": {"ky": "Чолпон-Ата №1 мектеп", "ru": "школа №1 Чолпон-Аты", "en": "Cholpon-Ata school No. 1"},
        "sh-cha-hill": {"ky": "дөбөдөгү чогулуу жайы", "ru": "сборный пункт на холме", "en": "the assembly point on the hill"},
        "sh-cak-school": {"ky": "Григорьевка мектеби", "ru": "школа Григорьевки", "en": "Grigorievka school"},
    },
}

EVENT = {
    "glof": {"ky": "Мөңгү көлүнүн жарылышы", "ru": "Прорыв ледникового озера", "en": "Glacial lake outburst flood"},
    "debris_flow": {"ky": "Сел", "ru": "Сель", "en": "Debris flow"},
    "flood": {"ky": "Суу ташкыны", "ru": "Паводок", "en": "Flood"},
}
SENDER_NAME = {"ky": "ӨКМ", "ru": "МЧС", "en": "MES"}
DRILL = {"ky": "МАШЫГУУ. ", "ru": "УЧЕНИЯ. ", "en": "DRILL. "}
SOON = {"ky": "жакында", "ru": "скоро", "en": "soon"}
AT = {"ky": "", "ru": "", "en": "at "}

# SMS: {zone} {eta} {shelter} {sender}. Short on purpose (see module docstring).
SMS = {
    "evacuate": {
        "ky": "ЭВАКУАЦИЯ! Көлдөн сел келет: {zone}, {eta}. Чыгыңыз: {shelter}. Жооп: 1 коопсузмун, 2 жардам керек. {sender}",
        "ru": "ЭВАКУАЦИЯ! Сель из озера: {zone}, {eta}. Уходите: {shelter}. Ответ: 1 в безопасности, 2 нужна помощь. {sender}",
        "en": "EVACUATE NOW! Lake outburst flood to {zone} {at}{eta}. Go to {shelter}. Reply 1 safe, 2 need help. {sender}",
    },
    "warning": {
        "ky": "ЭСКЕРТҮҮ: көл жарылышы мүмкүн, {zone}. {shelter} жакка чыгууга даяр болуңуз. {sender}",
        "ru": "ПРЕДУПРЕЖДЕНИЕ: возможен прорыв озера, {zone}. Будьте готовы уйти: {shelter}. {sender}",
        "en": "WARNING: lake outburst likely, {zone}. Be ready to go to {shelter}. {sender}",
    },
    "watch": {
        "ky": "Коркунуч жогорулады: көлдүн деңгээли көтөрүлүүдө, {zone}. Кабарларды күтүңүз. {sender}",
        "ru": "Опасность повышена: уровень озера растёт, {zone}. Следите за сообщениями. {sender}",
        "en": "WATCH: lake level rising, {zone}. Follow further messages. {sender}",
    },
    "advisory": {
        "ky": "Маалымат: көлдү байкап жатабыз, {zone}. Коркунуч азырынча жок. {sender}",
        "ru": "Информация: наблюдаем за озером, {zone}. Опасности пока нет. {sender}",
        "en": "ADVISORY: the lake is being watched, {zone}. No danger yet. {sender}",
    },
    "all_clear": {
        "ky": "КОРКУНУЧ ӨТТҮ: {zone}. Үйгө кайтсаңыз болот. {sender}",
        "ru": "ОТБОЙ: опасность миновала, {zone}. Можно вернуться домой. {sender}",
        "en": "ALL CLEAR: the danger is over, {zone}. You may return home. {sender}",
    },
    "cancel": {
        "ky": "ЖОККО ЧЫГАРЫЛДЫ: мурунку кабар ката, {zone}. Коркунуч жок. {sender}",
        "ru": "ОТМЕНА: предыдущее сообщение ошибочно, {zone}. Опасности нет. {sender}",
        "en": "CANCELLED: the previous message was in error, {zone}. No danger. {sender}",
    },
}

# Longer text for CAP <description>/<instruction>, Telegram and e-mail.
INSTRUCTION = {
    "evacuate": {
        "ky": "Азыр эле бийик жерге же баш калкалоочу жайга барыңыз. Дарыяга жакындабаңыз. "
              "Карыларга жана балдарга жардам бериңиз.",
        "ru": "Немедленно уходите на возвышенность или в пункт эвакуации. Не подходите к реке. Помогите пожилым и детям.",
        "en": "Leave now for high ground or the shelter. Keep away from the river. Help the elderly and children.",
    },
    "warning": {
        "ky": "Документтерди, суу жана дары-дармекти даярдаңыз. Эвакуацияга даяр болуңуз.",
        "ru": "Соберите документы, воду и лекарства. Будьте готовы к эвакуации.",
        "en": "Pack documents, water and medicine. Be ready to evacuate.",
    },
    "watch": {"ky": "Кабарларды күтүңүз.", "ru": "Следите за сообщениями.", "en": "Follow further messages."},
    "advisory": {"ky": "Азырынча эч нерсе кылуунун кажети жок.", "ru": "Пока никаких действий не требуется.",
                 "en": "No action needed yet."},
    "all_clear": {"ky": "Үйгө кайтсаңыз болот.", "ru": "Можно вернуться домой.", "en": "You may return home."},
    "cancel": {"ky": "Мурунку кабарды эске албаңыз.", "ru": "Не обращайте внимания на предыдущее сообщение.",
               "en": "Disregard the previous message."},
    "test": {"ky": "Бул сыноо кабары.", "ru": "Это тестовое сообщение.", "en": "This is a test message."},
}
HEADLINE = {
    "evacuate": {"ky": "ЭВАКУАЦИЯ: {event}", "ru": "ЭВАКУАЦИЯ: {event}", "en": "EVACUATE: {event}"},
    "warning": {"ky": "ЭСКЕРТҮҮ: {event}", "ru": "ПРЕДУПРЕЖДЕНИЕ: {event}", "en": "WARNING: {event}"},
    "watch": {"ky": "Коркунуч жогорулады: {event}", "ru": "Повышенная опасность: {event}", "en": "WATCH: {event}"},
    "advisory": {"ky": "Маалымат: {event}", "ru": "Информация: {event}", "en": "ADVISORY: {event}"},
    "all_clear": {"ky": "Коркунуч өттү: {event}", "ru": "Отбой: {event}", "en": "ALL CLEAR: {event}"},
    "cancel": {"ky": "Жокко чыгарылды: {event}", "ru": "Отмена: {event}", "en": "CANCELLED: {event}"},
    "test": {"ky": "Сыноо", "ru": "Тест", "en": "Test"},
}
ARRIVAL = {"ky": "{zone}: толкун {eta}", "ru": "{zone}: волна {eta}", "en": "{zone}: wave {eta}"}
ACK_HINT = {
    "ky": "Жооп бериңиз: 1 - коопсузмун, 2 - жардам керек.",
    "ru": "Ответьте: 1 - в безопасности, 2 - нужна помощь.",
    "en": "Reply: 1 - safe, 2 - need help.",
}
BUTTONS = {"ky": ("1 Коопсузмун", "2 Жардам керек"), "ru": ("1 В безопасности", "2 Нужна помощь"),
           "en": ("1 Safe", "2 Need help")}


def name(kind: str, obj_id: str, lang: str, default: str, names: dict[str, dict[str, dict[str, str]]] | None = None) -> str:
    """The localised name of a zone/shelter/lake, else ``default`` (the site file's name)."""
    for table in (names or {}, NAMES):
        n = table.get(kind, {}).get(obj_id, {}).get(lang)
        if n:
            return n
    return default


def shelter_for(site: Site, zone: str) -> str | None:
    """The first shelter of the site that serves ``zone`` (None when the site names none)."""
    for sh in site.shelters:
        if zone in sh.zones:
            return sh.id
    return None


def local_hhmm(t: datetime | None, tz: str) -> str | None:
    """``~HH:MM`` in the site's time zone (what people's clocks show), None when unknown."""
    if t is None:
        return None
    return "~" + t.astimezone(ZoneInfo(tz)).strftime("%H:%M")


@dataclass(frozen=True, kw_only=True)
class TextContext:
    """What one household's message is about."""

    kind: str  # a level, or "cancel" / "all_clear" / "test"
    hazard: str
    zone: str
    eta: datetime | None = None
    drill: bool = False


def sms_text(site: Site, ctx: TextContext, lang: str, names: dict[str, dict[str, dict[str, str]]] | None = None) -> str:
    """The SMS (also the first line of Telegram and e-mail) for one zone in one language."""
    kind = ctx.kind if ctx.kind in SMS else "advisory"
    z = site.zone_by_id.get(ctx.zone)
    sh_id = shelter_for(site, ctx.zone)
    sh = next((s for s in site.shelters if s.id == sh_id), None)
    text = SMS[kind][lang].format(
        zone=name("zone", ctx.zone, lang, z.name if z and z.name else ctx.zone, names),
        eta=local_hhmm(ctx.eta, site.site.timezone) or SOON[lang],
        at=AT[lang] if ctx.eta else "",
        shelter=name("shelter", sh.id, lang, sh.name or sh.id, names) if sh else {"ky": "бийик жер", "ru": "возвышенность",
                                                                                 "en": "high ground"}[lang],
        sender=SENDER_NAME[lang],
    )
    return (DRILL[lang] + text) if ctx.drill else text


def long_text(site: Site, ctx: TextContext, lang: str, names: dict[str, dict[str, dict[str, str]]] | None = None) -> str:
    """Telegram / e-mail body: the SMS text, what to do, and how to answer."""
    kind = ctx.kind if ctx.kind in INSTRUCTION else "advisory"
    parts = [sms_text(site, ctx, lang, names), INSTRUCTION[kind][lang]]
    if kind in ("evacuate", "warning"):
        parts.append(ACK_HINT[lang])
    return "\n\n".join(parts)
