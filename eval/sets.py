"""The collections the benchmark reads side by side, and where each one's data lives.

Three standard sets, each with its own documents, questions and index folder:

- ``articles``: the five bundled documents (``documents/``) and ``eval/questions.jsonl``.
- ``plans``: the 60 plan excerpts of ``shared/plans`` and ``eval/questions_plans.jsonl``.
- ``regulations``: ViRHE4QA (``shared/external/ViRHE4QA_v2.csv``): its 297 contexts are
  written as documents into a git-ignored cache folder, and each of its 1,000 questions is
  asked against all of them.

``shared/`` sits beside the repository (``<repo>/../shared``, as CI clones it), or wherever
``QA_SHARED_DIR`` points. Its text is test data: it is read at run time and never copied
into the repository. A set whose data is absent is skipped, not an error.
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import PROJECT_ROOT

EVAL_DIR = Path(__file__).resolve().parent
CACHE_DIR = EVAL_DIR / "cache"  # git-ignored (eval/.gitignore)

#: How each kind of set is scored: "facts" (gold strings, evidence, abstention) or "spans"
#: (a gold span copied from one context: containment, token F1).
FACTS, SPANS = "facts", "spans"
STANDARD_SETS = ("articles", "plans", "regulations")

REGULATIONS_CSV = Path("external") / "ViRHE4QA_v2.csv"
#: ViRHE4QA's own splits, mapped to ours: train and val are for development.
REGULATIONS_SPLITS = {"train": "dev", "val": "dev", "test": "test"}
_CONTEXT_PREFIX = "ctx_"


@dataclass(frozen=True)
class EvalSet:
    """One collection: its documents, its questions, the index built from them."""

    name: str
    style: str
    documents: Path | None  # None: the configured folder (QA_DOCUMENTS_DIR or ./documents)
    questions: Path
    index: Path | None  # None: the configured index (QA_INDEX_DIR or ./index)

    def missing(self) -> str | None:
        """Why the set cannot run (its data is absent), or ``None`` when it can."""
        if not self.questions.is_file():
            return f"no questions at {self.questions}"
        if self.style == FACTS and self.documents is not None and not self.documents.is_dir():
            return f"no documents at {self.documents}"
        return None


def shared_dir() -> Path:
    """Where the shared test data lives: ``$QA_SHARED_DIR``, else ``<repo>/../shared``."""
    configured = os.environ.get("QA_SHARED_DIR")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared"


def standard_sets(shared: Path | None = None, cache: Path | None = None) -> dict[str, EvalSet]:
    """The three standard sets, by name, with their cache folders under ``cache``
    (default :data:`CACHE_DIR`) and their shared data under ``shared`` (default
    :func:`shared_dir`)."""
    shared = shared_dir() if shared is None else shared
    cache = CACHE_DIR if cache is None else cache
    return {
        "articles": EvalSet("articles", FACTS, PROJECT_ROOT / "documents", EVAL_DIR / "questions.jsonl",
                            cache / "articles" / "index"),
        "plans": EvalSet("plans", FACTS, shared / "plans", EVAL_DIR / "questions_plans.jsonl",
                         cache / "plans" / "index"),
        "regulations": EvalSet("regulations", SPANS, cache / "regulations" / "documents",
                               shared / REGULATIONS_CSV, cache / "regulations" / "index"),
    }


# --------------------------------------------------------------------------- regulations


def context_name(context: str) -> str:
    """A context's stable document name: it depends on the text only, never on row order."""
    return _CONTEXT_PREFIX + hashlib.sha1(context.encode("utf-8")).hexdigest()[:12]


def read_regulations(path: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The CSV's questions (in our question schema) and its unique contexts by name.

    Each question's one gold answer is the extractive span; ``evidence`` repeats it and
    ``doc_id`` names the context it was asked of, as the index names its file
    (``<name>.txt``: document ids keep their extension). Ids are ``r`` + the row number, since
    the CSV's own ``index`` column repeats.
    """
    questions: list[dict[str, Any]] = []
    contexts: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row_number, row in enumerate(csv.DictReader(fh), start=1):
            name = context_name(row["context"])
            contexts[name] = row["context"]
            span = row["extractive answer"]
            questions.append({
                "id": f"r{row_number:04d}",
                "question": row["question"],
                "lang": "vi",
                "kind": "fact",
                "answers": [span],
                "evidence": span,
                "split": REGULATIONS_SPLITS.get(row["split"].strip().lower(), "dev"),
                "doc_id": f"{name}.txt",
            })
    return questions, contexts


def write_contexts(contexts: dict[str, str], folder: Path) -> int:
    """Mirror the contexts as ``<name>.txt`` files; return how many were (re)written.

    Unchanged files are left alone, so the index sees the same hashes and is reused;
    context files the CSV no longer has are removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, text in contexts.items():
        path, data = folder / f"{name}.txt", text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            written += 1
    for stale in folder.glob(f"{_CONTEXT_PREFIX}*.txt"):
        if stale.stem not in contexts:
            stale.unlink()
    return written
