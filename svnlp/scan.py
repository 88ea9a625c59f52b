"""Scan: wire the stages for a batch — find PDFs, extract, segment, classify, store.

Each document is handled on its own: a file that fails is recorded with its reason and
the batch goes on. Re-scanning an unchanged file with the same model skips it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Literal

from .classify import Classifier, load_model, now_iso
from .errors import DocumentError, SvnlpError
from .extract import DEFAULT_MAX_PAGES, extract, file_sha256
from .manifest import DocumentInfo, infer_info, read_manifest
from .registry import read_registry_csv
from .segment import segment_pages
from .store import DocumentRecord, Store

Status = Literal["scanned", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """What happened to one file."""

    path: Path
    status: Status
    doc_id: str = ""
    passages: int = 0
    reason: str = ""
    message: str = ""
    warning: str = ""


@dataclass
class ScanReport:
    """Every file's outcome, in the order scanned."""

    model_id: str
    outcomes: list[ScanOutcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self) -> list[ScanOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]


class UsageError(SvnlpError):
    """The command was asked for something impossible (a path that does not exist)."""


DEFAULT_INCLUDE = ("*.pdf", "*.docx", "*.html", "*.htm")


def find_documents(paths: Iterable[Path | str], include: Iterable[str] = DEFAULT_INCLUDE) -> list[Path]:
    """Documents under the given paths: files named outright, and in folders those matching `include`.

    Markdown and text files are not searched for by default (folders are full of READMEs
    and notes); name them, or add "*.md" or "*.txt" to `include`. Folders named like a
    document are returned too, so that scan reports them.
    """
    patterns = [pattern.lower() for pattern in include]
    found: list[Path] = []
    missing = [str(path) for path in map(Path, paths) if not path.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    for path in map(Path, paths):
        if path.is_dir() and not _matches(path, patterns):
            inside = (p for p in path.rglob("*") if _matches(p, patterns) and not _in_named_folder(p, path, patterns))
            found.extend(sorted(inside))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def find_pdfs(paths: Iterable[Path | str]) -> list[Path]:
    """PDF files under the given paths (and folders named like PDFs, which scan reports)."""
    return find_documents(paths, include=("*.pdf",))


def _matches(path: Path, patterns: list[str]) -> bool:
    return any(fnmatch(path.name.lower(), pattern) for pattern in patterns)


def _in_named_folder(candidate: Path, root: Path, patterns: list[str]) -> bool:
    return any(_matches(parent, patterns) for parent in candidate.relative_to(root).parents if parent != Path("."))


def find_manifests(paths: Iterable[Path | str]) -> list[Path]:
    """The `manifest.csv` at the top of each scanned folder, used when no --manifest is given."""
    return [Path(path) / "manifest.csv" for path in paths if (Path(path) / "manifest.csv").is_file()]


def scan(
    paths: Iterable[Path | str],
    *,
    db: str | Path = "svnlp.db",
    manifest: Path | str | None = None,
    model: Classifier | Path | str | None = None,
    retry_failed: bool = False,
    max_pages: int = DEFAULT_MAX_PAGES,
    on_start: Callable[[int], None] | None = None,
    on_outcome: Callable[[ScanOutcome], None] | None = None,
    debug: bool = False,
    include: Iterable[str] = DEFAULT_INCLUDE,
) -> ScanReport:
    """Scan the documents under `paths` into the database `db`; return each file's outcome."""
    paths = list(paths)
    files = find_documents(paths, include)
    manifests = [Path(manifest)] if manifest else find_manifests(paths)
    entries: dict[Path, DocumentInfo] = {}
    for manifest_path in manifests:
        entries.update(read_manifest(manifest_path))
    registry_files = [Path(path) / "registry.csv" for path in paths if (Path(path) / "registry.csv").is_file()]
    found_rows = [row for registry_file in registry_files for row in read_registry_csv(registry_file)]
    classifier = model if isinstance(model, Classifier) else load_model(model)
    report = ScanReport(model_id=classifier.model_id)
    if on_start:
        on_start(len(files))
    with Store(db) as store:
        if found_rows:
            store.save_registry_rows(found_rows)
        for path in files:
            try:
                outcome = _scan_one(path, store, classifier, entries, retry_failed, max_pages)
            except Exception as error:  # a bug or an unforeseen file must not stop the batch
                if debug:
                    raise
                outcome = ScanOutcome(
                    path,
                    "failed",
                    reason="error",
                    message=f"{path}: unexpected {type(error).__name__}: {error}; rerun with --debug and report it",
                )
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
    return report


def _scan_one(
    path: Path,
    store: Store,
    classifier: Classifier,
    entries: dict[Path, DocumentInfo],
    retry_failed: bool,
    max_pages: int,
) -> ScanOutcome:
    if path.is_dir():
        doc_id = hashlib.sha256(f"folder:{path.resolve()}".encode()).hexdigest()
    else:
        try:
            doc_id = file_sha256(path)
        except OSError as error:
            return ScanOutcome(
                path, "failed", reason="unreadable", message=f"{path}: cannot read it ({error.strerror})"
            )
    previous = store.document(doc_id)
    if previous is not None:
        if previous.status == "ok" and previous.model_id == classifier.model_id:
            return ScanOutcome(path, "skipped", doc_id=doc_id, message="unchanged since the last scan")
        if previous.status == "failed" and not retry_failed:
            return ScanOutcome(
                path, "skipped", doc_id=doc_id, reason=previous.reason or "", message=f"failed before: {previous.error}"
            )
    info = entries.get(path.resolve())
    try:
        document = extract(path, max_pages=max_pages, sha256=doc_id)
    except DocumentError as error:
        store.save_document(_failure_record(doc_id, path, info, error.reason, error.message))
        return ScanOutcome(path, "failed", doc_id=doc_id, reason=error.reason, message=str(error))
    found = segment_pages(document.pages)
    scored = classifier.predict([passage.text for passage in found])
    info = info or infer_info(document)
    image_only = document.image_only_pages
    warning = (
        f"page(s) {', '.join(map(str, image_only))} of {len(document.pages)} are image-only: their text needs OCR"
        if image_only
        else ""
    )
    record = DocumentRecord(
        doc_id=doc_id,
        path=str(path),
        status="ok",
        scanned_at=now_iso(),
        organisation=info.organisation,
        org_code=info.org_code,
        org_source=info.source,
        title=info.title,
        year=info.year,
        doc_type=info.doc_type,
        pages=len(document.pages),
        image_only_pages=",".join(map(str, image_only)) or None,
        words=document.word_count,
        warning=warning or None,
        model_id=classifier.model_id,
    )
    store.save_document(record, found, scored)
    return ScanOutcome(path, "scanned", doc_id=doc_id, passages=len(found), warning=warning)


def _failure_record(doc_id: str, path: Path, info: DocumentInfo | None, reason: str, message: str) -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id,
        path=str(path),
        status="failed",
        scanned_at=now_iso(),
        organisation=info.organisation if info else None,
        org_code=info.org_code if info else None,
        org_source=info.source if info else None,
        title=info.title if info else None,
        year=info.year if info else None,
        doc_type=info.doc_type if info else None,
        reason=reason,
        error=message,
    )
