"""``glofwatch demo``: an outburst of lake cha-1 of the reference site through the real chain.

Telemetry (simulated by :func:`glofwatch.sim.scenarios.outburst`) is written as a logger CSV and
ingested through the same path as real files; detection replays it in event time
(:func:`glofwatch.detection.replay.replay_frame`); each decision becomes a CAP alert
(:func:`glofwatch.warnings.service.issue_from_decision`) whose outbox the dispatcher sends to
endpoints the demo starts on loopback: an SMPP SMSC emulator, a real SMTP server (aiosmtpd), a
Telegram Bot API emulator, a private Mosquitto with siren emulators (when the ``mosquitto`` binary
exists), and the CAP feed folder. Households' answers and shelter check-ins are SIMULATED (a seeded
share of households) so that the report can show evacuation counts; they travel the real paths
(SMS replies over SMPP, Telegram button taps, QR check-ins).

Outputs in ``out``: ``report.html``, one ``<alert id>.xml`` per CAP message, ``feed.atom``,
``deliveries.jsonl`` (one delivery a line: household, channel, status, time, ...), ``telemetry.csv``
and the SQLite database.
"""

from __future__ import annotations

import base64
import html
import io
import json
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from glofwatch.clock import FixedClock, parse_iso
from glofwatch.site import Site, load_site
from glofwatch.store import open_store

LAKE = "cha-1"
SEED = 7


