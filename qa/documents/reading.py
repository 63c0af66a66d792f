"""Reading and cleaning many files at once, in worker processes.

Reading a file (PDF layout, Word, HTML) and cleaning its text is pure Python and
holds the interpreter lock, so threads would not help: the files of a large build
are read by ``Settings.ingest_workers`` processes (0: one per core), in order, and
their ``Document`` objects come back to the builder, which chunks, embeds and
indexes them as it would have read them itself. A build of fewer than
``MIN_FILES`` files reads them in its own process: starting workers costs more
than they save there.

Workers are started with the "forkserver" method: the builder may hold OpenMP
threads (the embedder, FAISS), and a plain fork of such a process can hang.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from qa.config import Settings
from qa.errors import DocumentError
from qa.documents.ingest import load_document
from qa.types import Document

log = logging.getLogger(__name__)

#: Below this many files to read, a build reads them itself.
MIN_FILES = 16
#: At most this many worker processes, whatever the number of cores.
MAX_WORKERS = 8


@dataclass(frozen=True)
class Failure:
    """Why a file gave no document: a ``DocumentError``'s reason (the file's fault),
    or a bug in a loader (``internal``, with its traceback for the log)."""

    reason: str
    internal: bool = False
    detail: str = ""


def workers_for(settings: Settings, n_files: int) -> int:
    """How many processes read ``n_files`` files (1: the builder reads them itself)."""
    wanted = settings.ingest_workers or min(MAX_WORKERS, os.cpu_count() or 1)
    return 1 if n_files < MIN_FILES else max(1, min(wanted, n_files))


def read_one(path: Path, documents_dir: Path, catalog: dict, sha256: str, settings: Settings,
             load: Callable[..., Document] = load_document) -> Document | Failure:
    """Load and clean one file (with ``load``, ``qa.documents.ingest.load_document``); every
    failure is returned, never raised (a worker's exception would have to cross a
    process boundary)."""
    try:
        return load(path, documents_dir, catalog, sha256=sha256, settings=settings)
    except DocumentError as exc:
        return Failure(exc.reason)
    except Exception as exc:  # a loader bug must not cost the other files their answers
        return Failure(f"could not be read because of an internal error ({type(exc).__name__}); please report it",
                       internal=True, detail=traceback.format_exc())


def read_in_parallel(jobs: list[tuple[Path, str]], documents_dir: Path, catalog: dict, settings: Settings,
                     workers: int) -> Iterator[Document | Failure]:
    """``read_one`` of every (path, sha256), by ``workers`` processes, in the order given."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for result in pool.map(_read_job, [(path, documents_dir, catalog, sha, settings) for path, sha in jobs],
                                   chunksize=1):
                yield result
                done += 1
    except BrokenProcessPool:
        # A worker could not start or died (its program's main module cannot be re-run,
        # memory ran out): the build reads what is left itself rather than fail.
        log.warning("reading workers stopped after %d of %d files; reading the rest in this process",
                    done, len(jobs))
        for path, sha in jobs[done:]:
            yield read_one(path, documents_dir, catalog, sha, settings)


def _read_job(job: tuple[Path, Path, dict, str, Settings]) -> Document | Failure:
    return read_one(*job)
