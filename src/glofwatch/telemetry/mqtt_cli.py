"""``glofwatch mqtt-worker``: the command around :class:`glofwatch.telemetry.sources.mqtt.MqttWorker`.

Kept apart from ``cli.py`` so that importing the CLI stays light (paho, numpy and the store load
only when the worker starts).
"""

from __future__ import annotations

import logging
import os
import signal
from typing import Annotated, Any

import typer


def mqtt_worker(
    site: Annotated[str | None, typer.Option(
        "--site", "-s", help="Site directory or site.yaml; default: the bundled demo site.")] = None,
    database: Annotated[str | None, typer.Option(
        "--database", "-d", help="SQLite file or postgresql://... URL; "
        "default: $GLOFWATCH_DATABASE_URL, then a file in the user data folder.")] = None,
    broker: Annotated[str | None, typer.Option(
        "--broker", "-b", help="mqtt://host:port, or mqtts://user:password@host:port for TLS and a login; "
        "default: $GLOFWATCH_MQTT_URL, "
        "then mqtt://127.0.0.1:1883.")] = None,
    group: Annotated[str | None, typer.Option(
        help="Share the load with other workers: subscribe as $share/GROUP/glofwatch/<site>/+ (MQTT 5).")] = None,
    client_id: Annotated[str | None, typer.Option(
        help="Fixed MQTT client id, the key of the persistent session; default glofwatch-ingest-<site> "
        "(-<group>-<hostname> in a group). Every worker needs its own.")] = None,
    batch_messages: Annotated[int, typer.Option(help="Most messages stored in one transaction.")] = 1000,
    batch_ms: Annotated[int, typer.Option(help="Close a batch this many ms after its first message.")] = 50,
    silence_every: Annotated[float, typer.Option(help="Seconds between station-silence checks.")] = 30.0,
    publish_rejections: Annotated[bool, typer.Option(
        help="Publish refused records with reasons to glofwatch/<site>/<station>/rejected.")] = True,
    leave_group: Annotated[bool, typer.Option(
        help="Retire this worker from its --group: store what its session holds (its share of the messages, "
        "queued while it was away), unsubscribe, end the session and exit.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every batch (debug level).")] = False,
    detect: Annotated[bool, typer.Option("--detect/--no-detect",
                                         help="Live detection on stored readings; its decisions become alerts.")] = True,
) -> None:
    """Store station SenML from MQTT (glofwatch/<site>/<station>, QoS 1) until SIGTERM or Ctrl-C.

    The session is persistent and messages are acknowledged only after they are committed, so
    readings sent while the worker or the broker was down arrive once both are back. Broken
    messages are logged with their topic and reason; their valid records are kept.
    """
    from glofwatch.cli import _fail, _site, _store
    from glofwatch.errors import GlofwatchError
    from glofwatch.telemetry.pipeline import Ingestor
    from glofwatch.telemetry.sources.mqtt import DEFAULT_URL, URL_ENV_VAR, MqttSettings, MqttWorker

    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    s = _site(site)
    settings = MqttSettings(url=broker or os.environ.get(URL_ENV_VAR) or DEFAULT_URL, group=group, client_id=client_id,
                            batch_messages=batch_messages, batch_ms=batch_ms, silence_every_s=silence_every,
                            publish_rejections=publish_rejections, leave_group=leave_group)
    try:
        store = _store(database)
        listeners: list[Any] = []
        on_event = None
        if detect:
            from glofwatch.detection.live import live_detection

            listener = live_detection(s, store)
            listeners.append(listener)
            on_event = listener.on_event
        worker = MqttWorker(Ingestor(s, store, listeners=listeners), settings, on_event=on_event)
    except GlofwatchError as e:
        _fail(e)

    def _stop(signum: int, _frame: Any) -> None:
        logging.getLogger(__name__).info("%s: finishing the current batch, then stopping", signal.Signals(signum).name)
        worker.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    worker.run()
