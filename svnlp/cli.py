"""The `svnlp` command: a thin layer that parses options, calls the library and prints.

Exit status: 0 success, 1 some input failed (bad documents, bad lines), 2 usage error.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .errors import AnnotationError, SvnlpError
from .train import MIN_SUPPORT, THRESHOLD_SHIFT

app = typer.Typer(
    help="Find how far NHS bodies have taken up social value and the Marmot objectives, from their PDFs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
annotations_app = typer.Typer(help="Check, import and export annotation files.", no_args_is_help=True)
app.add_typer(annotations_app, name="annotations")
models_app = typer.Typer(help="List the trained models and choose the active one.", no_args_is_help=True)
app.add_typer(models_app, name="models")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class TextFormat(StrEnum):
    text = "text"
    jsonl = "jsonl"


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


DbOption = Annotated[str, typer.Option("--db", help="SQLite file or SQLAlchemy URL.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or notes; errors only.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]
YearOption = Annotated[
    int | None, typer.Option("--year", help="Audit this year's documents (default: each organisation's latest).")
]
AllYearsOption = Annotated[bool, typer.Option("--all-years", help="Audit every year's documents together.")]
OrgOption = Annotated[str | None, typer.Option("--org", help="Only this organisation (any spelling).")]
DocTypeOption = Annotated[str | None, typer.Option("--doc-type", help="Only documents of this type, e.g. strategy.")]
UnderOption = Annotated[
    str | None,
    typer.Option("--under", help="An organisation and every predecessor it replaced, e.g. an ICB and its CCGs."),
]
RegistryOption = Annotated[
    list[Path] | None, typer.Option("--registry", help="Extra registry CSV: code,name,aliases,successor (repeatable).")
]


ModelOption = Annotated[
    Path | None, typer.Option("--model", help="Model directory (default: $SVNLP_MODEL, else the bundled model).")
]


def _fail(error: SvnlpError, code: int = 1, debug: bool = False) -> typer.Exit:
    if debug:
        raise error
    err.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
    return typer.Exit(code)


@app.command()
def extract(
    pdf: Annotated[Path, typer.Argument(help="The PDF to read.", dir_okay=True)],
    format: Annotated[TextFormat, typer.Option("--format", "-f")] = TextFormat.text,
    ocr: Annotated[bool, typer.Option("--ocr", help="Read image-only pages with Tesseract.")] = False,
    debug: DebugOption = False,
) -> None:
    """Print a document's cleaned text, page by page.

    Example: svnlp extract corpus/wendle-ccg-procurement-policy-2021.pdf --format jsonl
    """
    from .extract import extract as extract_pdf

    if not pdf.exists():
        err.print(f"error: {pdf}: no such file")
        raise typer.Exit(2)
    try:
        document = extract_pdf(pdf, ocr=ocr)
    except SvnlpError as error:
        raise _fail(error, 1, debug) from None
    for page in document.pages:
        if format is TextFormat.jsonl:
            print(json.dumps({"page": page.number, "text": page.text}, ensure_ascii=False))
        else:
            print(page.text, end="\n\n")
    if document.ocr_pages:
        err.print(f"note: {pdf}: page(s) {', '.join(map(str, document.ocr_pages))} read by OCR")
    if document.image_only_pages:
        pages = ", ".join(map(str, document.image_only_pages))
        err.print(f"warning: {pdf}: page(s) {pages} are image-only: their text needs OCR (--ocr)")


@app.command()
def classify(
    source: Annotated[
        str, typer.Argument(help="JSON lines {id, text} or plain text, one passage a line; - for stdin.")
    ] = "-",
    model: ModelOption = None,
    debug: DebugOption = False,
) -> None:
    """Tag passages: one JSON line out per passage in, with all seven labels scored.

    Example: echo '{"id": 1, "text": "We will pay the real Living Wage."}' | svnlp classify
    """
    from .classify import load_model

    if source != "-" and not Path(source).is_file():
        err.print(f"error: {source}: no such file")
        raise typer.Exit(2)
    try:
        classifier = load_model(model)
    except SvnlpError as error:
        raise _fail(error, 2, debug) from None
    handle = sys.stdin if source == "-" else open(source, encoding="utf-8")
    name = "<stdin>" if source == "-" else source
    problems = 0
    with handle:
        lines = handle.read().splitlines()
    jsonl = _looks_like_jsonl(lines)
    batch: list[tuple[object, str]] = []

    def flush() -> None:
        for (item_id, _), prediction in zip(batch, classifier.predict([text for _, text in batch])):
            record = {
                "id": item_id,
                "labels": list(prediction.labels),
                "scores": prediction.scores,
                "evidence": [{"rule": e.rule, "text": e.text} for e in prediction.evidence],
                "model": classifier.model_id,
            }
            print(json.dumps(record, ensure_ascii=False))
        batch.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if jsonl:
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ValueError("expected an object with a string 'text'")
            except ValueError as error:
                err.print(f"{name}:{number}: skipped: {error}")
                problems += 1
                continue
            batch.append((record.get("id", number), record["text"]))
        else:
            batch.append((number, line.strip()))
        if len(batch) >= 2000:
            flush()
    flush()
    if problems:
        raise typer.Exit(1)


def _looks_like_jsonl(lines: list[str]) -> bool:
    first = next((line for line in lines if line.strip()), "")
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


@app.command()
def train(
    annotations: Annotated[list[Path], typer.Argument(help="Annotation .jsonl files or folders of them.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Model directory to write, e.g. models/default.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 13,
    dev: Annotated[
        list[Path] | None, typer.Option("--dev", help="Held-out annotations to report on in MODEL.md (repeatable).")
    ] = None,
    compare: Annotated[
        bool, typer.Option("--compare", help="Compare with the active model on documents neither trained on.")
    ] = False,
    encoder: Annotated[
        bool,
        typer.Option(
            "--encoder",
            help="Blend in an all-MiniLM-L6-v2 sentence-encoder head (see README, Models; ~70 passages/s).",
        ),
    ] = False,
    threshold_shift: Annotated[
        float, typer.Option(help="Lower each cross-validated threshold by this much (real text scores lower).")
    ] = THRESHOLD_SHIFT,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Train the passage classifier and write a model directory.

    Example: svnlp train annotations/ --out models/default
    """
    from .encoder import ENCODER_NAME
    from .train import train as train_model

    try:
        classifier = train_model(
            annotations,
            out_dir,
            seed=seed,
            dev=dev or (),
            encoder=ENCODER_NAME if encoder else None,
            threshold_shift=threshold_shift,
            on_step=None if quiet else err.print,
        )
    except SvnlpError as error:  # AnnotationError included
        raise _fail(error, 1, debug) from None
    if not quiet:
        err.print(f"model {classifier.model_id}: see {out_dir / 'MODEL.md'}")
    if compare:
        from .classify import load_model
        from .train import compare as compare_models

        try:
            result = compare_models(annotations, load_model(), seed=seed, candidate_thresholds=classifier.thresholds)
        except SvnlpError as error:
            raise _fail(error, 1, debug) from None
        table = Table(
            "label",
            "active F1",
            "candidate F1",
            "change",
            "support",
            title=f"On {result['held_out_passages']} held-out passages ({result['note']})",
        )
        for label, row in result["labels"].items():
            table.add_row(
                label,
                f"{row['active_f1']:.3f}",
                f"{row['candidate_f1']:.3f}",
                f"{row['delta']:+.3f}",
                str(row["support"]),
            )
        macro = result["macro"]
        table.add_row(
            "macro", f"{macro['active_f1']:.3f}", f"{macro['candidate_f1']:.3f}", f"{macro['delta']:+.3f}", ""
        )
        out.print(table)


