"""Glacial lakes from satellite scenes: water indices and masks, per-lake maps with area uncertainty,
new water bodies, area history and growth, and the hazard chain area -> volume -> peak discharge.

The core (``indices``, ``masks``, ``water``, ``hazard``, ``growth``) takes arrays and returns arrays,
polygons and small frozen results; file and database I/O lives in ``scene``, ``history`` and
``commands`` (extra: ``pip install 'glofwatch[eo]'``).
"""
