"""Errors a user can cause, each with a message that says what to do.

Bugs are not wrapped: they surface as ordinary tracebacks.
"""

from __future__ import annotations


class QAError(Exception):
    """Base class of errors caused by input or setup, shown to users as plain messages."""


class BadQuestionError(QAError):
    """The question cannot be asked as given (empty, nothing but symbols, too long).

    ``code`` names the problem ("empty", "no_words", "too_long", "not_text",
    "bad_mode", "bad_k") so that a front end can say it in the reader's language.
    """

    def __init__(self, message: str, code: str = "invalid", **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


class DocumentError(QAError):
    """A document could not be read (empty, binary, truncated, corrupt, unknown type).

    The indexer reports it and skips the document; the others are still indexed.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NoDocumentsError(QAError):
    """There is nothing to index: the documents folder is missing, empty, or all bad."""


class BrokenIndexError(QAError):
    """The index on disk cannot be used and could not be rebuilt."""


class IndexLocationError(QAError):
    """The index folder cannot be used as asked: it is a file, cannot be created, or
    belongs to another documents folder (an index answers only from its own folder)."""


class IndexBusyError(QAError):
    """Another process is building this index from another documents folder: one index, one writer."""


class BackendError(QAError):
    """The configured search back end cannot be used (its client is not installed, or
    Milvus at ``QA_MILVUS_URI`` cannot be reached or refuses a request)."""
