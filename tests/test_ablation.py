"""The eval-only glossary ablation drops what it says, deterministically, and shapes no index."""

from __future__ import annotations

import pytest

from eval import ablation
from qa.retrieval import glossary as g


@pytest.fixture(autouse=True)
def _restore():
    yield
    ablation.restore_glossary()


def test_parse_spec() -> None:
    assert ablation.parse_spec("0.3:2") == (0.3, 2)
    assert ablation.parse_spec("0.5") == (0.5, 0)
    with pytest.raises(ValueError):
        ablation.parse_spec("1.5:1")


def test_drop_removes_the_stated_fraction_deterministically() -> None:
    full = dict(g.glossary())
    gone = ablation.drop_glossary(0.3, 1)
    assert len(gone) == round(0.3 * len(full))
    assert set(g.glossary()) == set(full) - gone
    assert ablation.dropped_rows(full, 0.3, 1) == gone  # same seed, same rows
    assert ablation.dropped_rows(full, 0.3, 2) != gone
    # a second drop starts again from the full glossary rather than compounding
    again = ablation.drop_glossary(0.3, 1)
    assert again == gone and len(g.glossary()) == len(full) - len(gone)


def test_a_dropped_phrase_no_longer_translates() -> None:
    full = dict(g.glossary())
    phrase = "digital transformation"
    assert phrase in full and g.translate(phrase).terms
    seed = next(s for s in range(200) if phrase in ablation.dropped_rows(full, 0.3, s))
    ablation.drop_glossary(0.3, seed)
    assert not any(set(m) == set(full[phrase]) for m in g.translate(phrase).matches)
    ablation.restore_glossary()
    assert len(g.glossary()) == len(full) and g.translate(phrase).terms


def test_drop_leaves_the_index_shaping_digest_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # the BM25 tokenizer version and the index manifest hash the files on disk: an ablated run
    # must neither rebuild nor overwrite the cached indexes of the full glossary
    before = g.data_digest()
    monkeypatch.setenv(ablation.ENV, "0.3:1")
    gone = ablation.apply_from_env()
    assert gone and g.data_digest() == before


def test_nothing_is_dropped_without_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ablation.ENV, raising=False)
    n = len(g.glossary())
    assert ablation.apply_from_env() == frozenset() and len(g.glossary()) == n
