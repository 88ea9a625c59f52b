"""svnlp: how far NHS bodies have taken up social value and the Marmot objectives, from their PDFs.

The stages, each a module, data flowing one way:
    extract → segment → classify → store → summarise / audit → report
and `scan` wiring them for a batch of documents.

    >>> import svnlp
    >>> document = svnlp.extract("corpus/wendle-ccg-procurement-policy-2021.pdf")
    >>> passages = svnlp.segment_pages(document.pages)
    >>> predictions = svnlp.load_model().predict([p.text for p in passages])
"""

from .annotations import Annotation, check_annotations, load_annotations
from .audit import Audit, OrganisationAudit, audit, check_against
from .classify import Classifier, default_model_dir, load_model
from .depth import passage_depth
from .errors import (
    AnnotationError,
    CorruptPdfError,
    DocumentError,
    EmptyFileError,
    EncryptedPdfError,
    ImageOnlyPdfError,
    ManifestError,
    ModelError,
    NotAPdfError,
    NoTextError,
    StoreError,
    SvnlpError,
    TooLargeError,
)
from .extract import PdfiumBackend, PdfplumberBackend, extract, get_backend
from .labels import LABEL_IDS, LABELS
from .manifest import DocumentInfo, infer_info, read_manifest
from .records import Block, Document, Evidence, Page, Passage, Prediction, Word
from .registry import Registry, load_registry, organisation_key
from .report import render, write_report
from .rules import find_references
from .scan import ScanOutcome, ScanReport, find_documents, find_pdfs, process_document, scan
from .segment import segment_pages
from .store import Store
from .summarise import Summary, summarise
from .train import evaluate, train

__version__ = "0.1.0"

__all__ = [
    "Audit",
    "OrganisationAudit",
    "PdfiumBackend",
    "Registry",
    "audit",
    "check_against",
    "find_documents",
    "get_backend",
    "load_registry",
    "organisation_key",
    "passage_depth",
    "process_document",
    "render",
    "write_report",
    "LABELS",
    "LABEL_IDS",
    "Annotation",
    "AnnotationError",
    "Block",
    "Classifier",
    "CorruptPdfError",
    "Document",
    "DocumentError",
    "DocumentInfo",
    "EmptyFileError",
    "EncryptedPdfError",
    "Evidence",
    "ImageOnlyPdfError",
    "ManifestError",
    "ModelError",
    "NoTextError",
    "NotAPdfError",
    "Page",
    "Passage",
    "PdfplumberBackend",
    "Prediction",
    "ScanOutcome",
    "ScanReport",
    "Store",
    "StoreError",
    "Summary",
    "SvnlpError",
    "TooLargeError",
    "Word",
    "check_annotations",
    "default_model_dir",
    "evaluate",
    "extract",
    "find_pdfs",
    "find_references",
    "infer_info",
    "load_annotations",
    "load_model",
    "read_manifest",
    "scan",
    "segment_pages",
    "summarise",
    "train",
]