@app.command()
def evaluate(
    annotations: Annotated[list[Path], typer.Argument(help="Annotation .jsonl files or folders.")],
    model: ModelOption = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="Another model directory: show the difference in F1, with paired bootstrap intervals."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    errors: Annotated[int, typer.Option("--errors", help="Show the N most confident mistakes each way.")] = 0,
    debug: DebugOption = False,
) -> None:
    """Per-label precision, recall and F1 of a model on annotated passages, with 95% bootstrap intervals.

    Example: svnlp evaluate ../shared/realdev/dev.jsonl --baseline models/default --model /tmp/candidate
    """
    from .annotations import annotation_files, load_annotations
    from .classify import load_model
    from .train import evaluate as evaluate_model

    try:
        result = evaluate_model(
            load_model(model),
            load_annotations(annotation_files(annotations)),
            errors=errors,
            baseline=load_model(baseline) if baseline else None,
        )
    except SvnlpError as error:
        raise _fail(error, 1, debug) from None
    if as_json:
        print(json.dumps(result, indent=2))
        return
    intervals = result["intervals"]
    difference = result.get("baseline", {}).get("difference", {})
    columns = ["label", "precision", "recall", "F1 (95% interval)", "support", "threshold"]
    if difference:
        columns.append("F1 − baseline (95%)")

    def row(name: str, m: dict, support: str = "", threshold: str = "") -> list[str]:
        low, high = intervals.get(name, (None, None))
        f1 = f"{m['f1']:.3f}" + (f" ({low:.2f}–{high:.2f})" if low is not None else "")
        cells = [name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f1, support, threshold]
        if difference:
            change = difference.get(name)
            cells.append("{:+.3f} ({:+.2f}, {:+.2f})".format(change["delta"], *change["interval"]) if change else "")
        return cells

    table = Table(*columns)
    for label, m in result["labels"].items():
        table.add_row(*row(label, m, str(m["support"]), f"{m['threshold']:.2f}"))
    table.add_row(*row("micro", result["micro"], str(result["micro"]["support"])))
    table.add_row(*row("macro", result["macro"]))
    supported = result["macro_supported"]
    if 0 < len(supported["labels"]) < len(result["labels"]):
        cells = row("macro_supported", supported)
        cells[0] = f"macro, support ≥ {MIN_SUPPORT}"
        table.add_row(*cells)
    out.print(table)
    ceiling = result.get("ceiling")
    if ceiling and supported["labels"]:
        out.print(
            f"best threshold per label chosen after the fact on these passages: macro-F1 (support ≥ {MIN_SUPPORT}) "
            f"{ceiling['macro_supported']:.3f}, a ceiling for thresholds, not a result"
        )
    if difference:
        model_id = result["baseline"]["model_id"]
        out.print(f"baseline: {baseline} ({model_id}); an interval that spans 0 is no evidence of a change")
    for kind in ("false_positives", "false_negatives"):
        for item in result.get(kind, []):
            out.print(f"{kind[:-1].replace('_', ' ')} {item['label']} {item['score']:.2f} {item['id']}: {item['text']}")


