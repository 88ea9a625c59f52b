"""Manifests and inferred document information."""

from __future__ import annotations

import pytest

from svnlp.errors import ManifestError
from svnlp.extract import extract
from svnlp.manifest import infer_info, read_manifest


def test_manifest_paths_resolve_beside_the_manifest(tmp_path):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,organisation,org_code,year,doc_type,title\nsub/a.pdf,NHS Eastvale CCG,E1,2019,plan,A\n")
    entries = read_manifest(manifest)
    info = entries[(tmp_path / "sub" / "a.pdf").resolve()]
    assert (info.organisation, info.year, info.source) == ("NHS Eastvale CCG", 2019, "manifest")


def test_bad_year_names_the_line(tmp_path):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,organisation,year\na.pdf,X,2019\nb.pdf,Y,last year\n")
    with pytest.raises(ManifestError, match=r"manifest.csv:3: year 'last year'"):
        read_manifest(manifest)


def test_missing_columns_are_named(tmp_path):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,org\na.pdf,X\n")
    with pytest.raises(ManifestError, match="missing column"):
        read_manifest(manifest)


def test_organisation_and_title_are_inferred_from_the_document(data):
    info = infer_info(extract(data / "two_column.pdf"))
    assert info.organisation == "NHS Eastvale CCG"  # from the PDF's Author field
    assert info.title == "Eastvale Test Strategy"
    assert info.source == "inferred"


def test_organisation_is_inferred_from_the_title_page(data):
    info = infer_info(extract(data / "partly_scanned.pdf"))
    assert info.organisation == "NHS Eastvale CCG"
