"""The reader's fit: the held-out report scores each collection with a model fitted on the others."""

from __future__ import annotations

import numpy as np

from eval.fit_reader import QuestionExamples, held_out
from qa.answering.reader import FEATURES

COVERAGE = list(FEATURES).index("coverage")


def _question(collection: str, i: int, right_has_coverage: bool) -> QuestionExamples:
    """Three candidates; the one that holds the answer has full coverage (or, reversed, none)."""
    x = np.zeros((3, len(FEATURES)))
    x[:, COVERAGE] = [0.2, 0.3, 0.1]
    right = i % 3
    x[right, COVERAGE] = 1.0 if right_has_coverage else 0.0
    y = np.zeros(3)
    y[right] = 1.0
    return QuestionExamples(collection, f"{collection}{i}", True, x, y)


def test_a_collection_is_scored_by_a_model_fitted_on_the_others():
    examples = [_question(name, i, True) for name in ("a", "b") for i in range(12)]
    examples += [_question("odd", i, False) for i in range(12)]
    scores = held_out(examples)
    assert set(scores) == {"a", "b", "odd"}
    assert scores["a"] == scores["b"] == 1.0, "what a and b share is learned from the other"
    assert scores["odd"] < 0.5, "a collection that rewards the opposite is not learned from the others"