@app.command()
def scan(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files, or folders to search for documents.")] = None,
    db: DbOption = "svnlp.db",
    manifest: Annotated[
        Path | None,
        typer.Option(
            help="CSV: path,organisation,org_code,year,doc_type,title (default: manifest.csv in a scanned folder)."
        ),
    ] = None,
    model: ModelOption = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Try again documents that failed before.")
    ] = False,
    retag: Annotated[
        bool, typer.Option("--retag", help="Re-tag stored passages with the active model; read no documents.")
    ] = False,
    max_pages: Annotated[int, typer.Option(help="Refuse documents longer than this.")] = 2000,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include", help="More file patterns to scan in folders, besides *.pdf *.docx *.html *.htm (repeatable)."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", help="Worker processes (default: the number of cores; 0: none).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds allowed per document in a worker.")] = 300.0,
    memory_limit: Annotated[int, typer.Option(help="Megabytes of memory allowed per worker.")] = 4096,
    backend: Annotated[str | None, typer.Option(help="PDF backend: pypdfium2 (default) or pdfplumber.")] = None,
    executor: Annotated[
        str, typer.Option(help="local (worker processes here) or dask (a dask.distributed cluster).")
    ] = "local",
    scheduler: Annotated[
        str | None, typer.Option(help="With --executor dask: tcp://host:8786 (default: a LocalCluster).")
    ] = None,
    ocr: Annotated[
        bool, typer.Option("--ocr", help="Read image-only pages with Tesseract (apt-get install tesseract-ocr).")
    ] = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Extract, split, classify and store every document under PATHS.

    Example: svnlp scan corpus/ --db svnlp.db
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .scan import DEFAULT_INCLUDE
    from .scan import retag as retag_stored
    from .scan import scan as scan_paths

    if retag:
        _need_db(db)
        try:
            count = retag_stored(db, model)
        except SvnlpError as error:
            raise _fail(error, 2, debug) from None
        err.print(f"re-tagged {count} document(s) in {db}")
        return
    if not paths:
        err.print("error: give at least one file or folder to scan (or --retag)")
        raise typer.Exit(2)

    progress = Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        disable=quiet,
        transient=True,
    )
    task = None

    def on_start(total: int) -> None:
        nonlocal task
        task = progress.add_task("", total=total)

    def on_outcome(outcome) -> None:
        if outcome.status == "failed":
            progress.console.print(f"[red]failed[/red] {outcome.message}", markup=True, highlight=False)
        elif outcome.warning and not quiet:
            progress.console.print(
                f"[yellow]warning[/yellow] {outcome.path}: {outcome.warning}", markup=True, highlight=False
            )
        progress.update(task, advance=1, description=outcome.path.name)

    try:
        with progress:
            report = scan_paths(
                paths,
                db=db,
                manifest=manifest,
                model=model,
                retry_failed=retry_failed,
                max_pages=max_pages,
                include=(*DEFAULT_INCLUDE, *(include or ())),
                workers=(os.cpu_count() or 1) if workers is None else workers,
                timeout=timeout,
                memory_limit_mb=memory_limit,
                backend=backend,
                executor=executor,
                scheduler=scheduler,
                ocr=ocr,
                on_start=on_start,
                on_outcome=on_outcome,
                debug=debug,
            )
    except SvnlpError as error:  # UsageError included: a path that does not exist
        raise _fail(error, 2, debug) from None
    err.print(
        f"scanned {report.count('scanned')}, skipped {report.count('skipped')}, failed {report.count('failed')} "
        f"(model {report.model_id}, database {db})"
    )
    if report.failed:
        raise typer.Exit(1)


