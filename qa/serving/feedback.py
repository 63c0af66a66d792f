"""Readers' 👍/👎 ratings of answers, kept in a local SQLite file.

One table, one row per rated answer, written by the chat and exported as CSV for the
people who tune the assistant. SQLite because it needs no server and survives several
Streamlit sessions writing at once; each call opens its own connection, so the store
can be shared between Streamlit's script threads.

>>> store = FeedbackStore("/tmp/feedback.sqlite3")
>>> row_id = store.add("Câu hỏi?", "Trả lời [1]", "[]", "up")
>>> store.update(row_id, comment="Thiếu nguồn")
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from qa.config import PROJECT_ROOT

VERDICTS = ("up", "down")
COLUMNS = ("id", "created_at", "question", "answer", "citations_json", "verdict", "comment")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations_json TEXT NOT NULL,
    verdict TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
)
"""

# Spreadsheets run a cell that starts with one of these as a formula ("CSV injection"),
# per OWASP's guidance: the formula signs and their fullwidth forms (Excel reads "＝1+1"
# as a formula), tab and line breaks, and quotes (a leading quote can re-open a quoted
# field in a spreadsheet that re-parses the cell). Any other leading whitespace counts
# too, because spreadsheets trim it before deciding whether a cell is a formula.
_FORMULA_PREFIXES = frozenset("=+-@\t\r\n\"'＝＋－＠|%")


def default_path() -> Path:
    """``$QA_FEEDBACK_DB``, else ``feedback.sqlite3`` at the project root (git-ignored)."""
    configured = os.environ.get("QA_FEEDBACK_DB", "").strip()
    return Path(configured) if configured else PROJECT_ROOT / "feedback.sqlite3"


def _utc_now() -> str:
    """The current time as UTC ISO 8601 (``2025-01-31T08:15:00+00:00``)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _check_verdict(verdict: str) -> str:
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    return verdict


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: one that could start a formula gets a ``'``.

    Comments and questions are typed by readers; without this, exporting them and
    opening the file in Excel could run a formula someone typed.
    """
    if isinstance(value, str) and value and (value[0] in _FORMULA_PREFIXES or value[0].isspace()):
        return "'" + value
    return value


class FeedbackStore:
    """Ratings of answers in a SQLite file (created, with its folder, on first write)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection inside a transaction, closed afterwards (one per call: thread-safe)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10)
        try:
            with conn:
                conn.execute(_SCHEMA)
                yield conn
        finally:
            conn.close()

    def add(
        self,
        question: str,
        answer: str,
        citations_json: str,
        verdict: str,
        comment: str = "",
    ) -> int:
        """Store one rating and return its row id (to attach a comment later)."""
        row = (_utc_now(), question, answer, citations_json, _check_verdict(verdict), comment or "")
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, question, answer, citations_json, verdict, comment)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid or 0)

    def update(self, row_id: int, *, verdict: str | None = None, comment: str | None = None) -> None:
        """Change a stored rating: the reader flipped the thumb or added a comment."""
        with self._connect() as conn:
            if verdict is not None:
                conn.execute(
                    "UPDATE feedback SET verdict = ? WHERE id = ?", (_check_verdict(verdict), row_id)
                )
            if comment is not None:
                conn.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, row_id))

    def delete(self, row_id: int) -> None:
        """Forget a rating the reader withdrew (clicked the selected thumb again)."""
        with self._connect() as conn:
            conn.execute("DELETE FROM feedback WHERE id = ?", (row_id,))

    def rows(self) -> list[dict[str, Any]]:
        """Every rating, oldest first."""
        if not self.path.exists():
            return []
        with self._connect() as conn:
            cursor = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id")
            return [dict(zip(COLUMNS, row)) for row in cursor.fetchall()]

    def to_csv(self) -> str:
        """Every rating as CSV text with a header row (formula-like cells made inert)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for row in self.rows():
            writer.writerow([csv_cell(row[column]) for column in COLUMNS])
        return buffer.getvalue()
