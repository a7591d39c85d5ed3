"""glofwatch: early warning for glacial lake outburst floods and debris flows.

The facade: ``load_site`` reads a site, ``open_store`` opens the database, ``Ingestor`` brings
readings in. Heavier parts (detection, warnings, console) live in their own subpackages.
"""

from glofwatch.site import Site, load_site
from glofwatch.store import Store, open_store

__version__ = "0.1.0"

__all__ = ["Site", "Store", "__version__", "load_site", "open_store"]
