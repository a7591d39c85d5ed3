"""Alembic environment: runs on the connection glofwatch hands it (``config.attributes['connection']``)
or on ``sqlalchemy.url`` when alembic is run from the command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from glofwatch.store.tables import metadata

config = context.config
target_metadata = metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = engine_from_config(config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