@app.command()
def forget(
    targets: Annotated[list[str], typer.Argument(help="File paths or content hashes (SHA-256) of scanned documents.")],
    db: DbOption = "svnlp.db",
) -> None:
    """Remove documents with their passages and predictions from the database.

    Example: svnlp forget corpus/wendle-ccg-procurement-policy-2021.pdf
    """
    from .store import Store

    _need_db(db)
    missing = 0
    with Store(db) as store:
        for target in targets:
            removed = store.forget_document(target)
            if removed:
                err.print(f"forgot {target} ({removed} document(s))")
            else:
                err.print(f"not in the database: {target}")
                missing += 1
    if missing:
        raise typer.Exit(1)


@app.command()
def summary(
    db: DbOption = "svnlp.db",
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
    org: OrgOption = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this year's documents.")] = None,
    doc_type: DocTypeOption = None,
    under: UnderOption = None,
    registry: RegistryOption = None,
    debug: DebugOption = False,
) -> None:
    """Per organisation and label: documents, passages tagged, share, rate, best quote.

    Example: svnlp summary --db svnlp.db --format json
    """
    from .summarise import summarise

    _need_db(db)
    try:
        result = summarise(db, organisation=org, year=year, doc_type=doc_type, under=under, registry_files=registry)
    except SvnlpError as error:
        raise _fail(error, 1, debug) from None
    if format is TableFormat.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    if format is TableFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            [
                "organisation",
                "label",
                "documents",
                "documents_tagged",
                "passages_tagged",
                "share_of_passages",
                "per_10k_words",
                "quote",
                "quote_document",
                "quote_page",
                "quote_score",
            ]
        )
        for row in result.rows:
            quote = row.best_quote
            writer.writerow(
                [
                    row.organisation,
                    row.label,
                    row.documents,
                    row.documents_tagged,
                    row.passages_tagged,
                    row.share_of_passages,
                    row.per_10k_words,
                    quote.text if quote else "",
                    quote.document if quote else "",
                    quote.page if quote else "",
                    quote.score if quote else "",
                ]
            )
        sys.stdout.write(buffer.getvalue())
        return
    documents = Table("organisation", "from", "document", "year", "status", "pages", "passages", title="Documents")
    for d in result.documents:
        documents.add_row(
            d.organisation,
            d.org_source,
            d.title or Path(d.path).name,
            str(d.year or ""),
            d.status if d.status == "ok" else f"[red]{d.status}[/red]",
            str(d.pages or "") + (f" (OCR: {d.ocr_pages})" if d.ocr_pages else ""),
            str(d.passages),
        )
    out.print(documents)
    by_organisation: dict[str, list] = {}
    for row in result.rows:
        by_organisation.setdefault(row.organisation, []).append(row)
    for organisation, rows in by_organisation.items():
        table = Table(
            "label",
            "docs",
            "tagged",
            "share",
            "/10k words",
            "best quote (document, page)",
            title=organisation,
            title_justify="left",
            expand=True,
        )
        for row in rows:
            quote = row.best_quote
            shown = f"“{_shorten(quote.text)}” ({quote.document}, p. {quote.page})" if quote else "—"
            table.add_row(
                row.label,
                f"{row.documents_tagged}/{row.documents}",
                str(row.passages_tagged),
                f"{row.share_of_passages:.1%}",
                f"{row.per_10k_words:.1f}",
                shown,
            )
        out.print(table)