def run_demo(*, out: Path | None = None, database: str | None = None, console: Console | None = None) -> Path:
    """Run the demo; returns the output folder (``report.html`` inside)."""
    from glofwatch.detection.replay import replay_frame
    from glofwatch.dissemination import outbox
    from glofwatch.dissemination.channels import channel_from_url
    from glofwatch.dissemination.dispatch import Dispatcher
    from glofwatch.dissemination.emulators.http_api import LoopbackApi
    from glofwatch.dissemination.emulators.smpp_server import SmppServer
    from glofwatch.dissemination.emulators.smtp import SmtpRecorder
    from glofwatch.evacuation import service as ev
    from glofwatch.sim.scenarios import outburst
    from glofwatch.telemetry.pipeline import Ingestor
    from glofwatch.testing.services import mosquitto_binary
    from glofwatch.warnings import service as ws
    from glofwatch.warnings.config import WarningsConfig

    console = console or Console()
    out = Path(out) if out else Path(tempfile.mkdtemp(prefix="glofwatch-demo-"))
    out.mkdir(parents=True, exist_ok=True)
    site = load_site(None)
    start = (datetime.now(UTC) - timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    console.print(f"[bold]glofwatch demo[/bold]: an outburst of lake {LAKE} at {site.site.name}; outputs in {out}")
    timeline: list[dict[str, Any]] = []
    notes: list[str] = []
    cols = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn())
    with Progress(*cols, console=console, transient=False, disable=not console.is_terminal) as progress, ExitStack() as stack:
        step = progress.add_task("1/6 simulating the outburst", total=6)

        def say(msg: str) -> None:
            if not console.is_terminal:
                console.print(msg)
            progress.update(step, description=msg)

        sc = outburst(site, LAKE, seed=SEED, start=start)
        tele = out / "telemetry.csv"
        sc.write(out).rename(tele)
        say(f"1/6 simulated {len(sc.telemetry)} readings, onset {sc.truth['onset']}, first arrival {sc.truth['first_arrival']}")
        progress.advance(step)

        store = open_store(database or str(out / "glofwatch.sqlite"))
        engine = store.engine
        clock = FixedClock(parse_iso(sc.truth["end"]))
        rep = Ingestor(site, store, clock=clock).ingest_file(tele)
        say(f"2/6 ingested {rep.accepted} readings ({rep.rejected} rejected, QC flags {dict(rep.flagged) or 'none'})")
        progress.advance(step)

        decisions = sorted(replay_frame(site, sc.telemetry), key=lambda d: d.time)
        say(f"3/6 detection replayed the telemetry: {len(decisions)} decisions "
            f"({', '.join(f'{d.level}@{d.time[11:16]}' for d in decisions)})")
        progress.advance(step)

        smsc = stack.enter_context(SmppServer())
        smtp = stack.enter_context(SmtpRecorder())
        api = stack.enter_context(LoopbackApi())
        urls = [smsc.url, smtp.url, api.telegram_url, api.webhook_url, f"capdir://{out.resolve()}"]
        sirens: Any = None
        if mosquitto_binary():
            from glofwatch.dissemination.emulators.siren import SirenEmulator
            from glofwatch.testing.services import MosquittoBroker

            broker = stack.enter_context(MosquittoBroker(workdir=Path(tempfile.mkdtemp(prefix="glofwatch-demo-mqtt-"))))
            sirens = stack.enter_context(SirenEmulator("127.0.0.1", broker.port, [s.id for s in site.sirens]))
            urls.append(f"mqtt://127.0.0.1:{broker.port}?ack_timeout=15")
        else:
            notes.append("sirens skipped: the mosquitto binary is not installed (apt-get install mosquitto)")
        cfg = WarningsConfig(escalate_after_s=600, web="http://127.0.0.1:8000/cap")
        disp = stack.enter_context(Dispatcher(engine, site, [channel_from_url(u) for u in urls], clock=clock, config=cfg))
        say(f"4/6 local endpoints: SMPP {smsc.port}, SMTP {smtp.port}, Telegram API {api.port}"
            + (f", MQTT sirens {broker.port}" if sirens else " (sirens skipped)"))
        progress.advance(step)

        evac_alert: str | None = None
        for d in decisions:
            clock.set(parse_iso(d.time))
            t0 = time.perf_counter()
            try:
                r = ws.issue_from_decision(engine, site, d, clock=clock, config=cfg)
            except ws.AlertError as e:
                timeline.append({"time": d.time, "what": f"decision {d.level} ({d.lake}) not issued: {e}", "level": d.level})
                continue
            drep = disp.run_until_idle()
            wall = time.perf_counter() - t0
            timeline.append({"time": d.time, "level": r.alert.kind, "alert": r.alert.id, "msg_type": r.alert.msg_type,
                             "what": f"{r.alert.msg_type} {r.alert.kind} ({d.lake}): {d.explanation[0] if d.explanation else ''}",
                             "sent": drep.counts.get("sent", 0), "failed": drep.handled - drep.counts.get("sent", 0),
                             "wall_s": round(wall, 2)})
            if r.alert.kind == "evacuate" and r.alert.lake == LAKE and evac_alert is None:
                evac_alert = r.alert.id
                _simulate_people(site, engine, clock, smsc, api, disp, r.alert, ev, timeline)
        timeline.sort(key=lambda e: e["time"])
        n_alerts = sum(1 for e in timeline if "alert" in e)
        say(f"5/6 {n_alerts} alerts issued and sent; {len(smsc.messages)} SMS, {len(smtp.mails)} e-mails, "
            f"{len(api.of('telegram'))} Telegram messages"
            + (f", sirens started: {len(sirens.started)}, sounding now: {len(sirens.sounding)}" if sirens else ""))
        progress.advance(step)

        rows = outbox.deliveries(engine)
        with (out / "deliveries.jsonl").open("w") as f:
            for x in rows:
                f.write(json.dumps({k: x[k] for k in ("household", "recipient", "kind", "channel", "status", "time", "attempts",
                                                      "alert", "language", "detail")}, ensure_ascii=False) + "\n")
        for a in ws.list_alerts(engine, site.id):
            (out / f"{a.id}.xml").write_bytes(ws.cap_xml(engine, a.id))
        counts = ev.alert_counts(engine, site, evac_alert) if evac_alert else None
        season = ev.season_counts(engine, site, clock.now().year)
        report = out / "report.html"
        report.write_text(_report(site, sc, store, timeline, rows, counts, season, notes, evac_alert, engine), encoding="utf-8")
        say(f"6/6 report written: {report}")
        progress.advance(step)

    _summary(console, timeline, counts, notes, out)
    return out


