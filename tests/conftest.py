"""Shared fixtures: the committed test PDFs, the bundled model, a scanned database."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).parent
ROOT = TESTS.parent
DATA = TESTS / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def data() -> Path:
    return DATA


@pytest.fixture(scope="session")
def model():
    from svnlp.classify import Classifier

    return Classifier.load(ROOT / "models" / "default")


@pytest.fixture(scope="session")
def scanned_db(tmp_path_factory, model) -> Path:
    """A database with the good fixtures and the broken ones scanned into it."""
    from svnlp.scan import scan

    db = tmp_path_factory.mktemp("scan") / "fixtures.db"
    scan(
        [DATA / "two_column.pdf", DATA / "table.pdf", DATA / "partly_scanned.pdf", DATA / "broken"], db=db, model=model
    )
    return db


def shared_or_skip(*parts: str) -> Path:
    """A path under ../shared, or skip the test when the shared folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (it sits beside the checkout on the team's machines)")
    return path


def _postgres_binary(name: str) -> str | None:
    import glob
    import shutil

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else shutil.which(name)


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A throwaway PostgreSQL server on loopback, in a temporary folder, for the session."""
    import os
    import shutil
    import socket
    import subprocess

    initdb, pg_ctl = _postgres_binary("initdb"), _postgres_binary("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it")
    import tempfile

    # Not under pytest's own temporary folder: that one is private to root, and the server may run as postgres.
    folder = Path(tempfile.mkdtemp(prefix="svnlp-postgres-"))
    data = folder / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser to start PostgreSQL as another user")
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "svnlp", "--no-sync"], check=True, capture_output=True
    )
    subprocess.run(
        [
            *as_user,
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(folder / "log"),
            "-w",
            "-o",
            f"-p {port} -h 127.0.0.1 -k {folder} -c fsync=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={port} user=svnlp dbname=postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE svnlp")
        yield f"postgresql://svnlp@127.0.0.1:{port}/svnlp"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
