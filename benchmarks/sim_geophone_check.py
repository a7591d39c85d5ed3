"""Figure: the simulated geophone signal against the real Illgraben debris-flow recording (docs/scenarios.md).

Real: XP.ILL11 BHZ, 2019-06-10 (a 10 m3/s debris flow, Illgraben table), response removed to velocity,
5-20 Hz, 1-min RMS (mm/s): background median, event maximum, their ratio, and how long the rise before
the front takes. Simulated: the same figures from ``geophone_rms`` for a 10 m3/s flow over the
default background (median 0.02 mm/s) for the range of gains the simulator draws.

    .venv/bin/python benchmarks/sim_geophone_check.py      (needs ../shared/data/seismic and obspy)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from glofwatch.sim.physics import geophone_rms

SEISMIC = Path(__file__).resolve().parents[2] / "shared" / "data" / "seismic"


def main() -> None:
    import obspy

    st = obspy.read(str(SEISMIC / "illgraben_ILL11_2019-06-10T18-35-51_debrisflow.mseed"))
    inv = obspy.read_inventory(str(SEISMIC / "ILL11_inventory.xml"))
    tr = st.select(channel="BHZ")[0].copy()
    tr.remove_response(inventory=inv, output="VEL")
    tr.filter("bandpass", freqmin=5, freqmax=20)
    x = tr.data * 1000.0
    n = int(60 * tr.stats.sampling_rate)
    m = len(x) // n
    rms = np.sqrt((x[: m * n].reshape(m, n) ** 2).mean(axis=1))
    bg = float(np.median(rms[:55]))  # the hour before the flow (seismic onset 18:35:51, trace starts 17:35:51)
    peak = float(rms.max())
    above = rms > 5 * bg
    sustained = above[:-2] & above[1:-1] & above[2:]  # 3 minutes in a row: the flow, not a gust
    start = int(np.argmax(sustained))
    rise = int(np.argmax(rms[start:] >= 0.8 * peak))
    print(f"Illgraben ILL11 2019-06-10 (Qp ~10 m3/s): background {bg:.4f} mm/s, peak {peak:.4f} mm/s, "
          f"ratio {peak / bg:.0f}x; from 5x background (sustained) to 80 % of the peak in {rise} min")
    sim_bg = 0.02
    for gain in (0.3, 1.0, 3.0):
        p = float(geophone_rms(np.array([10.0]), np.array([np.nan]), 10.0, gain=gain)[0])
        ratio = (sim_bg + p) / sim_bg
        print(f"simulated, gain {gain:>3}: peak {sim_bg + p:.3f} mm/s over background {sim_bg} -> ratio {ratio:.0f}x")


if __name__ == "__main__":
    main()
