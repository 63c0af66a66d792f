"""A copy of ``qa/data`` that a test may break, for the data files' validation tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import qa.data


def copied_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    caches: tuple[Callable, ...]) -> Iterator[Path]:
    """Point ``qa.data`` at a copy of its files; the loaders' ``caches`` are emptied
    before and after, so that the test reads the copy and later tests the real files."""
    for path in qa.data.DATA_DIR.iterdir():
        if path.suffix in (".tsv", ".txt"):
            (tmp_path / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(qa.data, "DATA_DIR", tmp_path)
    for cache in (qa.data.read_rows, *caches):
        cache.cache_clear()  # type: ignore[attr-defined]
    yield tmp_path
    for cache in (qa.data.read_rows, *caches):
        cache.cache_clear()  # type: ignore[attr-defined]
