"""A throwaway PostgreSQL cluster on 127.0.0.1 for tests: initdb in a temp dir, pg_ctl start/stop.

Debian's `postgresql` package puts initdb and pg_ctl in /usr/lib/postgresql/<version>/bin
(`make pg-fixture` installs it). initdb refuses to run as root, so as root the cluster belongs to
the `postgres` user. The superuser is `newsdesk` with a password; TCP connections need it (scram),
so wrong credentials are refused as on a real deployment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

USER = "newsdesk"
PASSWORD = "newsdesk-test-secret"


def bindir() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return versions[-1].parent if versions else None


@dataclass
class Cluster:
    """A running cluster."""

    root: Path
    bin: Path
    port: int
    run_as: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = "t" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        _run(self, [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)


def _run(cluster: Cluster, args: list[str]) -> None:
    command = ["runuser", "-u", cluster.run_as, "--", *args] if cluster.run_as else args
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}{done.stderr}")


def start(port: int) -> Cluster:
    """initdb a cluster in a new temp dir and start it on 127.0.0.1:``port``."""
    found = bindir()
    if found is None:
        raise FileNotFoundError("initdb")
    root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
    run_as = "postgres" if os.geteuid() == 0 else None
    cluster = Cluster(root=root, bin=found, port=port, run_as=run_as)
    (root / "pwfile").write_text(PASSWORD + "\n")
    if run_as:
        shutil.chown(root, user=run_as)
        shutil.chown(root / "pwfile", user=run_as)
    _run(cluster, [
        str(found / "initdb"), "-D", str(cluster.data), "-U", USER, f"--pwfile={root / 'pwfile'}",
        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
    ])  # fmt: skip
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c max_connections=200 -c shared_buffers=32MB"
    )
    _run(cluster, [
        str(found / "pg_ctl"), "-D", str(cluster.data), "-l", str(root / "server.log"),
        "-w", "-t", "60", "-o", options, "start",
    ])  # fmt: skip
    return cluster
