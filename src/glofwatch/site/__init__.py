"""The monitored place: lakes, stations, zones, households (pure data) and its loader."""

from glofwatch.site.load import demo_site_path, load_site, resolve_site_path
from glofwatch.site.model import Household, Lake, SensorSpec, Site, Station, Zone

__all__ = ["Household", "Lake", "SensorSpec", "Site", "Station", "Zone", "demo_site_path", "load_site", "resolve_site_path"]
