"""Small helpers shared by the tests."""

from __future__ import annotations

import re
from pathlib import Path

from qa.types import Answer, Citation


def first_marked(answer: Answer) -> Citation:
    """The citation the answer's first [n] marker points at."""
    match = re.search(r"\[(\d+)\]", answer.answer)
    assert match, f"no [n] marker in {answer.answer!r}"
    n = int(match.group(1))
    return next(c for c in answer.citations if c.n == n)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
