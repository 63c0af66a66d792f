"""The domain tables (provinces, their ambiguous readings, plan vocabulary, abbreviations)
as tab-separated data files beside this module, read once and validated.

They are data, not code, so that a reviewer can read and correct them without reading
Python, and so that the index can record a digest of exactly what shaped it. A file that
is malformed stops the program with the file, the line and what is wrong.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from qa.text import normalize

DATA_DIR = Path(__file__).resolve().parent


class DataFileError(ValueError):
    """A data file of ``qa/data`` that cannot be used as it is."""

    def __init__(self, name: str, line: int | None, reason: str) -> None:
        where = f"qa/data/{name}" + (f", line {line}" if line else "")
        super().__init__(f"{where}: {reason}")
        self.name, self.line, self.reason = name, line, reason


@lru_cache(maxsize=None)
def read_rows(name: str, n_columns: int) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """The rows of a data file as (line number, cells), NFC-normalised and stripped.

    Lines that are empty or start with ``#`` are comments. A row has ``n_columns``
    tab-separated cells; trailing empty cells may be left out, but the first cell may
    not be empty.
    """
    path = DATA_DIR / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(name, None, "missing: the package was installed without its data files") from None
    rows = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [normalize(c).strip() for c in line.rstrip("\r").split("\t")]
        if len(cells) > n_columns:
            raise DataFileError(name, number, f"{len(cells)} tab-separated cells, expected at most {n_columns}")
        if not cells[0]:
            raise DataFileError(name, number, "the first cell is empty")
        rows.append((number, tuple(cells + [""] * (n_columns - len(cells)))))
    if not rows:
        raise DataFileError(name, None, "no rows")
    return tuple(rows)


def alternatives(cell: str) -> tuple[str, ...]:
    """The ``|``-separated alternatives of a cell, without empty ones."""
    return tuple(a.strip() for a in cell.split("|") if a.strip())


def digest(*names: str) -> str:
    """A short content hash of data files: a change to them changes what they shaped."""
    h = hashlib.sha256()
    for name in names:
        h.update(name.encode())
        h.update((DATA_DIR / name).read_bytes())
    return h.hexdigest()[:12]
