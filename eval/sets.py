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
import json
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


# ------------------------------------------------------- reading-comprehension files (regulations)


def context_name(context: str) -> str:
    """A context's stable document name: it depends on the text only, never on row order."""
    return _CONTEXT_PREFIX + hashlib.sha1(context.encode("utf-8")).hexdigest()[:12]


#: Split names of outside reading-comprehension files, mapped to ours: train and validation
#: are for development. A row with another split, or none, has none: the file runs whole.
SPLIT_NAMES = {"train": "dev", "val": "dev", "validation": "dev", "dev": "dev", "test": "test"}
#: The fields a row of a CSV or JSON-lines reading-comprehension file may give its gold
#: answer in, first found first: ours, the common ones, ViRHE4QA's.
ANSWER_FIELDS = ("answers", "answer", "extractive answer", "answer_text")


class SpanFileError(ValueError):
    """A reading-comprehension file that cannot be read as one (a message for the evaluator)."""


def is_span_file(path: Path) -> bool:
    """Whether an evaluator's question file brings its own contexts (a reading-comprehension
    set, scored as spans): SQuAD JSON (``{"data": [{"paragraphs": …}]}``, as UIT-ViQuAD), or
    a CSV or JSON-lines file whose rows hold a ``context``. Our own JSON-lines questions,
    asked of a documents folder, hold none."""
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                return "context" in (csv.DictReader(fh).fieldnames or [])
        text = path.read_text(encoding="utf-8-sig")
        if _one_json_document(path, text):
            data = json.loads(text)
            return isinstance(data, dict) and isinstance(data.get("data"), list)
        row = json.loads(next((line for line in text.splitlines() if line.strip()), ""))
        return isinstance(row, dict) and "context" in row
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False  # the questions loader says what is wrong with it


def read_span_file(path: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """A reading-comprehension file's questions (in our schema, without ``lang``) and its
    unique contexts by name (``context_name``).

    Each question's gold answers are its answer texts (SQuAD gives several; any one
    contained counts); no answer, or SQuAD 2.0's ``is_impossible``, makes it unanswerable.
    ``evidence`` repeats the first answer and ``doc_id`` names the context as the index
    names its file (``<name>.txt``). Ids are the file's own, else ``r`` + the row number;
    a ``split`` column is mapped by ``SPLIT_NAMES``. Raises ``SpanFileError``.
    """
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
        else:
            text = path.read_text(encoding="utf-8-sig")
            data = json.loads(text) if _one_json_document(path, text) else None
            rows = (_squad_rows(data) if isinstance(data, dict) and "data" in data
                    else [json.loads(line) for line in text.splitlines() if line.strip()])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpanFileError(f"{path}: cannot be read as a reading-comprehension file ({exc})") from exc
    questions: list[dict[str, Any]] = []
    contexts: dict[str, str] = {}
    for number, row in enumerate(rows, start=1):
        context, question = row.get("context"), row.get("question")
        if not isinstance(context, str) or not context.strip() or not isinstance(question, str) or not question.strip():
            raise SpanFileError(f"{path}: row {number} needs a non-empty 'context' and 'question'")
        name = context_name(context)
        contexts[name] = context
        answers = _answer_texts(row)
        split = SPLIT_NAMES.get(str(row.get("split", "")).strip().lower())
        questions.append({
            "id": str(row.get("id") or f"r{number:04d}"),
            "question": question,
            "kind": "fact" if answers else "unanswerable",
            "answers": answers,
            "evidence": answers[0] if answers else "",
            **({"split": split} if split else {}),
            "doc_id": f"{name}.txt",
        })
    return questions, contexts


def _one_json_document(path: Path, text: str) -> bool:
    """A ``.json`` file holding one JSON object (SQuAD's), not JSON lines."""
    return path.suffix.lower() == ".json" and text.lstrip().startswith("{")


def _squad_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """SQuAD's nesting (articles, paragraphs, questions) as one row per question."""
    return [{"context": paragraph.get("context"), "question": qa.get("question"), "id": qa.get("id"),
             "answers": [] if qa.get("is_impossible") else [a.get("text", "") for a in qa.get("answers", [])]}
            for article in data["data"] for paragraph in article.get("paragraphs", [])
            for qa in paragraph.get("qas", [])]


def _answer_texts(row: dict[str, Any]) -> list[str]:
    """The row's distinct non-empty gold answers, from the first field of ``ANSWER_FIELDS``
    it has (a string, a list of strings, or SQuAD's ``{"text": …}`` objects)."""
    value = next((row[f] for f in ANSWER_FIELDS if f in row), [])
    items = value if isinstance(value, list) else [value]
    texts = [item.get("text", "") if isinstance(item, dict) else item for item in items]
    return list(dict.fromkeys(t for t in texts if isinstance(t, str) and t.strip()))


def read_regulations(path: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """ViRHE4QA's questions and contexts (``read_span_file``): Vietnamese, every row with its
    extractive answer, train and val as dev. Ids are ``r`` + the row number, since the CSV's
    own ``index`` column repeats."""
    questions, contexts = read_span_file(path)
    for q in questions:
        q["lang"] = "vi"
        q.setdefault("split", "dev")
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
