"""The monitored place as plain, validated data: lakes, stations and sensors, flow paths, zones,
shelters, sirens and households. No I/O here: :mod:`glofwatch.site.load` reads files.

The format is the one of ``shared/sites/issyk-kul/site.yaml`` (the bundled demo site), extended
compatibly with optional keys documented in ``docs/site-format.md``:

- ``sensors[].qc``: per-sensor quality-control thresholds (spike, rate of change, flat line);
- ``stations[].loggers``: how a logger file's columns (Campbell TOA5) map to the station's sensors;
- ``stations[].silent_after``: how many missed intervals make a station "silent" (default 3);
- ``stations[].front_step_m``: the smallest step of a gauge's front against its river (detection's
  ``gauge_rise.STEP_MIN_M`` where unset; a front over two readings needs one step this large too), a policy for a
  valley whose gauge is its only sensor;
- ``stations[].flush_step_m``: the largest step a storm's first flush makes at a gauge (detection's
  ``fusion.FLUSH_MAX_M`` where unset): a held front this high is a flow even in its storm's first hour.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LonLat = tuple[float, float]
DamType = Literal["moraine", "ice", "bedrock", "landslide", "unknown"]
StationKind = Literal["weather", "lake", "geophone", "gauge", "camera", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteInfo(_Model):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    name: str
    timezone: str = "UTC"
    languages: list[str] = Field(default_factory=lambda: ["en"])
    authority: str = ""


class Lake(_Model):
    id: str
    name: str = ""
    location: LonLat
    elevation_m: float | None = None
    dam: DamType = "unknown"
    area_m2: float | None = Field(default=None, ge=0)
    volume_m3: float | None = Field(default=None, ge=0)
    spillway_level_m: float = 0.0
    valley: str = ""


class QCSpec(_Model):
    """Quality-control thresholds of one sensor. ``None`` switches a test off.

    spike: a value that jumps away from both neighbours by more than this (sensor units).
    max_rate_per_h: the largest believable change per hour (sensor units per hour).
    flat_n: this many identical consecutive values mean a stuck sensor.
    """

    spike: float | None = None
    max_rate_per_h: float | None = None
    flat_n: int | None = Field(default=None, ge=2)


class SensorSpec(_Model):
    id: str
    standard_name: str | None = None
    unit: str
    interval_s: int = Field(gt=0)
    valid: tuple[float, float] | None = None
    note: str = ""
    qc: QCSpec | None = None

    @field_validator("valid")
    @classmethod
    def _valid_ordered(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and v[0] > v[1]:
            raise ValueError(f"valid range [{v[0]}, {v[1]}] has min > max; write it as [min, max]")
        return v


class ColumnMap(_Model):
    """One logger column feeding one sensor, with an optional linear conversion ``value*scale+offset``."""

    sensor: str
    scale: float = 1.0
    offset: float = 0.0
    unit: str | None = None  # the unit the logger writes, when it differs from the sensor's


class LoggerMapping(_Model):
    """How a logger's file maps to this station (Campbell Scientific TOA5 today)."""

    format: Literal["toa5"] = "toa5"
    logger: str | None = None  # station name in the TOA5 header line; None accepts any
    timezone: str = "UTC"  # logger clock: an IANA zone or a fixed offset like +06:00
    columns: dict[str, str | ColumnMap]
    ignore: list[str] = Field(default_factory=list)  # columns known and deliberately not imported

    def column_map(self) -> dict[str, ColumnMap]:
        return {k: (ColumnMap(sensor=v) if isinstance(v, str) else v) for k, v in self.columns.items()}


class FlowPathRef(_Model):
    lake: str
    chainage_km: float = Field(ge=0)


class Station(_Model):
    id: str
    name: str = ""
    kind: StationKind = "other"
    lake: str | None = None
    location: LonLat
    elevation_m: float | None = None
    flow_path: FlowPathRef | None = None
    sensors: list[SensorSpec]
    loggers: list[LoggerMapping] = Field(default_factory=list)
    silent_after: int = Field(default=3, ge=1)
    # gauges: the smallest one-reading step that is a front against the river (m); None: detection's default
    front_step_m: float | None = Field(default=None, gt=0)
    # gauges: the largest step a storm's first flush makes at this gauge (m); None: detection's default
    flush_step_m: float | None = Field(default=None, gt=0)

    @cached_property
    def sensor_ids(self) -> set[str]:
        return {s.id for s in self.sensors}

    def sensor(self, sensor_id: str) -> SensorSpec | None:
        for s in self.sensors:
            if s.id == sensor_id:
                return s
        return None

    @property
    def report_interval_s(self) -> int:
        """The shortest reporting interval of the station: the cadence silence is measured in."""
        return min(s.interval_s for s in self.sensors) if self.sensors else 3600


class FlowPath(_Model):
    lake: str
    river: str = ""
    zones: dict[str, float]  # zone id -> chainage (km) from the lake outlet


class Zone(_Model):
    id: str
    name: str = ""
    polygon: list[LonLat]


class Shelter(_Model):
    id: str
    name: str = ""
    location: LonLat
    capacity: int = Field(ge=0)
    zones: list[str] = Field(default_factory=list)


class Siren(_Model):
    id: str
    zone: str
    location: LonLat


class Household(_Model):
    id: str
    zone: str
    lon: float
    lat: float
    members: int = Field(ge=0)
    vulnerable: int = Field(default=0, ge=0)
    phone: str = ""
    language: str = ""
    telegram_chat_id: str = ""
    email: str = ""

    @model_validator(mode="after")
    def _vulnerable_le_members(self) -> Household:
        if self.vulnerable > self.members:
            raise ValueError(f"vulnerable ({self.vulnerable}) > members ({self.members})")
        return self


class Site(_Model):
    """A validated site. Build it with :func:`glofwatch.site.load.load_site`."""

    site: SiteInfo
    lakes: list[Lake] = Field(default_factory=list)
    stations: list[Station] = Field(default_factory=list)
    flow_paths: list[FlowPath] = Field(default_factory=list)
    zones: list[Zone] = Field(default_factory=list)
    shelters: list[Shelter] = Field(default_factory=list)
    sirens: list[Siren] = Field(default_factory=list)
    households: list[Household] = Field(default_factory=list)
    source: str = ""  # path of the file it came from (informational)
    warnings: list[str] = Field(default_factory=list)  # problems that do not stop the site from loading

    @property
    def id(self) -> str:
        return self.site.id

    @cached_property
    def station_by_id(self) -> dict[str, Station]:
        return {s.id: s for s in self.stations}

    @cached_property
    def lake_by_id(self) -> dict[str, Lake]:
        return {lk.id: lk for lk in self.lakes}

    @cached_property
    def zone_by_id(self) -> dict[str, Zone]:
        return {z.id: z for z in self.zones}

    def station(self, station_id: str) -> Station | None:
        return self.station_by_id.get(station_id)

    def sensor_keys(self) -> list[tuple[str, str]]:
        """Every (station, sensor) pair of the site, in file order."""
        return [(st.id, se.id) for st in self.stations for se in st.sensors]

    def flow_path(self, lake_id: str) -> FlowPath | None:
        for fp in self.flow_paths:
            if fp.lake == lake_id:
                return fp
        return None
