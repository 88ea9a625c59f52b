"""svnlp's exceptions: one base class, each subclass saying what went wrong and what to do.

The library raises these; only the command line turns them into messages and exit codes.
"""

from __future__ import annotations

from pathlib import Path


class SvnlpError(Exception):
    """Base class for every error svnlp raises on purpose."""


class DocumentError(SvnlpError):
    """A file that cannot be turned into text; `reason` is a short tag for reports."""

    reason = "unreadable"

    def __init__(self, path: Path | str, message: str):
        self.path = Path(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")

    def __reduce__(self):
        # Raised in worker processes and sent back to the scan: keep path and message apart.
        return (self.__class__, (self.path, self.message), {"reason": self.reason})


class NotAPdfError(DocumentError):
    reason = "not-a-pdf"


class EmptyFileError(DocumentError):
    reason = "empty"


class EncryptedPdfError(DocumentError):
    reason = "encrypted"


class CorruptPdfError(DocumentError):
    reason = "corrupt"


class ImageOnlyPdfError(DocumentError):
    reason = "image-only"


class NoTextError(DocumentError):
    reason = "no-text"


class TooLargeError(DocumentError):
    reason = "too-large"


class ModelError(SvnlpError):
    """A model directory that is missing, incomplete or not safe to load."""


class AnnotationError(SvnlpError):
    """Annotation files with problems; `problems` lists every `file:line: what` at once."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the annotations:\n{shown}{more}")


class ManifestError(SvnlpError):
    """A manifest CSV that cannot be read; the message names the file and line."""


class StoreError(SvnlpError):
    """A database that cannot be opened or has an unexpected schema."""
