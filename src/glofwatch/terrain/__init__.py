"""Where an outburst goes: DEM -> D8 flow path from each lake's outlet -> chainage to each zone ->
travel time range -> a simple inundation footprint (height above the flood path against a flow
depth from the peak discharge) -> households inside (extra: ``pip install 'glofwatch[terrain]'``).

Routing is pyflwdir's (Eilander et al. 2021): plain arrays and small functions, no god class.
"""
