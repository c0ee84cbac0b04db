"""Schema migrations of the PostgreSQL catalog, with Alembic (the only module that imports it).

The migrations ship with the package (``migrations/versions``) and run when a server opens the
catalog: the first server to start brings the schema to this version's head while holding a
transaction-level advisory lock, so servers starting together never migrate twice. A database
whose revision this version does not know was migrated by a newer newsdesk, and is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import StoreError

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATE_LOCK_KEY = 7_300_115_002  # pg_advisory_xact_lock key held while migrating


def upgrade(url: str, location: str) -> str:
    """Bring the catalog at ``url`` to the newest schema this version knows; returns it.

    Args:
        url: the ``postgresql://`` address (NEWSDESK_CATALOG_URL).
        location: the same address without its password, for messages.

    Raises:
        StoreError: the schema is newer than this version knows.
    """
    import sqlalchemy
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head() or ""
    engine = sqlalchemy.create_engine(
        sqlalchemy_url(url), poolclass=sqlalchemy.pool.NullPool, connect_args={"connect_timeout": 5}
    )
    try:
        with engine.begin() as conn:  # one transaction: a failed migration leaves nothing behind
            conn.execute(
                sqlalchemy.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK_KEY}
            )
            current = MigrationContext.configure(conn).get_current_heads()
            unknown = [rev for rev in current if not _known(script, rev)]
            if unknown:
                raise StoreError(
                    f"NEWSDESK_CATALOG_URL: the catalog at {location} has schema revision "
                    f"{', '.join(unknown)}, newer than this newsdesk knows (up to {head}). "
                    "Upgrade newsdesk on this server, or point NEWSDESK_CATALOG_URL at another "
                    "database."
                )
            if list(current) != [head]:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
    except sqlalchemy.exc.SQLAlchemyError as e:
        reason = " ".join(str(getattr(e, "orig", None) or e).split())
        raise StoreError(
            f"NEWSDESK_CATALOG_URL: migrating the catalog at {location} failed: {reason}. "
            "Check that the database belongs to newsdesk and that its user may create tables."
        ) from e
    finally:
        engine.dispose()
    return head


def sqlalchemy_url(url: str) -> str:
    """``url`` with the scheme that selects SQLAlchemy's psycopg 3 driver."""
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def _known(script: ScriptDirectory, revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False
