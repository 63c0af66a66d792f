"""The dense index: exact below the size threshold, approximate above it, and the
approximate one finds what the exact one finds."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import qa.indexing.index
from qa.indexing import vectors
from qa.config import PROJECT_ROOT, load_settings
from qa.pipeline import Assistant


def clustered_vectors(n: int, dim: int = 64, seed: int = 3) -> np.ndarray:
    """Normalised mixtures of a few hundred base directions, slightly perturbed: the
    shape of real passage embeddings (clusters and near neighbours), not uniform noise."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((300, dim)).astype(np.float32)
    picks = rng.integers(0, len(base), (n, 3))
    weights = rng.dirichlet(np.ones(3), n).astype(np.float32)
    x = np.einsum("nk,nkd->nd", weights, base[picks]) + 0.05 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_below_the_threshold_the_index_is_exact_and_above_it_approximate():
    x = clustered_vectors(3000)
    settings = load_settings(ann_min_chunks=2000)
    assert vectors.kind(vectors.build(x[:1999], settings.ann_min_chunks)) == vectors.FLAT
    assert vectors.kind(vectors.build(x, settings.ann_min_chunks)) == vectors.IVF_FP16
    assert vectors.kind(vectors.build(x, load_settings().ann_min_chunks)) == vectors.FLAT  # default: 250k


def test_the_approximate_index_finds_the_exact_best_chunk():
    x = clustered_vectors(5000)
    exact = vectors.build(x, ann_min_chunks=10**9)
    approximate = vectors.build(x, ann_min_chunks=1000)
    rng = np.random.default_rng(4)
    questions = x[rng.choice(len(x), 50, replace=False)] + 0.02 * rng.standard_normal((50, x.shape[1]))
    for q in questions.astype(np.float32):
        assert vectors.search(approximate, q, 1)[1][0] == vectors.search(exact, q, 1)[1][0]


def test_a_filtered_search_of_the_approximate_index_keeps_to_the_allowed_chunks_and_finds_their_best():
    x = clustered_vectors(5000)
    exact = vectors.build(x, ann_min_chunks=10**9)
    approximate = vectors.build(x, ann_min_chunks=1000)
    allowed = np.arange(7, len(x), 60)  # 1/60 of the collection: one province of sixty
    for q in x[:20]:
        scores, ids = vectors.search(approximate, q, 10, allowed)
        assert set(ids[ids >= 0]) <= set(allowed.tolist())
        assert ids[0] == vectors.search(exact, q, 10, allowed)[1][0]


def test_a_lowered_threshold_rebuilds_only_the_vector_index_and_the_answer_stays(assistant, tmp_path, monkeypatch):
    folder = tmp_path / "index"
    shutil.copytree(assistant.settings.index_dir, folder)
    monkeypatch.setattr(qa.indexing.index, "_embed_all", lambda texts, *a: pytest.fail("no chunk is embedded again")
                        if texts else np.zeros((0, assistant.embedder.dim), np.float32))
    settings = load_settings(documents_dir=PROJECT_ROOT / "documents", index_dir=folder, ann_min_chunks=1)
    approximate = Assistant.open(settings)
    assert vectors.kind(approximate.index.vectors) == vectors.IVF_FP16
    manifest = json.loads((folder / (folder / "CURRENT").read_text() / "manifest.json").read_text())
    assert manifest["vectors"] == vectors.IVF_FP16
    question = "What is Hà Tĩnh's 2025 e-payment target?"
    exact_answer, ann_answer = assistant.ask(question), approximate.ask(question)
    assert ann_answer.citations[0].doc_id == exact_answer.citations[0].doc_id
    assert (ann_answer.citations[0].start, ann_answer.citations[0].end) == \
        (exact_answer.citations[0].start, exact_answer.citations[0].end)
    assert ann_answer.answer == exact_answer.answer
