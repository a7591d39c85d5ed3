"""Decision policy (hysteresis, no duplicates, all-clear) and reproducible training."""

from __future__ import annotations

import numpy as np
import orjson
import pytest

from glofwatch.detection.policy import HOLD_MS, SourceState, run


def _run(entry: list[int], stay: list[int], state: SourceState | None = None, t0: int = 0):  # noqa: ANN202
    ticks = t0 + np.arange(len(entry), dtype=np.int64) * 60_000
    out: list[tuple[int, int]] = []
    st = state or SourceState()

    def emit(i: int, new: int, s: SourceState) -> str:
        out.append((int(ticks[i]), new))
        return f"d{len(out)}"

    run(st, ticks, np.array(entry, np.int8), np.array(stay, np.int8), [], emit)
    return out, st


def test_escalate_at_once_hold_while_stay_level_holds_then_all_clear() -> None:
    hold = HOLD_MS // 60_000
    entry = [0, 3, 4, 0, 0] + [0] * (hold + 5)
    stay = [0, 3, 4, 4, 3] + [0] * (hold + 5)  # evidence ebbs: stays at evacuate for one tick, then below
    out, st = _run(entry, stay)
    assert [lv for _, lv in out] == [3, 4, 0]  # warning, evacuate, all clear: one decision per change
    assert out[2][0] == (4 + hold) * 60_000  # all clear HOLD after the first tick below evacuate
    assert st.level == 0 and st.last_id is None


def test_flicker_inside_the_hysteresis_band_sends_nothing_more() -> None:
    entry = [4] + [0, 4] * 20
    stay = [4] * 41
    out, _ = _run(entry, stay)
    assert out == [(0, 4)]


def test_split_into_live_calls_gives_the_same_decisions() -> None:
    rng = np.random.default_rng(1)
    entry = rng.choice([0, 0, 0, 1, 3, 4], size=400, p=[0.6, 0.2, 0.1, 0.05, 0.03, 0.02]).tolist()
    stay = [max(e, int(rng.integers(0, 3))) for e in entry]
    whole, _ = _run(entry, stay)
    st = SourceState()
    parts = []
    for a in range(0, 400, 37):
        o, st = _run(entry[a:a + 37], stay[a:a + 37], st, t0=a * 60_000)
        parts += o
    assert parts == whole


@pytest.mark.slow
def test_train_is_reproducible(site, tmp_path) -> None:
    from glofwatch.detection.train import train

    a = orjson.loads(train(site, n=20, seed=100, out=tmp_path / "a.json").read_bytes())
    b = orjson.loads(train(site, n=20, seed=100, out=tmp_path / "b.json").read_bytes())
    a["meta"].pop("trained")
    b["meta"].pop("trained")
    assert a == b
    assert set(a["hazards"]) == {"glof", "debris_flow"}
    assert (tmp_path / "a.json").stat().st_size < 1_000_000


def test_train_on_a_mix_with_the_shifted_physics(site, tmp_path, monkeypatch) -> None:
    import glofwatch.sim.scenarios as sims
    from glofwatch.detection.train import train

    seen: list[str | None] = []
    real = sims.scenario

    def spy(site, seed, **kw):  # type: ignore[no-untyped-def]
        seen.append(kw.get("variant"))
        return real(site, seed, **kw)

    monkeypatch.setattr(sims, "scenario", spy)
    m = orjson.loads(train(site, n=20, seed=100, out=tmp_path / "m.json", shifted=0.5).read_bytes())
    assert seen.count("shifted") == 10 and seen[:4] == [None, "shifted", None, "shifted"]
    assert m["meta"]["shifted_share"] == 0.5
    with pytest.raises(ValueError, match="share"):
        train(site, n=20, seed=100, out=tmp_path / "x.json", shifted=1.5)


def test_train_also_on_another_generators_folder(site, tmp_path) -> None:
    """`glofwatch train --scenarios DIR`: a folder of another generator's scenarios adds its rows, and the model's meta
    says which folder, generator, kinds, seeds and truth.jsonl it learned from; a folder that is not one is refused."""
    from glofwatch.detection.train import train
    from glofwatch.errors import GlofwatchError
    from glofwatch.site.load import resolve_site_path
    from tests.benchmark_scripts import load

    gen = load("holdout_scenarios")
    folder = tmp_path / "holdout-dev"
    gen.write(gen.generate(resolve_site_path(None).parent, seed=200_000_000, n=8, kinds=["debris_flow", "rain"]), folder)
    plain = orjson.loads(train(site, n=20, seed=100, out=tmp_path / "a.json").read_bytes())
    both = orjson.loads(train(site, n=20, seed=100, out=tmp_path / "b.json", folders=[folder]).read_bytes())
    assert plain["meta"]["folders"] == []
    (rec,) = both["meta"]["folders"]
    assert rec["folder"] == "holdout-dev" and rec["generators"] == ["holdout_scenarios.py"]
    assert rec["kinds"] == {"debris_flow": 4, "rain": 4} and rec["seeds"] == [200_000_000, 200_000_007]
    assert len(rec["truth_sha1"]) == 12
    for h in ("glof", "debris_flow"):  # every source of every folder scenario adds rows
        assert both["hazards"][h]["stats"]["rows"] > plain["hazards"][h]["stats"]["rows"]
        assert both["hazards"][h]["stats"]["scenarios"] == plain["hazards"][h]["stats"]["scenarios"] + 8
    with pytest.raises(GlofwatchError, match="no truth.jsonl"):
        train(site, n=20, seed=100, out=tmp_path / "c.json", folders=[tmp_path / "nowhere"])
    (folder / "truth.jsonl").write_text((folder / "truth.jsonl").read_text().replace('"kind": "rain"', '"kind": "storm"'))
    with pytest.raises(GlofwatchError, match="kind 'storm'"):
        train(site, n=20, seed=100, out=tmp_path / "d.json", folders=[folder])