def _simulate_people(site: Site, engine: Any, clock: FixedClock, smsc: Any, api: Any, disp: Any, alert: Any, ev: Any,
                     timeline: list[dict[str, Any]]) -> None:
    """SIMULATED behaviour of households after the evacuate message (seeded): most answer, some need
    help, most reach a shelter. The answers travel the real paths: SMS replies over SMPP, Telegram
    button taps, QR-code check-ins at the shelter."""
    rng = np.random.default_rng(SEED)
    hh = [h for h in site.households if h.zone in alert.zones]
    t_alert = clock.now()
    answered = 0
    for h in hh:
        u = rng.random()
        if u > 0.8:
            continue
        helpword = "2 жардам керек" if h.language == "ky" else "2 нужна помощь" if h.language == "ru" else "2 help"
        safeword = "1" if u < 0.5 else "коопсуз" if h.language == "ky" else "1 safe"
        word = helpword if (u < 0.1 or (h.vulnerable >= 2 and u < 0.25)) else safeword
        if h.telegram_chat_id:
            api.press(h.telegram_chat_id, f"ack:{alert.thread}:{'need_help' if word.startswith('2') else 'safe'}")
        else:
            smsc.reply(h.phone, word)
        answered += 1
    clock.set(t_alert + timedelta(minutes=6))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # replies arrive asynchronously (SMPP reader thread, Telegram polling)
        disp.poll_replies()
        if ev.alert_counts(engine, site, alert.id).acknowledged >= answered:
            break
        time.sleep(0.05)
    timeline.append({"time": (t_alert + timedelta(minutes=6)).strftime("%Y-%m-%dT%H:%M:%SZ"), "level": "evacuate",
                     "what": f"SIMULATED: {answered} households answered (SMS replies, Telegram buttons)"})
    clock.set(t_alert + timedelta(minutes=11))
    n = disp.check_escalations()
    disp.run_until_idle()
    timeline.append({"time": (t_alert + timedelta(minutes=11)).strftime("%Y-%m-%dT%H:%M:%SZ"), "level": "evacuate",
                     "what": f"no answer after 10 min: {n} SMS reminders sent"})
    secret = disp.config.qr_secret
    checked = 0
    for h in hh:
        if rng.random() < 0.72:
            clock.set(t_alert + timedelta(minutes=float(rng.uniform(12, 40))))
            shelter = next((s.id for s in site.shelters if h.zone in s.zones), site.shelters[0].id)
            people = int(h.members - (rng.random() < 0.1))
            ev.check_in_by_token(engine, site, ev.qr_token(site, h.id, secret), shelter=shelter, secret=secret, clock=clock,
                                 people=max(people, 1))
            checked += 1
    clock.set(t_alert + timedelta(minutes=40))
    timeline.append({"time": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"), "level": "evacuate",
                     "what": f"SIMULATED: {checked} households checked in at shelters by QR code"})


