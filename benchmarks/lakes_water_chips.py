"""Water mapping on real labelled data (BENCHMARKS.md, "Lakes and terrain"):

1. the three DLR chips (Sentinel-2, Landsat-7, Landsat-5; water, cloud, shadow labels): water IoU of
   NDWI > 0 (the plain index baseline) and of the glofwatch pixel rule, the rule's thresholds fitted
   leave-one-chip-out (fitted on two chips, scored on the third, which it never saw), and the shipped rule;
2. the 120 labelled Landsat-8 samples: accuracy of the shipped rule;
3. the lake-free Sentinel-2 scene: number of water bodies the mapper reports (must be 0).

Run: .venv/bin/python benchmarks/lakes_water_chips.py
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from glofwatch.lakes.indices import ndwi
from glofwatch.lakes.mapper import map_scene
from glofwatch.lakes.scene import open_scene
from glofwatch.lakes.water import DEFAULT_RULE, WaterRule, iou, water_rule

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "imagery"
CHIPS = ("sentinel2", "landsat7", "landsat5")
SHORE = {"shore_ndwi_min": (-0.3, -0.2, -0.1, 0.0), "shore_mndwi_min": (-0.2, -0.1, 0.0, 0.1),
         "shore_swir1_max": (0.08, 0.12, 0.2)}
GRID = {"ndwi_min": np.round(np.arange(-0.3, 0.31, 0.05), 2), "mndwi_min": np.round(np.arange(-0.2, 0.51, 0.05), 2),
        "nir_max": (0.08, 0.1, 0.12, 0.15, 0.2, 0.3, 1.0), "swir1_max": (0.05, 0.08, 0.1, 0.15, 1.0)}


def chip(name: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    z = np.load(DATA / f"ukis_csmask_{name}_512x512x6_with_water_mask.npz")
    img = z["img"]
    bands = {b: img[..., i] for i, b in enumerate(("blue", "green", "red", "nir", "swir1", "swir2"))}
    return bands, z["msk"][..., 0] == 1


def fit_rule(chips: list[tuple[dict[str, np.ndarray], np.ndarray]]) -> WaterRule:
    """The rule maximising the summed water IoU over ``chips`` (grid search)."""
    best, best_score = DEFAULT_RULE, -1.0
    for vals in itertools.product(*GRID.values()):  # the pixel tests first (no shore growth) ...
        r = WaterRule(**dict(zip(GRID, (float(v) for v in vals), strict=True)), shore_ndwi_min=None)
        s = sum(iou(water_rule(b, r), w) for b, w in chips)
        if s > best_score:
            best, best_score = r, s
    for vals in itertools.product(*SHORE.values()):  # ... then the shore ring on top of them
        r = replace(best, **dict(zip(SHORE, (float(v) for v in vals), strict=True)))
        s = sum(iou(water_rule(b, r), w) for b, w in chips)
        if s > best_score:
            best, best_score = r, s
    return best


def main() -> None:
    data = {n: chip(n) for n in CHIPS}
    print("| chip | water px | NDWI > 0 IoU | rule, leave-one-chip-out IoU (params) | shipped rule IoU |")
    print("|---|---|---|---|---|")
    for test in CHIPS:
        b, w = data[test]
        base = iou(ndwi(b["green"], b["nir"]) > 0, w)
        r = fit_rule([data[n] for n in CHIPS if n != test])
        loo = iou(water_rule(b, r), w)
        shipped = iou(water_rule(b), w)
        print(f"| {test} | {int(w.sum())} | {base:.3f} | {loo:.3f} (ndwi>{r.ndwi_min}, mndwi>{r.mndwi_min}, nir<{r.nir_max}, "
              f"swir1<{r.swir1_max}; shore {r.shore_ndwi_min}/{r.shore_mndwi_min}/{r.shore_swir1_max}) | {shipped:.3f} |")
    df = pd.read_csv(DATA / "spyndex_landsat8_spectral_samples.csv")
    bands = {"green": df.SR_B3.to_numpy(), "nir": df.SR_B5.to_numpy(), "swir1": df.SR_B6.to_numpy()}
    pred = water_rule(bands)
    truth = (df["class"] == "Water").to_numpy()
    acc = float((pred == truth).mean())
    print(f"\nLandsat-8 labelled samples: accuracy {acc:.3f} ({int((pred == truth).sum())}/{len(df)}); "
          f"water recall {pred[truth].mean():.3f}, false water {pred[~truth].mean():.3f}")
    sm = map_scene(open_scene(DATA / "xrspatial_sentinel2_6band_utm19s.tif"), [])
    print(f"lake-free Sentinel-2 scene: {len(sm.new_bodies)} water bodies reported (>= 0.01 km^2), status {sm.status}")


if __name__ == "__main__":
    main()
