"""Bad catalog settings stop `newsdesk serve` at start with one line naming NEWSDESK_CATALOG_URL."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from assistant import Assistant, AssistantError
from index.catalog import open_catalog
from tests.conftest import NEWSDESK, free_port
from tests.pg_cluster import PASSWORD

pytestmark = [pytest.mark.server]


def serve_fails(tmp_path: Path, catalog_url: str) -> str:
    """Run `newsdesk serve` with this catalog URL; it must exit 1 before listening. Its stderr."""
    port = free_port()
    env = {
        **os.environ,
        "NEWSDESK_HOME": str(tmp_path / "home"),
        "NEWSDESK_CATALOG_URL": catalog_url,
        "NEWSDESK_CHROMA_URL": f"http://127.0.0.1:{free_port()}",
    }
    done = subprocess.run(
        [*NEWSDESK, "serve", "--port", str(port)], env=env, capture_output=True, text=True,
        timeout=180, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "NEWSDESK_CATALOG_URL" in lines[0]
    assert "serving" not in done.stderr
    return lines[0]


def test_unreachable_database(tmp_path: Path) -> None:
    url = f"postgresql://newsdesk:hunter2@127.0.0.1:{free_port()}/newsdesk"
    line = serve_fails(tmp_path, url)
    assert "cannot connect to PostgreSQL at postgresql://newsdesk:***@127.0.0.1" in line
    assert "hunter2" not in line


def test_wrong_credentials(tmp_path: Path, catalog_url: str) -> None:
    wrong = catalog_url.replace(f":{PASSWORD}@", ":wrong-pw@")
    assert wrong != catalog_url
    line = serve_fails(tmp_path, wrong)
    assert "password authentication failed" in line and "wrong-pw" not in line


def test_schema_from_a_newer_version(tmp_path: Path, catalog_url: str) -> None:
    open_catalog(tmp_path, catalog_url).close()  # migrated to this version's head
    with psycopg.connect(catalog_url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    line = serve_fails(tmp_path, catalog_url)
    assert "schema revision 9999_from_the_future, newer than this newsdesk knows" in line


def test_not_a_postgres_url(tmp_path: Path) -> None:
    line = serve_fails(tmp_path, "mysql://root:pw@127.0.0.1/newsdesk")
    assert "is not a PostgreSQL URL" in line and "pw@" not in line


def test_shared_catalog_needs_a_shared_vector_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_CATALOG_URL", "postgresql://u:p@127.0.0.1:1/db")
    with pytest.raises(AssistantError, match="NEWSDESK_CHROMA_URL is not"):
        Assistant().open()


def test_empty_url_is_the_sqlite_catalog(monkeypatch: pytest.MonkeyPatch, isolated_env) -> None:
    monkeypatch.setenv("NEWSDESK_CATALOG_URL", "")
    bot = Assistant()
    assert bot.settings.catalog_url is None
    bot.open()
    assert (isolated_env / "catalog.sqlite3").exists()


def test_a_second_open_on_a_migrated_database_is_quick(tmp_path: Path, catalog_url: str) -> None:
    first = open_catalog(tmp_path, catalog_url)
    second = open_catalog(tmp_path, catalog_url)  # already at head: no migration, same schema
    assert first.schema == second.schema  # type: ignore[attr-defined]
    first.close()
    second.close()


def test_the_password_stays_out_of_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import get_settings

    monkeypatch.setenv("NEWSDESK_CATALOG_URL", "postgresql://nd:s3cret@db.internal:5432/nd")
    settings = get_settings()
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings.model_dump())
    assert settings.catalog_url is not None
    assert settings.catalog_url.get_secret_value().endswith("@db.internal:5432/nd")


def test_a_catalog_at_the_first_revision_is_upgraded_keeping_its_rows(
    tmp_path: Path, catalog_url: str
) -> None:
    import sqlalchemy
    from alembic import command
    from alembic.config import Config

    from index.catalog.migrate import MIGRATIONS, sqlalchemy_url

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = sqlalchemy.create_engine(sqlalchemy_url(catalog_url))
    with engine.begin() as conn:  # a database made by the version before 0002
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    engine.dispose()
    with psycopg.connect(catalog_url, autocommit=True) as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
        assert conn.execute("SELECT to_regclass('superseded')").fetchone() == (None,)
    catalog = open_catalog(tmp_path, catalog_url)  # upgrades to head
    assert catalog.get_meta("kept") == "yes"
    assert catalog.superseded("https://x.example/a", "a1") is False
    catalog.close()
    with psycopg.connect(catalog_url, autocommit=True) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
