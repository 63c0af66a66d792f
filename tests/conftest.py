"""Shared fixtures: one assistant over the bundled documents, built once per test session."""

from __future__ import annotations


import pytest

from qa.config import PROJECT_ROOT, load_settings
from qa.pipeline import Assistant

DOCUMENTS = PROJECT_ROOT / "documents"


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    index_dir = tmp_path_factory.mktemp("index")
    return Assistant.open(load_settings(documents_dir=DOCUMENTS, index_dir=index_dir))
