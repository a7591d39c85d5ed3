"""Storage: SQLAlchemy 2 + Alembic; SQLite by default, PostgreSQL for operations."""

from glofwatch.store.database import open_engine, resolve_url
from glofwatch.store.observations import Store


def open_store(database: str | None = None) -> Store:
    """Open (and migrate) the database named by ``database``, ``GLOFWATCH_DATABASE_URL`` or the default file."""
    return Store(open_engine(database))


__all__ = ["Store", "open_engine", "open_store", "resolve_url"]
