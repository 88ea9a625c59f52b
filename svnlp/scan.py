"""Scan: wire the stages for a batch — find PDFs, extract, segment, classify, store.

Each document is handled on its own: a file that fails is recorded with its reason and
the batch goes on. Re-scanning an unchanged file with the same model skips it.
"""

from __future__ import annotations

import hashlib
import logging
import resource
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Literal

from .classify import Classifier, default_model_dir, load_model, now_iso
from .errors import DocumentError, SvnlpError
from .extract import DEFAULT_MAX_PAGES, extract, file_sha256, get_backend
from .manifest import DocumentInfo, infer_info, read_manifest
from .registry import read_registry_csv
from .segment import segment_pages
from .store import DocumentRecord, Store

Status = Literal["scanned", "skipped", "failed"]
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_LIMIT_MB = 4096


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


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """How documents are read: the page limit, the PDF backend, and whether to OCR image-only pages."""

    max_pages: int = DEFAULT_MAX_PAGES
    backend: str | None = None
    ocr: bool = False


@dataclass
class Processed:
    """What extracting, splitting and classifying one document gives, ready to store."""

    record: DocumentRecord
    passages: list = field(default_factory=list)
    predictions: list = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, for the benchmark


def process_document(
    path: Path,
    doc_id: str,
    info: DocumentInfo | None,
    classifier: Classifier,
    options: ExtractOptions = ExtractOptions(),
) -> Processed:
    """Extract, split and classify one document (in this process or a worker); raise DocumentError."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    document = extract(path, get_backend(options.backend), max_pages=options.max_pages, sha256=doc_id, ocr=options.ocr)
    timings["extract"] = time.perf_counter() - started
    started = time.perf_counter()
    found = segment_pages(document.pages)
    timings["segment"] = time.perf_counter() - started
    started = time.perf_counter()
    scored = classifier.predict([passage.text for passage in found])
    timings["classify"] = time.perf_counter() - started
    info = info or infer_info(document)
    image_only = document.image_only_pages
    pages = ", ".join(map(str, image_only))
    warning = (
        f"page(s) {pages} of {len(document.pages)} are image-only: their text needs OCR (--ocr)" if image_only else ""
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
        ocr_pages=",".join(map(str, document.ocr_pages)) or None,
        words=document.word_count,
        warning=warning or None,
        model_id=classifier.model_id,
    )
    return Processed(record, found, scored, timings)


# A worker process keeps its model between documents.
_WORKER: dict[str, object] = {}


def _start_worker(model: Classifier | str | None, memory_limit_mb: int | None) -> None:
    from threadpoolctl import threadpool_limits

    # Workers already fill the cores; BLAS threads on top of them spin against each other
    # (an encoder model scanned the corpus in 8.5 minutes with them, 22 seconds without).
    threadpool_limits(limits=1)
    if memory_limit_mb:
        # A document that needs more than this fails with MemoryError instead of taking the machine down.
        limit = memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _WORKER["model"] = model if isinstance(model, Classifier) else load_model(model)


def _work(path: Path, doc_id: str, info: DocumentInfo | None, options: ExtractOptions) -> Processed:
    return process_document(path, doc_id, info, _WORKER["model"], options)


@dataclass
class _Job:
    path: Path
    doc_id: str
    info: DocumentInfo | None


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
    workers: int = 0,
    timeout: float | None = DEFAULT_TIMEOUT,
    memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB,
    backend: str | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    ocr: bool = False,
) -> ScanReport:
    """Scan the documents under `paths` into the database `db`; return each file's outcome.

    `workers=0` works in this process; `workers=N` runs documents in N worker processes,
    each document under a `timeout` (seconds) and a memory limit, so one that hangs,
    exhausts memory or crashes its worker is recorded as failed and the batch goes on.
    Only this process writes to the database, one transaction per document.
    `executor="dask"` sends documents to a dask.distributed cluster at `scheduler` (or a
    LocalCluster of `workers` workers), with the same time and memory limits; with a
    PostgreSQL database the workers write to it themselves.
    """
    paths = list(paths)
    options = ExtractOptions(max_pages, backend, ocr)
    files = find_documents(paths, include)
    manifests = [Path(manifest)] if manifest else find_manifests(paths)
    entries: dict[Path, DocumentInfo] = {}
    for manifest_path in manifests:
        entries.update(read_manifest(manifest_path))
    registry_files = [Path(path) / "registry.csv" for path in paths if (Path(path) / "registry.csv").is_file()]
    found_rows = [row for registry_file in registry_files for row in read_registry_csv(registry_file)]
    if isinstance(model, Classifier):
        classifier = model
    else:
        model = Path(model) if model else default_model_dir()
        classifier = load_model(model)
    report = ScanReport(model_id=classifier.model_id)
    if on_start:
        on_start(len(files))

    def finish(outcome: ScanOutcome) -> None:
        report.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)

    with Store(db) as store:
        if found_rows:
            store.save_registry_rows(found_rows)
        jobs: list[_Job] = []
        for path in files:
            outcome_or_job = _prepare(path, store, classifier, entries, retry_failed)
            if isinstance(outcome_or_job, ScanOutcome):
                finish(outcome_or_job)
            else:
                jobs.append(outcome_or_job)
        if executor == "dask":
            _run_on_dask(jobs, store, model, workers, timeout, memory_limit_mb, options, scheduler, finish)
        elif workers <= 0:
            for job in jobs:
                try:
                    result = process_document(job.path, job.doc_id, job.info, classifier, options)
                except Exception as error:
                    if debug and not isinstance(error, DocumentError):
                        raise
                    finish(_record_failure(store, job, error))
                    continue
                finish(_record_success(store, result))
        else:
            _run_in_workers(jobs, store, model, workers, timeout, memory_limit_mb, options, finish)
    return report


def _isolated_result(future, path: Path, timeout: float | None, memory_limit_mb: int | None) -> Processed:
    """The result of a document run in a pebble worker, with its failures named as DocumentErrors."""
    from concurrent.futures import TimeoutError as FutureTimeout

    from pebble import ProcessExpired

    try:
        return future.result()
    except FutureTimeout:
        error = DocumentError(path, f"timed out after {timeout:.0f} s; raise --timeout or check the file")
        error.reason = "timeout"
    except ProcessExpired as expired:
        error = DocumentError(path, f"its worker crashed (exit code {expired.exitcode}); the file may be malformed")
        error.reason = "crashed"
    except MemoryError:
        error = DocumentError(path, f"needed more than {memory_limit_mb} MB of memory; raise --memory-limit to scan it")
        error.reason = "memory"
    raise error


def _run_in_workers(jobs, store, model, workers, timeout, memory_limit_mb, options, finish) -> None:
    from pebble import ProcessPool

    pool = ProcessPool(max_workers=workers, initializer=_start_worker, initargs=(model, memory_limit_mb))
    try:
        futures = {
            pool.schedule(_work, args=(job.path, job.doc_id, job.info, options), timeout=timeout): job for job in jobs
        }
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = futures[future]
                try:
                    result = _isolated_result(future, job.path, timeout, memory_limit_mb)
                except Exception as error:  # noqa: BLE001  (recorded, and the batch goes on)
                    finish(_record_failure(store, job, error))
                else:
                    finish(_record_success(store, result))
        pool.close()
    except BaseException:
        # Interrupted: stop the workers now rather than wait for the documents they hold.
        pool.stop()
        raise
    finally:
        pool.join()


# On a Dask worker: one isolating process pool (holding the model) and one store connection, kept between tasks.
_DASK_WORKER: dict[str, object] = {}


def _dask_task(job: _Job, settings: dict) -> tuple[str, object]:
    """Scan one document on a Dask worker; with a server database, store it there too."""
    try:
        result = _process_on_dask_worker(job, settings)
    except Exception as error:  # noqa: BLE001  (sent back, or recorded here, and the batch goes on)
        if settings["db_url"] is None:
            return "failed", error
        return "outcome", _record_failure(_worker_store(settings["db_url"]), job, error)
    if settings["db_url"] is None:
        return "processed", result
    return "outcome", _record_success(_worker_store(settings["db_url"]), result)


def _process_on_dask_worker(job: _Job, settings: dict) -> Processed:
    import multiprocessing
    import threading

    from pebble import ProcessPool

    if multiprocessing.current_process().daemon:
        # A worker started as a daemon may not start the isolating process (start workers with
        # DASK_DISTRIBUTED__WORKER__DAEMON=False): the document runs here, without a time limit.
        if "model" not in _DASK_WORKER:
            model = settings["model"]
            _DASK_WORKER["model"] = model if isinstance(model, Classifier) else load_model(model)
        return process_document(job.path, job.doc_id, job.info, _DASK_WORKER["model"], settings["options"])
    with _DASK_WORKER.setdefault("lock", threading.Lock()):
        if "pool" not in _DASK_WORKER:
            _DASK_WORKER["pool"] = ProcessPool(
                max_workers=1, initializer=_start_worker, initargs=(settings["model"], settings["memory_limit_mb"])
            )
    future = _DASK_WORKER["pool"].schedule(
        _work,
        args=(job.path, job.doc_id, job.info, settings["options"]),
        timeout=settings["timeout"],
    )
    return _isolated_result(future, job.path, settings["timeout"], settings["memory_limit_mb"])


def _worker_store(url: str) -> Store:
    if "store" not in _DASK_WORKER:
        _DASK_WORKER["store"] = Store(url)
    return _DASK_WORKER["store"]


def _run_on_dask(jobs, store, model, workers, timeout, memory_limit_mb, options, scheduler, finish) -> None:
    """Send documents to a dask.distributed cluster (a LocalCluster when no scheduler is given)."""
    from distributed import Client, LocalCluster, as_completed

    server_db = store.engine.dialect.name != "sqlite"
    settings = {
        "model": str(model) if not isinstance(model, Classifier) else model,
        "memory_limit_mb": memory_limit_mb,
        "options": options,
        "timeout": timeout,
        # Workers write to a server database themselves; SQLite stays with this process.
        "db_url": store.url if server_db else None,
    }
    import dask

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        # Non-daemonic workers may start the process that isolates each document.
        with dask.config.set({"distributed.worker.daemon": False}):
            cluster = LocalCluster(
                n_workers=max(workers, 1),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.WARNING,
            )
        client = Client(cluster)
    try:
        futures = {client.submit(_dask_task, job, settings, pure=False): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                kind, value = future.result()
            except Exception as error:  # noqa: BLE001  (a worker lost, say: recorded, and the batch goes on)
                finish(_record_failure(store, job, error))
                continue
            if kind == "processed":
                finish(_record_success(store, value))
            elif kind == "failed":
                finish(_record_failure(store, job, value))
            else:
                finish(value)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _prepare(
    path: Path,
    store: Store,
    classifier: Classifier,
    entries: dict[Path, DocumentInfo],
    retry_failed: bool,
) -> ScanOutcome | _Job:
    """Hash a file and decide: skip it, or scan it."""
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
    return _Job(path, doc_id, entries.get(path.resolve()))


def _record_success(store: Store, result: Processed) -> ScanOutcome:
    store.save_document(result.record, result.passages, result.predictions)
    path = Path(result.record.path)
    return ScanOutcome(
        path, "scanned", doc_id=result.record.doc_id, passages=len(result.passages), warning=result.record.warning or ""
    )


def _record_failure(store: Store, job: _Job, error: BaseException) -> ScanOutcome:
    if isinstance(error, DocumentError):
        reason, message, shown = error.reason, error.message, str(error)
    else:
        reason = "error"
        message = f"unexpected {type(error).__name__}: {error}; rerun with --debug and report it"
        shown = f"{job.path}: {message}"
    store.save_document(_failure_record(job.doc_id, job.path, job.info, reason, message))
    return ScanOutcome(job.path, "failed", doc_id=job.doc_id, reason=reason, message=shown)


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


def retag(
    db: str | Path,
    model: Classifier | Path | str | None = None,
    *,
    everything: bool = False,
    on_document: Callable[[str], None] | None = None,
) -> int:
    """Re-tag stored passages with a model without reading the documents again.

    Documents already tagged by this model are left alone unless `everything`. Each
    document's predictions are replaced in one transaction. Returns the number re-tagged.
    """
    classifier = model if isinstance(model, Classifier) else load_model(model)
    count = 0
    with Store(db) as store:
        for record in store.documents():
            if record.status != "ok" or (record.model_id == classifier.model_id and not everything):
                continue
            rows = store.document_passages(record.doc_id)
            scored = classifier.predict([row["text"] for row in rows])
            store.retag_document(
                record.doc_id, [(row["passage_id"], p) for row, p in zip(rows, scored)], classifier.model_id
            )
            count += 1
            if on_document:
                on_document(record.path)
    return count
