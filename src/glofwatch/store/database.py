"""Opening the database: where it is, creating and migrating it.

Resolution order of the database URL: the ``--database`` option, then ``GLOFWATCH_DATABASE_URL``,
then a SQLite file in the user's data folder (``glofwatch.sqlite``; no server needed). A plain path
means a SQLite file; ``postgresql://user@host/db`` means PostgreSQL (psycopg 3).
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError

from glofwatch.errors import MissingExtraError, StorageError

ENV_VAR = "GLOFWATCH_DATABASE_URL"
MIGRATIONS = Path(__file__).parent / "migrations"


def default_sqlite_path() -> Path:
    return Path(user_data_dir("glofwatch", appauthor=False)) / "glofwatch.sqlite"


def resolve_url(database: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for a ``--database`` value (None: environment, then the default file)."""
    raw = str(database) if database is not None else os.environ.get(ENV_VAR) or ""
    if not raw:
        p = default_sqlite_path()
        p.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{p}"
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    if "://" in raw or raw.startswith("sqlite:"):
        return raw
    p = Path(raw).expanduser()
    p.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{p}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError as e:
            raise MissingExtraError("PostgreSQL needs psycopg: pip install 'glofwatch[pg]'") from e
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    eng = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(eng, "connect", _sqlite_pragmas)
    return eng


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (every branch head)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def is_current(engine: Engine) -> bool:
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads


def open_engine(database: str | os.PathLike[str] | None = None, *, upgrade: bool = True) -> Engine:
    """An engine on the resolved database, migrated to the current schema when ``upgrade``."""
    url = resolve_url(database)
    engine = make_engine(url)
    try:
        if not is_current(engine):
            if not upgrade:
                raise StorageError(f"database {engine.url!r} is not at the current schema: run `glofwatch db upgrade`")
            migrate(engine)
    except OperationalError as e:
        safe = engine.url.render_as_string(hide_password=True)
        raise StorageError(f"cannot open database {safe}: {e.orig}; check --database / {ENV_VAR}") from e
    return engine