class ReportFormat(StrEnum):
    html = "html"
    md = "md"
    csv = "csv"
    json = "json"


def _need_db(db: str) -> None:
    if "://" not in db and not Path(db).is_file():
        err.print(f"error: {db}: no such database; run `svnlp scan PATH --db {db}` first")
        raise typer.Exit(2)


def _run_audit(db, year, all_years, org, doc_type, under, registry, debug):
    """The audit the `audit` and `report` commands share, with the same filters."""
    from .audit import audit as run_audit

    _need_db(db)
    try:
        return run_audit(
            db,
            year=year,
            all_years=all_years,
            organisation=org,
            doc_type=doc_type,
            under=under,
            registry_files=registry,
        )
    except SvnlpError as error:
        raise _fail(error, 1, debug) from None


@app.command()
def audit(
    db: DbOption = "svnlp.db",
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
    check: Annotated[
        Path | None, typer.Option("--check", help="Gold CSV organisation,label,level to compare with.")
    ] = None,
    min_agreement: Annotated[float, typer.Option(help="With --check: exit 1 below this exact agreement.")] = 0.8,
    year: YearOption = None,
    all_years: AllYearsOption = False,
    org: OrgOption = None,
    doc_type: DocTypeOption = None,
    under: UnderOption = None,
    registry: RegistryOption = None,
    debug: DebugOption = False,
) -> None:
    """Awareness level (0 absent, 1 mentioned, 2 committed, 3 embedded) per organisation and label.

    Example: svnlp audit --check corpus/gold.csv
    """
    from .audit import check_against
    from .registry import load_registry

    result = _run_audit(db, year, all_years, org, doc_type, under, registry, debug)
    rows = result.rows()
    if format is TableFormat.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif format is TableFormat.csv:
        from .report import render_csv

        sys.stdout.write(render_csv(result))
    else:
        table = Table(
            "organisation",
            "label",
            "level",
            "",
            "passages",
            "commitments",
            "measures",
            title=f"Awareness ({result.scope})",
        )
        for row in rows:
            style = "bold" if row["label"] == "overall" else ""
            table.add_row(
                row["organisation"],
                row["label"],
                str(row["level"]),
                row["level_name"],
                str(row["passages"]),
                str(row["commitments"]),
                str(row["measures"]),
                style=style,
            )
        out.print(table)
    if check is not None:
        try:
            agreement = check_against(result, check, load_registry(registry))
        except SvnlpError as error:
            raise _fail(error, 2, debug) from None
        for item in agreement.disagreements:
            err.print(f"disagree: {item['organisation']} / {item['label']}: gold {item['gold']}, audit {item['audit']}")
        for item in agreement.missing:
            err.print(f"missing: {item} is in the gold file but not in the audit")
        err.print(
            f"agreement with {check}: exact {agreement.exact:.1%}, within one {agreement.within_one:.1%} "
            f"({agreement.compared} levels compared, minimum {min_agreement:.0%})"
        )
        if agreement.exact < min_agreement:
            raise typer.Exit(1)


