"""Who published a document, when, and what it is: from a manifest CSV, or inferred.

A manifest has the header `path,organisation,org_code,year,doc_type,title` (and an
optional `url`), with `path` relative to the manifest's folder. Without a manifest
entry, svnlp reads the organisation, title and year from the document itself: the
organisation named on the title page or in the PDF's Author field, the title from the
PDF's Title field or the title page's first line, the year from the title page, the
metadata or the file name.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ManifestError
from .records import Document

MANIFEST_COLUMNS = ("path", "organisation", "org_code", "year", "doc_type", "title")


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A document's publisher, title, year and type, and where that came from."""

    organisation: str | None
    org_code: str | None = None
    title: str | None = None
    year: int | None = None
    doc_type: str | None = None
    source: str = "inferred"  # "manifest" or "inferred"


def read_manifest(path: Path | str) -> dict[Path, DocumentInfo]:
    """Read a manifest CSV into resolved file paths → DocumentInfo."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"{path}: no such manifest file")
    entries: dict[Path, DocumentInfo] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in ("path", "organisation") if column not in (reader.fieldnames or [])]
        if missing:
            raise ManifestError(
                f"{path}:1: missing column(s) {', '.join(missing)}; the header should be {','.join(MANIFEST_COLUMNS)}"
            )
        for number, row in enumerate(reader, start=2):
            if not (row.get("path") or "").strip():
                raise ManifestError(f"{path}:{number}: empty path")
            year_text = (row.get("year") or "").strip()
            if year_text and not re.fullmatch(r"\d{4}", year_text):
                raise ManifestError(f"{path}:{number}: year {year_text!r} is not a four-digit year")
            target = (path.parent / row["path"].strip()).resolve()
            entries[target] = DocumentInfo(
                organisation=(row.get("organisation") or "").strip() or None,
                org_code=(row.get("org_code") or "").strip() or None,
                title=(row.get("title") or "").strip() or None,
                year=int(year_text) if year_text else None,
                doc_type=(row.get("doc_type") or "").strip() or None,
                source="manifest",
            )
    return entries


_ORG_PATTERNS = (
    re.compile(
        r"\bNHS\s+(?:[A-Z][\w'&,-]*\s+){1,6}?"
        r"(?:Clinical Commissioning Group|CCG|Integrated Care Board|ICB|(?:Foundation\s+)?Trust)\b"
    ),
    re.compile(r"\b(?:[A-Z][\w'-]*\s+){1,4}(?:Clinical Commissioning Group|Integrated Care Board)\b"),
    re.compile(r"\b(?:[A-Z][\w'-]*\s+){1,3}(?:County|City|Borough|District|Metropolitan Borough)\s+Council\b"),
    re.compile(r"\bNHS England\b|\bDepartment of Health and Social Care\b"),
)
_YEAR = re.compile(r"\b(20[0-4]\d|19[89]\d)\b")


def infer_info(document: Document) -> DocumentInfo:
    """Infer organisation, title and year from a document's title page, metadata and file name."""
    first_page = next((page.text for page in document.pages if page.text), "")
    head = first_page[:1500]
    organisation = None
    for pattern in _ORG_PATTERNS:
        match = pattern.search(head)
        if match:
            organisation = " ".join(match.group(0).split())
            break
    if organisation is None:
        author = document.metadata.get("Author", "").strip()
        organisation = author or None
    title = document.metadata.get("Title", "").strip() or None
    if title is None or title.lower() in ("untitled", "microsoft word") or title.lower().endswith((".doc", ".docx")):
        title = next((line.strip() for line in first_page.split("\n") if len(line.strip()) > 8), None)
        title = title or document.path.stem.replace("_", " ").replace("-", " ")
    year = None
    for text in (head, document.path.stem, document.metadata.get("CreationDate", "")[2:6]):
        match = _YEAR.search(text or "")
        if match:
            year = int(match.group(1))
            break
    return DocumentInfo(organisation=organisation, title=title[:300], year=year, source="inferred")
