"""Scanning a batch: failures recorded with reasons, the batch goes on, unchanged files skipped."""

from __future__ import annotations

import shutil

import pytest

from svnlp.scan import UsageError, find_pdfs, scan
from svnlp.store import Store

pytestmark = pytest.mark.database

BROKEN_REASONS = {
    "zero-bytes.pdf": "empty",
    "truncated.pdf": "corrupt",
    "random-bytes.pdf": "corrupt",
    "encrypted.pdf": "encrypted",
    "picture.pdf": "not-a-pdf",
    "error-page.pdf": "not-a-pdf",
    "folder.pdf": "not-a-pdf",
    "scanned.pdf": "image-only",
}


def test_every_broken_file_is_recorded_and_the_good_ones_are_scanned(scanned_db, data):
    with Store(scanned_db) as store:
        records = {r.path.split("/")[-1]: r for r in store.documents()}
    for name, reason in BROKEN_REASONS.items():
        assert records[name].status == "failed", name
        assert records[name].reason == reason, name
        assert records[name].error and records[name].error[0].isalpha()
    for name in ("two_column.pdf", "table.pdf", "partly_scanned.pdf"):
        assert records[name].status == "ok"
        assert records[name].words > 0
    assert records["partly_scanned.pdf"].image_only_pages == "2"
    assert "image-only" in records["partly_scanned.pdf"].warning


def test_rescanning_unchanged_files_skips_them(tmp_path, data, model):
    db = tmp_path / "again.db"
    first = scan([data / "two_column.pdf"], db=db, model=model)
    second = scan([data / "two_column.pdf"], db=db, model=model)
    assert [o.status for o in first.outcomes] == ["scanned"]
    assert [o.status for o in second.outcomes] == ["skipped"]


def test_failed_documents_are_retried_only_when_asked(tmp_path, data, model):
    db = tmp_path / "retry.db"
    target = tmp_path / "later.pdf"
    target.write_bytes(b"")
    assert scan([target], db=db, model=model).outcomes[0].status == "failed"
    assert scan([target], db=db, model=model).outcomes[0].status == "skipped"
    assert scan([target], db=db, model=model, retry_failed=True).outcomes[0].status == "failed"


def test_missing_path_is_a_usage_error_before_any_work(tmp_path, model):
    with pytest.raises(UsageError, match="no such file or folder"):
        scan([tmp_path / "nowhere"], db=tmp_path / "x.db", model=model)
    assert not (tmp_path / "x.db").exists()


def test_find_pdfs_walks_folders_and_reports_pdf_named_folders(data):
    found = find_pdfs([data / "broken"])
    assert data / "broken" / "folder.pdf" in found
    assert all(p.suffix == ".pdf" for p in found)


def test_manifest_in_the_scanned_folder_names_the_organisation(tmp_path, data, model):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(data / "two_column.pdf", folder / "strategy.pdf")
    shutil.copy(data / "table.pdf", folder / "report.pdf")
    (folder / "manifest.csv").write_text(
        "path,organisation,org_code,year,doc_type,title\nstrategy.pdf,NHS Testshire ICB,T1,2024,strategy,Test plan\n"
    )
    scan([folder], db=tmp_path / "m.db", model=model)
    with Store(tmp_path / "m.db") as store:
        records = {r.path.split("/")[-1]: r for r in store.documents()}
    assert (records["strategy.pdf"].organisation, records["strategy.pdf"].org_source) == (
        "NHS Testshire ICB",
        "manifest",
    )
    assert records["strategy.pdf"].year == 2024
    assert records["report.pdf"].org_source == "inferred"


def test_scan_with_ocr_records_the_pages_it_read(tmp_path, data, model):
    from svnlp.ocr import ocr_available
    from svnlp.summarise import summarise

    if not ocr_available():
        pytest.skip("Tesseract is not installed (apt-get install tesseract-ocr); .ci/run installs it")
    report = scan([data / "scanned_text.pdf"], db=tmp_path / "ocr.db", model=model, ocr=True)
    assert [o.status for o in report.outcomes] == ["scanned"]
    [document] = summarise(tmp_path / "ocr.db").documents
    assert document.ocr_pages == "1" and document.passages >= 1