# ------------------------------------------------------------------ report
def _plot(store: Any, site: Site, sc: Any) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = sc.telemetry
    fig, axes = plt.subplots(3, 1, figsize=(9, 7), sharex=True)
    for ax, (st, se, label) in zip(axes, [("lake-cha-1", "water_level", "lake cha-1 level (m)"),
                                          ("geo-cha", "ground_velocity", "geophone geo-cha (mm/s)"),
                                          ("gauge-cha", "stage", "gauge-cha stage (m)")], strict=True):
        s = df[(df.station == st) & (df.sensor == se)]
        t = np.array([parse_iso(x) for x in s.time])
        ax.plot(t, s.value.astype(float), lw=1.2)
        ax.set_ylabel(label, fontsize=8)
        ax.axvline(parse_iso(sc.truth["onset"]), color="k", ls="--", lw=0.8)
        ax.grid(alpha=0.3)
    axes[0].set_title("Simulated outburst of lake cha-1 (dashed: onset)", fontsize=10)
    fig.autofmt_xdate()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _map(site: Site, rows: list[dict[str, Any]], counts: Any, engine: Any) -> str:
    from sqlalchemy import select

    from glofwatch.store.tables import acks, checkins

    with engine.connect() as c:
        checked = {r[0] for r in c.execute(select(checkins.c.household))}
        answers = {r[0]: r[1] for r in c.execute(select(acks.c.household, acks.c.answer).order_by(acks.c.t_ms))}
    reached = {x["household"] for x in rows if x["status"] == "sent" and x["household"]}
    pts = [p for z in site.zones if z.id.startswith("cha") for p in z.polygon]
    x0, x1 = min(p[0] for p in pts) - 0.004, max(p[0] for p in pts) + 0.012
    y0, y1 = min(p[1] for p in pts) - 0.003, max(p[1] for p in pts) + 0.003
    w, h = 420, int(420 * (y1 - y0) / ((x1 - x0) * np.cos(np.radians(42.67))))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - x0) / (x1 - x0) * w, h - (lat - y0) / (y1 - y0) * h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             'style="background:#eef5fb;border:1px solid #ccc">']
    for z in site.zones:
        if not z.id.startswith("cha"):
            continue
        p = " ".join(f"{a:.1f},{b:.1f}" for a, b in (xy(*q) for q in z.polygon))
        cx, cy = xy(z.polygon[0][0], z.polygon[0][1])
        parts.append(f'<polygon points="{p}" fill="#fca5a5" fill-opacity="0.35" stroke="#b91c1c"/>'
                     f'<text x="{cx + 3:.0f}" y="{cy - 4:.0f}" font-size="10">{html.escape(z.id)}</text>')
    for hh in site.households:
        if not hh.zone.startswith("cha"):
            continue
        col = "#16a34a" if hh.id in checked else "#dc2626" if answers.get(hh.id) == "need_help" else \
            "#2563eb" if hh.id in answers else "#6b7280" if hh.id in reached else "#000"
        a, b = xy(hh.lon, hh.lat)
        parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.6" fill="{col}"><title>{hh.id}</title></circle>')
    for s in site.sirens:
        if s.zone.startswith("cha"):
            a, b = xy(*s.location)
            parts.append(f'<polygon points="{a:.0f},{b - 6:.0f} {a - 5:.0f},{b + 4:.0f} {a + 5:.0f},{b + 4:.0f}" fill="#f59e0b" '
                         f'stroke="#000"><title>{s.id}</title></polygon>')
    for s in site.shelters:
        if any(z.startswith("cha") for z in s.zones):
            a, b = xy(*s.location)
            parts.append(f'<rect x="{a - 5:.0f}" y="{b - 5:.0f}" width="10" height="10" fill="#7c3aed">'
                         f'<title>{html.escape(s.name)}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def _report(site: Site, sc: Any, store: Any, timeline: list[dict[str, Any]], rows: list[dict[str, Any]], counts: Any, season: Any,
            notes: list[str], evac_alert: str | None, engine: Any) -> str:
    from collections import Counter

    from jinja2 import Template

    by_ch = Counter((x["channel"], x["status"]) for x in rows)
    channels = sorted({c for c, _ in by_ch})
    statuses = ["sent", "transient_error", "permanent_error", "skipped", "pending", "sending"]
    tpl = Template(_HTML)
    return tpl.render(site=site, truth=sc.truth, timeline=timeline, png=_plot(store, site, sc),
                      svg=_map(site, rows, counts, engine),
                      channels=channels, statuses=statuses, by_ch=by_ch, counts=counts, season=season, notes=notes,
                      evac_alert=evac_alert, n_rows=len(rows), generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))


