"""Scoring detection against simulated (or independently made) scenarios: ``glofwatch evaluate``.

- :mod:`.scoring`: pure functions, truth + decisions -> per-scenario scores -> summary figures.
- :mod:`.run`: scenarios from the simulator or a folder, replayed through detection, scored.
- :mod:`.commands`: the CLI command.
"""