@app.command()
def report(
    db: DbOption = "svnlp.db",
    out_file: Annotated[Path, typer.Option("--out", help="File to write; its suffix chooses the format.")] = Path(
        "report.html"
    ),
    format: Annotated[ReportFormat | None, typer.Option("--format", "-f", help="html, md, csv or json.")] = None,
    year: YearOption = None,
    all_years: AllYearsOption = False,
    org: OrgOption = None,
    doc_type: DocTypeOption = None,
    under: UnderOption = None,
    registry: RegistryOption = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Write the audit as one self-contained HTML page (or Markdown, CSV, JSON).

    Example: svnlp report --out report.html
    """
    from .report import write_report

    result = _run_audit(db, year, all_years, org, doc_type, under, registry, debug)
    try:
        written = write_report(result, out_file, format.value if format else None)
    except OSError as error:
        raise _fail(SvnlpError(f"{out_file}: cannot write the report ({error.strerror})"), 1, debug) from None
    if not quiet:
        err.print(f"wrote {written} ({len(result.organisations)} organisations, {len(result.failed)} failed documents)")


def _shorten(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@annotations_app.command("validate")
def validate_annotations(
    files: Annotated[list[Path], typer.Argument(help="Annotation .jsonl files or folders.")],
) -> None:
    """Report every problem in annotation files as file:line: what is wrong.

    Example: svnlp annotations validate annotations/
    """
    from .annotations import annotation_files, check_annotations

    annotations, problems = check_annotations(annotation_files(files))
    for problem in problems:
        print(problem)
    if problems:
        err.print(f"{len(problems)} problem(s); {len(annotations)} passage(s) fine")
        raise typer.Exit(1)
    err.print(f"{len(annotations)} passage(s), no problems")


class Tool(StrEnum):
    label_studio = "label-studio"
    doccano = "doccano"
    prodigy = "prodigy"


@annotations_app.command("export")
def export_annotations(
    files: Annotated[list[Path], typer.Argument(help="Annotation or suggestion .jsonl files.")],
    to: Annotated[Tool, typer.Option("--to", help="label-studio, doccano or prodigy.")],
    out_file: Annotated[Path, typer.Option("--out", help="File to write.")],
    debug: DebugOption = False,
) -> None:
    """Write annotations (or suggestions) for a labelling tool; Label Studio gets the model's predictions.

    Example: svnlp annotations export to_label.jsonl --to label-studio --out tasks.json
    """
    from .annotations import annotation_files, check_annotations
    from .classify import load_model
    from .interchange import export_annotations as export_to

    annotations, problems = check_annotations(annotation_files(files))
    if problems:
        raise _fail(AnnotationError(problems), 1, debug)
    predictions, version = None, ""
    if to is Tool.label_studio:
        model = load_model()
        version = model.model_id
        scored = model.predict([a.text for a in annotations])
        predictions = [(p.labels, max(p.scores.values())) for p in scored]
    export_to(annotations, to.value, out_file, predictions=predictions, model_version=version)
    err.print(f"wrote {len(annotations)} passage(s) to {out_file} for {to.value}")


@annotations_app.command("import")
def import_annotations(
    source: Annotated[Path, typer.Argument(help="The tool's export file.")],
    from_tool: Annotated[Tool, typer.Option("--from", help="label-studio, doccano or prodigy.")],
    out_file: Annotated[
        Path, typer.Option("--out", help="svnlp annotation file to write, e.g. annotations/new.jsonl.")
    ],
    annotator: Annotated[str, typer.Option(help="Who labelled them.")] = "",
    debug: DebugOption = False,
) -> None:
    """Read a labelling tool's export into svnlp's annotation format.

    Example: svnlp annotations import --from doccano export.jsonl --out annotations/doccano.jsonl
    """
    from .interchange import import_annotations as import_from
    from .interchange import write_annotations

    try:
        annotations = import_from(source, from_tool.value, annotator=annotator)
    except AnnotationError as error:
        raise _fail(error, 1, debug) from None
    write_annotations(annotations, out_file)
    err.print(f"wrote {len(annotations)} passage(s) to {out_file}")


@app.command()
def suggest(
    db: DbOption = "svnlp.db",
    count: Annotated[int, typer.Option("-n", "--count", help="How many passages.")] = 100,
    label: Annotated[str | None, typer.Option(help="Only uncertainty about this label.")] = None,
    out_file: Annotated[Path, typer.Option("--out", help="Suggestions file to write.")] = Path("to_label.jsonl"),
    annotations: Annotated[
        list[Path] | None, typer.Option("--annotations", help="Annotations to leave out (default: annotations/).")
    ] = None,
    model: ModelOption = None,
    debug: DebugOption = False,
) -> None:
    """Pick the scanned passages the model is least sure of, for a person to label.

    Example: svnlp suggest -n 100 --label social_value --out to_label.jsonl
    """
    from .classify import load_model
    from .labels import LABEL_IDS
    from .suggest import suggest as pick
    from .suggest import write_suggestions

    _need_db(db)
    if label is not None and label not in LABEL_IDS:
        err.print(f"error: unknown label {label!r}; choose from {', '.join(LABEL_IDS)}")
        raise typer.Exit(2)
    folders = annotations if annotations is not None else [p for p in [Path("annotations")] if p.is_dir()]
    try:
        picked = pick(db, count=count, label=label, model=load_model(model), annotations=folders)
    except SvnlpError as error:
        raise _fail(error, 1, debug) from None
    write_suggestions(picked, out_file)
    err.print(f"wrote {len(picked)} suggestion(s) to {out_file}; label them with `svnlp annotate {out_file}`")


@app.command()
def annotate(
    source: Annotated[Path, typer.Argument(help="Suggestions (or any JSONL with id and text) to label.")],
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Labelled annotations (default: SOURCE.labelled.jsonl).")
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Label passages in the terminal: 1-7 toggle labels, a accept, s skip, u undo, q quit.

    Example: svnlp annotate to_label.jsonl --out annotations/my_labels.jsonl
    """
    from .annotate import annotate as label_loop

    if not source.is_file():
        err.print(f"error: {source}: no such file")
        raise typer.Exit(2)
    try:
        label_loop(source, out=out_file, console=Console(highlight=False))
    except AnnotationError as error:
        raise _fail(error, 1, debug) from None


@app.command()
def correct(
    passage_id: Annotated[int, typer.Argument(help="The passage's id, as `svnlp audit --format json` shows it.")],
    add: Annotated[list[str] | None, typer.Option("--add", help="A label that applies (repeatable).")] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="A label that does not apply (repeatable).")
    ] = None,
    db: DbOption = "svnlp.db",
    annotations_file: Annotated[
        Path, typer.Option("--annotations", help="Where corrections join the training annotations.")
    ] = Path("annotations/corrections.jsonl"),
    debug: DebugOption = False,
) -> None:
    """Record a person's judgement on a tagged passage; the audit and report follow it at once.

    Example: svnlp correct 1234 --remove marmot_c --add social_value
    """
    from .corrections import record_correction

    _need_db(db)
    try:
        labels = record_correction(db, passage_id, add or [], remove or [], annotations_file)
    except (SvnlpError, ValueError) as error:
        raise _fail(SvnlpError(str(error)), 1, debug) from None
    err.print(f"passage {passage_id} now: {', '.join(labels) or 'no label'} (saved to {annotations_file})")


