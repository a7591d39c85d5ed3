"""The whole live chain: station SenML over MQTT -> worker -> QC + store -> live detection ->
decision -> alert with its outbox rows, as `glofwatch mqtt-worker` runs it (real Mosquitto)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from glofwatch.clock import FixedClock
from glofwatch.detection.live import live_detection
from glofwatch.sim.scenarios import outburst
from glofwatch.telemetry.pipeline import Ingestor
from glofwatch.telemetry.senml import dump_pack
from glofwatch.telemetry.sources.mqtt import MqttSettings, MqttWorker
from glofwatch.warnings import service as ws
from tests.telemetry.test_mqtt_worker import Publisher, running, wait_for

pytestmark = [pytest.mark.mqtt, pytest.mark.slow]


def test_outburst_over_mqtt_becomes_an_evacuation_alert(site, sqlite_store, broker):
    start = datetime(2025, 7, 27, 0, 0, tzinfo=UTC)
    sc = outburst(site, "cha-1", seed=11, start=start, destroy_station=False)
    df = sc.telemetry.dropna(subset=["value"]).copy()
    df["t"] = pd.to_datetime(df["time"], utc=True)
    clock = FixedClock(df["t"].max().to_pydatetime() + timedelta(minutes=1))
    listener = live_detection(site, sqlite_store, clock=clock)
    ingestor = Ingestor(site, sqlite_store, clock=clock, listeners=[listener])
    worker = MqttWorker(ingestor, MqttSettings(url=broker.url, client_id="w-live", batch_ms=20),
                        on_event=listener.on_event)
    with running(worker):
        pub = Publisher(broker, "stations")
        try:
            # stations upload every 10 minutes, each its own readings, in event-time order
            df["slot"] = df["t"].dt.floor("10min")
            for (_slot, station), g in df.sort_values("t").groupby(["slot", "station"], sort=True):
                recs = [(se, t.timestamp(), float(v)) for se, t, v in zip(g["sensor"], g["t"], g["value"], strict=True)]
                pub.publish(f"glofwatch/{site.id}/{station}", dump_pack(recs))
            wait_for(lambda: sqlite_store.count(site) == len(df), f"{len(df)} readings stored", timeout=120)
        finally:
            pub.close()
    alerts = ws.list_alerts(sqlite_store.engine, site.id)
    evac = [a for a in alerts if a.kind == "evacuate" and a.lake == "cha-1"]
    assert evac, [(a.kind, a.lake) for a in alerts]
    assert "cha-upper" in evac[0].zones
    # the decision behind it was made (in event time) before the wave reached the first zone
    first_arrival = datetime.fromisoformat(sc.truth["first_arrival"].replace("Z", "+00:00"))
    evac_decisions = [d for d in listener.decisions if d.level == "evacuate" and d.lake == "cha-1"]
    assert evac_decisions and datetime.fromisoformat(evac_decisions[0].time.replace("Z", "+00:00")) < first_arrival