_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>glofwatch demo report</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em
auto;color:#111}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:3px
8px;font-size:13px;text-align:left}th{background:#f3f4f6}.evacuate{color:#7f1d1d;font-weight:bold}
.warning{color:#b91c1c}.sim{background:#fef3c7;padding:4px 8px;border-radius:4px}.n{text-align:right}</style></head><body>
<h1>glofwatch demo: outburst of lake {{ truth.lake }}</h1>
<p>{{ site.site.name }}. Simulated scenario <code>{{ truth.id }}</code>: onset {{ truth.onset }}, volume {{
truth.volume_m3 }} m³,
peak discharge {{ truth.peak_discharge_m3s }} m³/s; the wave reaches
{% for z, t in truth.arrivals.items() %}{{ z }} at {{ t }}{% if not loop.last %}, {% endif %}{% endfor %}.
Generated {{ generated }}.</p>
{% for n in notes %}<p class="sim">{{ n }}</p>{% endfor %}
<h2>Timeline (event time, UTC)</h2><table><tr><th>time</th><th>level</th><th>what</th><th>sent</th><th>failed</th>
<th>wall s</th></tr>
{% for e in timeline %}<tr><td>{{ e.time }}</td><td class="{{ e.level }}">{{ e.level }}</td><td>{{ e.what }}</td>
<td class="n">{{ e.get('sent', '') }}</td><td class="n">{{ e.get('failed', '') }}</td>
<td class="n">{{ e.get('wall_s', '') }}</td></tr>{% endfor %}
</table>
<h2>Telemetry</h2><img alt="lake level, geophone and gauge" src="data:image/png;base64,{{ png }}">
<h2>Zones, households, sirens, shelters</h2>
<p>{{ svg }}</p>
<p>Households: <span style="color:#16a34a">●</span> checked in at a shelter, <span style="color:#2563eb">●</span>
answered safe,
<span style="color:#dc2626">●</span> asked for help, <span style="color:#6b7280">●</span> reached, no answer,
● not reached. <span style="color:#f59e0b">▲</span> siren, <span style="color:#7c3aed">■</span> shelter.</p>
<h2>Deliveries ({{ n_rows }} records, deliveries.jsonl)</h2><table><tr>
<th>channel</th>{% for s in statuses %}<th>{{ s }}</th>{% endfor %}</tr>
{% for c in channels %}<tr>
<td>{{ c }}</td>{% for s in statuses %}<td class="n">{{ by_ch[(c, s)] or '' }}</td>{% endfor %}</tr>{% endfor %}
</table>
{% if counts %}<h2>Evacuation (alert {{ evac_alert }})</h2>
<p class="sim">Answers and check-ins below are SIMULATED by the demo (a seeded share of households); they travelled the
real paths: SMS replies over SMPP, Telegram button taps, QR-code check-ins.</p>
<table><tr><th>households targeted</th><td class="n">{{ counts.households_targeted }}</td></tr>
<tr><th>people targeted</th><td class="n">{{ counts.people_targeted }}</td></tr>
<tr><th>warned (message attempted)</th><td class="n">{{ counts.warned }}</td></tr>
<tr><th>reached (hand-off confirmed or answered)</th><td class="n">{{ counts.reached }}</td></tr>
<tr><th>acknowledged</th>
<td class="n">{{ counts.acknowledged }} ({{ counts.safe }} safe, {{ counts.need_help }} need help)</td></tr>
<tr><th>evacuated households</th><td class="n">{{ counts.evacuated }}</td></tr>
<tr><th>people evacuated</th><td class="n">{{ counts.people_evacuated }}</td></tr>
<tr><th>still need help</th><td class="n">{{ counts.still_need_help|length }}</td></tr></table>
<h3>Still need help (those who asked first, then most vulnerable)</h3><table><tr><th>household</th><th>zone</th>
<th>members</th>
<th>vulnerable</th><th>answer</th><th>phone</th></tr>{% for x in counts.still_need_help[:25] %}<tr><td>{{ x.household }}</td>
<td>{{ x.zone }}</td><td class="n">{{ x.members }}</td><td class="n">{{ x.vulnerable }}</td><td>{{ x.answer }}</td>
<td>{{ x.phone }}</td></tr>
{% endfor %}</table>{% if counts.still_need_help|length > 25 %}<p>... and {{ counts.still_need_help|length - 25 }}
more</p>{% endif %}
<p>Season {{ season.alerts|length }} Actual alert(s): {{ season.evacuated }} households, {{ season.people_evacuated }}
people evacuated.</p>
{% endif %}
<p>CAP 1.2 messages: the <code>*.xml</code> files beside this report (ky, ru, en); the feed: <code>feed.atom</code>.</p>
</body></html>"""


def _summary(console: Console, timeline: list[dict[str, Any]], counts: Any, notes: list[str], out: Path) -> None:
    t = Table(title="glofwatch demo - alerts")
    for c in ("event time", "level", "what", "sent", "failed"):
        t.add_column(c)
    for e in timeline:
        t.add_row(e["time"], e.get("level", ""), e["what"][:90], str(e.get("sent", "")), str(e.get("failed", "")))
    console.print(t)
    if counts:
        console.print(f"evacuation (answers and check-ins SIMULATED): {counts.households_targeted} households targeted, "
                      f"{counts.reached} reached, {counts.acknowledged} answered ({counts.need_help} need help), "
                      f"{counts.evacuated} households / {counts.people_evacuated} people at shelters, "
                      f"{len(counts.still_need_help)} still need help")
    for n in notes:
        console.print(f"[yellow]note[/yellow] {n}")
    console.print(f"report: {out / 'report.html'}")
