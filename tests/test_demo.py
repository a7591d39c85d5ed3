"""``glofwatch demo``: the outburst of cha-1 through the real chain, ending in the report and files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from glofwatch.demo import run_demo
from glofwatch.testing.services import mosquitto_binary
from glofwatch.warnings.cap import check_cap, parse_cap


@pytest.mark.slow
def test_demo_end_to_end(tmp_path: Path) -> None:
    buf = io.StringIO()
    out = run_demo(out=tmp_path / "demo", console=Console(file=buf, width=140))
    text = buf.getvalue()
    report = (out / "report.html").read_text(encoding="utf-8")
    for part in ("Timeline", "data:image/png;base64,", "<svg", "people evacuated", "SIMULATED"):
        assert part in report
    caps = sorted(out.glob("*.xml"))
    assert caps and all(check_cap(p.read_bytes()).passed for p in caps)
    kinds = {parse_cap(p.read_bytes()).msg_type for p in caps}
    assert {"Alert", "Update"} <= kinds
    assert any("<urgency>Immediate</urgency>" in p.read_text(encoding="utf-8") for p in caps)  # an evacuation was issued
    assert (out / "feed.atom").exists()
    lines = [json.loads(x) for x in (out / "deliveries.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines and all({"household", "channel", "status", "time"} <= set(x) for x in lines)
    hh = {x["household"] for x in lines if x["status"] == "sent" and x["household"]}
    assert len(hh) >= 170  # every household of the three Cholpon-Ata zones
    sirens = [x for x in lines if x["channel"] == "siren"]
    if mosquitto_binary():
        assert sirens and all(x["status"] == "sent" for x in sirens)
    else:
        assert "sirens skipped" in text
    assert "evacuation (answers and check-ins SIMULATED)" in text
