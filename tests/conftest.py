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
