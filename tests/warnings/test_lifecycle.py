"""The alert lifecycle on SQLite and PostgreSQL: issue, update, escalate, cancel, all-clear, drill,
test, from a detection Decision; never deleted; the outbox written with the alert."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from glofwatch.clock import FixedClock
from glofwatch.detection.decision import Arrival, Decision
from glofwatch.site import Site
from glofwatch.store import Store
from glofwatch.store.tables import alerts, deliveries
from glofwatch.warnings import service as ws
from glofwatch.warnings.cap import check_cap, parse_cap
from glofwatch.warnings.config import WarningsConfig

T0 = dt.datetime(2025, 7, 27, 7, 35, tzinfo=dt.UTC)


def count(store: Store, table: object, **where: object) -> int:
    q = select(func.count()).select_from(table)  # type: ignore[arg-type]
    for k, v in where.items():
        q = q.where(getattr(table.c, k) == v)  # type: ignore[attr-defined]
    with store.engine.connect() as c:
        return int(c.execute(q).scalar() or 0)


def test_issue_update_cancel_thread_with_references(store: Store, site: Site) -> None:
    clock = FixedClock(T0)
    r = ws.issue(store.engine, site, level="warning", hazard="glof", zones=["cha-town"], lake="cha-1", operator="duty",
                 note="lake rising", clock=clock)
    assert r.deliveries_planned == count(store, deliveries, alert_id=r.alert.id) > 72  # 72 households + e-mails + partners
    assert count(store, deliveries, alert_id=r.alert.id, kind="siren") == 0  # a warning does not sound sirens
    clock.advance(minutes=3)
    up = ws.escalate(store.engine, site, r.alert.id, level="evacuate", zones=["cha-town", "cha-shore"], clock=clock)
    assert up.alert.msg_type == "Update" and up.alert.thread == r.alert.id
    assert r.alert.id in up.alert.references
    assert count(store, deliveries, alert_id=up.alert.id, kind="siren") == 2
    with pytest.raises(ws.AlertError, match="replaced by"):
        ws.update(store.engine, site, r.alert.id, level="watch", clock=clock)
    with pytest.raises(ws.AlertError, match="not up"):
        ws.escalate(store.engine, site, up.alert.id, level="watch", clock=clock)
    clock.advance(minutes=3)
    c = ws.cancel(store.engine, site, up.alert.id, operator="duty", note="sensor fault", clock=clock)
    p = parse_cap(ws.cap_xml(store.engine, c.alert.id))
    assert p.msg_type == "Cancel" and [x[1] for x in p.references] == [r.alert.id, up.alert.id]
    assert check_cap(ws.cap_xml(store.engine, c.alert.id)).passed
    assert [a.id for a in ws.thread(store.engine, r.alert.id)] == [r.alert.id, up.alert.id, c.alert.id]
    assert count(store, alerts) == 3  # never deleted
    assert ws.list_alerts(store.engine, site.id, active_only=True, now_ms=int(clock.now().timestamp() * 1000)) == []
    with pytest.raises(ws.AlertError, match="replaced by|closed"):
        ws.cancel(store.engine, site, c.alert.id, clock=clock)


def test_drill_and_test_status(store: Store, site: Site) -> None:
    clock = FixedClock(T0)
    d = ws.drill(store.engine, site, level="evacuate", zones=["cak-grig"], operator="ivanov", clock=clock)
    assert parse_cap(ws.cap_xml(store.engine, d.alert.id)).status == "Exercise"
    assert count(store, deliveries, alert_id=d.alert.id, kind="household") >= 45
    t = ws.test(store.engine, site, clock=clock)
    assert parse_cap(ws.cap_xml(store.engine, t.alert.id)).status == "Test"
    assert count(store, deliveries, alert_id=t.alert.id, kind="household") == 0  # partners (feed, webhook) only
    assert count(store, deliveries, alert_id=t.alert.id, kind="siren") == 0


def test_bad_requests_name_the_fix(store: Store, site: Site) -> None:
    clock = FixedClock(T0)
    with pytest.raises(ws.AlertError, match="unknown zone.*known"):
        ws.issue(store.engine, site, level="warning", hazard="glof", zones=["atlantis"], clock=clock)
    with pytest.raises(ws.AlertError, match="unknown level"):
        ws.issue(store.engine, site, level="panic", hazard="glof", zones=["cha-town"], clock=clock)
    with pytest.raises(ws.AlertError, match="no alert"):
        ws.get_alert(store.engine, "nope")
    assert count(store, alerts) == 0 and count(store, deliveries) == 0  # nothing half-written


def decision(i: str, level: str, *, previous: str | None = None) -> Decision:
    return Decision(id=i, site="issyk-kul-demo", time="2025-07-27T07:35:00Z", level=level, hazard="glof", lake="cha-1",  # type: ignore[arg-type]
                    zones=["cha-upper", "cha-town"], onset="2025-07-27T07:30:00Z", previous=previous,
                    arrivals=[Arrival("cha-upper", 16.0, 45.0, 30.0, 90.0), Arrival("cha-town", 20.0, 55.0, 37.0, 110.0)],
                    explanation=["lake cha-1 fell 1.2 m in 20 min", "geophone gc-1 STA/LTA 9.1"])


def test_from_decisions_new_escalate_all_clear_idempotent(store: Store, site: Site) -> None:
    clock = FixedClock(T0)
    w = ws.issue_from_decision(store.engine, site, decision("d1", "warning"), clock=clock)
    assert w.alert.kind == "warning" and w.alert.operator == "detection"
    assert w.alert.arrivals["cha-upper"] == int((T0 - dt.timedelta(minutes=5) + dt.timedelta(minutes=30)).timestamp() * 1000)
    again = ws.issue_from_decision(store.engine, site, decision("d1", "warning"), clock=clock)
    assert not again.created and again.alert.id == w.alert.id
    clock.advance(minutes=2)
    e = ws.issue_from_decision(store.engine, site, decision("d2", "evacuate", previous="d1"), clock=clock)
    assert e.alert.msg_type == "Update" and e.alert.kind == "evacuate" and e.alert.thread == w.alert.id
    xml = ws.cap_xml(store.engine, e.alert.id).decode()
    assert "lake cha-1 fell 1.2 m" in xml and "<urgency>Immediate</urgency>" in xml
    clock.advance(hours=2)
    ac = ws.issue_from_decision(store.engine, site, decision("d3", "all_clear", previous="d2"), clock=clock)
    assert ac.alert.kind == "all_clear" and "<responseType>AllClear</responseType>" in ws.cap_xml(store.engine, ac.alert.id).decode()
    now_ms = int(clock.now().timestamp() * 1000)
    assert ws.list_alerts(store.engine, site.id, active_only=True, now_ms=now_ms) == []


def test_atom_feed_of_current_alerts(store: Store, site: Site) -> None:
    clock = FixedClock(T0)
    a = ws.issue(store.engine, site, level="watch", hazard="glof", zones=["cha-upper"], clock=clock)
    b = ws.issue(store.engine, site, level="advisory", hazard="debris_flow", zones=["cak-grig"], clock=clock)
    ws.cancel(store.engine, site, b.alert.id, clock=clock)
    feed = ws.atom_feed(store.engine, site, base_url="https://mes.kg/cap", clock=clock).decode()
    assert a.alert.id in feed and b.alert.id not in feed


@pytest.mark.slow
def test_live_path_ingest_to_alerts(tmp_path: object, site: Site) -> None:
    """Telemetry of a simulated outburst ingested in 10-minute batches through the Ingestor with the
    live detection listener: the decisions become alerts through ``decision_hook``."""
    from glofwatch.detection.live import DetectionListener
    from glofwatch.sim.scenarios import outburst
    from glofwatch.store import open_store
    from glofwatch.telemetry.pipeline import Ingestor

    st = open_store(str(tmp_path / "live.sqlite"))  # type: ignore[operator]
    clock = FixedClock(T0)
    issued: list[ws.IssueResult] = []
    listener = DetectionListener(site, st, on_decision=ws.decision_hook(st.engine, site, clock=clock, on_alert=issued.append),
                                 clock=clock)
    ing = Ingestor(site, st, clock=clock, listeners=[listener])
    sc = outburst(site, "cha-1", seed=7, start=T0)
    df = sc.telemetry
    t = df.time.str.slice(0, 15)  # 10-minute buckets of ISO times (YYYY-MM-DDTHH:M)
    for i, (_, chunk) in enumerate(df.groupby(t, sort=True)):
        p = tmp_path / f"c{i}.csv"  # type: ignore[operator]
        chunk.to_csv(p, index=False, na_rep="NAN")
        clock.set(dt.datetime.fromisoformat(chunk.time.max().replace("Z", "+00:00")))
        ing.ingest_file(p)
    kinds = [r.alert.kind for r in issued]
    assert "evacuate" in kinds, kinds
    ev = next(r.alert for r in issued if r.alert.kind == "evacuate")
    assert ev.lake == "cha-1" and set(ev.zones) >= {"cha-upper", "cha-town"}
    assert check_cap(ws.cap_xml(st.engine, ev.id)).passed


def test_signed_when_a_key_is_configured(tmp_path: object, site: Site) -> None:
    from glofwatch.store import open_store
    from glofwatch.warnings.config import WarningsConfig
    from glofwatch.warnings.sign import verify_cap
    from tests.warnings.test_cap import _self_signed

    key, cert = _self_signed(tmp_path)  # type: ignore[arg-type]
    (tmp_path / "k.pem").write_bytes(key)  # type: ignore[operator]
    (tmp_path / "c.pem").write_bytes(cert)  # type: ignore[operator]
    cfg = WarningsConfig(signing_key=tmp_path / "k.pem", signing_cert=tmp_path / "c.pem")  # type: ignore[operator]
    st = open_store(str(tmp_path / "s.sqlite"))  # type: ignore[operator]
    r = ws.issue(st.engine, site, level="warning", hazard="glof", zones=["cha-town"], clock=FixedClock(dt.datetime.now(dt.UTC)),
                 config=cfg)
    xml = ws.cap_xml(st.engine, r.alert.id)
    assert parse_cap(xml).signed and verify_cap(xml, cert_pem=cert).passed and check_cap(xml).passed


def test_a_detection_watch_reaches_the_duty_officer_not_every_family(store: Store, site: Site) -> None:
    """An advisory or watch from the detectors (a warm spell, a geophone's knock) is an alert in the console, the CAP
    feed and partners; households hear from the warning on, and then also of its updates and its all-clear. A watch
    that never became more ends without texting anyone. An operator's own watch reaches them (``issue``)."""
    clock = FixedClock(T0)
    w = ws.issue_from_decision(store.engine, site, decision("w1", "watch"), clock=clock)
    assert w.alert.kind == "watch" and count(store, deliveries, alert_id=w.alert.id, kind="household") == 0
    assert count(store, deliveries, alert_id=w.alert.id, kind="partner") == 2  # the CAP feed and the webhook
    assert w.alert.id in ws.atom_feed(store.engine, site, base_url="https://mes.kg/cap", clock=clock).decode()
    clock.advance(minutes=5)
    up = ws.issue_from_decision(store.engine, site, decision("w2", "warning", previous="w1"), clock=clock)
    assert up.alert.thread == w.alert.id and count(store, deliveries, alert_id=up.alert.id, kind="household") > 72
    clock.advance(minutes=60)
    down = ws.issue_from_decision(store.engine, site, decision("w3", "watch", previous="w2"), clock=clock)
    assert count(store, deliveries, alert_id=down.alert.id, kind="household") > 72  # they were warned: they hear the rest
    clock.advance(minutes=60)
    end = ws.issue_from_decision(store.engine, site, decision("w4", "all_clear", previous="w3"), clock=clock)
    assert count(store, deliveries, alert_id=end.alert.id, kind="household") > 72

    clock.advance(hours=3)
    quiet = ws.issue_from_decision(store.engine, site, decision("q1", "advisory"), clock=clock)
    clock.advance(minutes=60)
    over = ws.issue_from_decision(store.engine, site, decision("q2", "all_clear", previous="q1"), clock=clock)
    assert count(store, deliveries, alert_id=quiet.alert.id, kind="household") == 0
    assert count(store, deliveries, alert_id=over.alert.id, kind="household") == 0
    assert count(store, deliveries, alert_id=over.alert.id, kind="siren") == 0

    mine = ws.issue(store.engine, site, level="watch", hazard="glof", zones=["cha-town"], clock=clock, operator="duty")
    assert count(store, deliveries, alert_id=mine.alert.id, kind="household") > 0
    noisy = WarningsConfig(public_from="watch")  # a ministry that wants families told of every watch
    d = ws.issue_from_decision(store.engine, site, decision("n1", "watch"), clock=clock, config=noisy)
    assert count(store, deliveries, alert_id=d.alert.id, kind="household") > 72


def test_the_public_level_is_one_setting_away(tmp_path: object) -> None:
    """GLOFWATCH_PUBLIC_FROM sets it for servers and workers; a wrong value names the variable and the values that work;
    check-config shows it."""
    from typer.testing import CliRunner

    from glofwatch.cli import app
    from glofwatch.errors import ConfigError
    from glofwatch.warnings.config import from_environment

    assert from_environment({}).public_from == "warning"
    assert from_environment({"GLOFWATCH_PUBLIC_FROM": "watch"}).public_from == "watch"
    with pytest.raises(ConfigError, match="GLOFWATCH_PUBLIC_FROM='siren' is not an alert level.*advisory, watch, warning"):
        from_environment({"GLOFWATCH_PUBLIC_FROM": "siren"})
    db = str(tmp_path / "cc.sqlite")  # type: ignore[operator]
    ok = CliRunner().invoke(app, ["check-config", "--database", db], env={"GLOFWATCH_PUBLIC_FROM": "evacuate"})
    assert ok.exit_code == 0 and "reach households from: evacuate" in ok.output
    bad = CliRunner().invoke(app, ["check-config", "--database", db], env={"GLOFWATCH_PUBLIC_FROM": "siren"})
    assert bad.exit_code == 2 and "GLOFWATCH_PUBLIC_FROM" in bad.output