@models_app.command("list")
def list_models(
    folder: Annotated[Path | None, typer.Option("--folder", help="Models folder (default: ./models).")] = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
) -> None:
    """The models in the models folder: id, date, training passages, macro-F1, and which is active.

    Example: svnlp models list
    """
    from .model_registry import list_models as models_in

    found = models_in(folder)
    if format is TableFormat.json:
        rows = [
            {
                "model_id": m.model_id,
                "path": str(m.path),
                "created": m.created,
                "passages": m.passages,
                "cv_macro_f1": m.cv_macro_f1,
                "dev_macro_f1": m.dev_macro_f1,
                "active": m.active,
            }
            for m in found
        ]
        print(json.dumps(rows, indent=2))
        return
    table = Table("", "id", "folder", "created", "passages", "CV macro F1", f"dev macro F1 (support ≥ {MIN_SUPPORT})")
    for m in found:
        table.add_row(
            "*" if m.active else "",
            m.model_id,
            str(m.path),
            m.created,
            str(m.passages),
            f"{m.cv_macro_f1:.3f}" if m.cv_macro_f1 is not None else "",
            f"{m.dev_macro_f1:.3f}" if m.dev_macro_f1 is not None else "",
        )
    out.print(table)


@models_app.command("activate")
def activate_model(
    target: Annotated[str, typer.Argument(help="A model id or folder name from `svnlp models list`.")],
    folder: Annotated[Path | None, typer.Option("--folder", help="Models folder (default: ./models).")] = None,
    debug: DebugOption = False,
) -> None:
    """Make a model the active one (used when no --model or $SVNLP_MODEL is given).

    Example: svnlp models activate svnlp-1a2b3c4d5e6f
    """
    from .model_registry import activate

    try:
        chosen = activate(target, folder)
    except SvnlpError as error:
        raise _fail(error, 1, debug) from None
    err.print(f"active model: {chosen.model_id} ({chosen.path}); `svnlp scan --retag` re-tags stored passages")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        # Each document is its own transaction: everything finished before the interrupt is kept.
        err.print("interrupted; documents finished so far are saved")
        sys.exit(130)
    except Exception as error:  # a bug: say so plainly; the traceback is for --debug
        if "--debug" in sys.argv:
            raise
        err.print(f"error: unexpected {type(error).__name__}: {error}; rerun with --debug and report it")
        sys.exit(1)


if __name__ == "__main__":
    main()
