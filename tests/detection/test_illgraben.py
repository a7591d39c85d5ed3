"""The geophone STA/LTA detector on a real debris flow: Illgraben (CH), 2019-06-10, station ILL11.

The seismometer record (50 Hz) becomes what a field geophone logger reports: the RMS ground
velocity (mm/s, 5-20 Hz after removing the instrument response) over each minute, stamped at the end
of the minute. The front's seismic onset is 18:35:51 UTC (illgraben_debrisflow_characteristics).
The detector must fire within a minute of it and not in the hour before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glofwatch.detection.detectors import get
from glofwatch.detection.detectors.sta_lta import FIRE_RATIO
from tests.conftest import shared_data


def _front_ms() -> int:
    p = shared_data("seismic", "illgraben_debrisflow_characteristics_2019_2020.csv")
    df = pd.read_csv(p, encoding="utf-8-sig")
    t = df.loc[df["time"].str.startswith("2019-06-10T18:35"), "time"].iloc[0]
    return int(pd.Timestamp(t, tz="UTC").value // 1_000_000)


def test_sta_lta_fires_at_the_illgraben_front_and_not_before(site) -> None:
    obspy = pytest.importorskip("obspy")
    st = obspy.read(str(shared_data("seismic", "illgraben_ILL11_2019-06-10T18-35-51_debrisflow.mseed")))
    inv = obspy.read_inventory(str(shared_data("seismic", "ILL11_inventory.xml")))
    tr = st.select(channel="BHZ")[0]
    tr.trim(tr.stats.starttime, tr.stats.starttime + 90 * 60)  # the hour before the front and 30 min of flow
    tr.remove_response(inventory=inv, output="VEL", pre_filt=(2, 4, 22, 24))
    tr.filter("bandpass", freqmin=5, freqmax=20)
    sr = tr.stats.sampling_rate
    n = int(60 * sr)
    k = len(tr.data) // n
    rms = np.sqrt((tr.data[: k * n].reshape(k, n) ** 2).mean(axis=1)) * 1000.0  # mm/s
    t0 = int(round(tr.stats.starttime.timestamp)) * 1000  # the digitiser stamps 5 ms early; loggers use whole seconds
    t = t0 + (np.arange(k) + 1) * 60_000
    # loggers are not regular: drop a few minutes to prove the detector does not need a fixed rate
    keep = np.ones(k, dtype=bool)
    keep[[10, 11, 30, 47]] = False
    t, rms = t[keep], rms[keep]
    geo = site.station("geo-cha")
    det = get("sta_lta")
    f = det.compute(t, rms, geo, geo.sensor("ground_velocity"))
    fired = t[f["ratio"] >= FIRE_RATIO]
    front = _front_ms()
    assert len(fired), f"no trigger; max ratio {f['ratio'].max():.2f}"
    first = int(fired[0])
    assert abs(first - front) <= 60_000, f"first trigger {(first - front) / 1000:+.0f} s from the front"
    before = (t >= front - 3_600_000) & (t < front - 60_000)
    assert f["ratio"][before].max() < FIRE_RATIO, f"false trigger before the front: {f['ratio'][before].max():.2f}"
    ev = det.explain(geo, geo.sensor("ground_velocity"), {"ratio": float(f["ratio"][t == first][0]),
                                                          "sta": float(f["sta"][t == first][0])}, first, (t, rms))
    assert ev.fires and "geo-cha" in ev.text and "STA/LTA" in ev.text
