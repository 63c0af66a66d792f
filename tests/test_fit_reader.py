"""The reader's fit: the held-out report scores each collection with a model fitted on the others."""

from __future__ import annotations

import numpy as np

import pytest

from eval.fit_reader import QuestionExamples, fit_features, held_out
from qa.answering.reader import ANSWER_FEATURES, FEATURES, ReaderModel

COVERAGE = list(FEATURES).index("coverage")
COUNTED = list(FEATURES).index("counted_noun")


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


def test_a_feature_fitted_alone_gets_a_weight_and_leaves_the_others_as_they_were():
    """``--only``: the candidate holding the answer is the one with the new feature, so its
    weight comes out positive; every other weight is the model's, unchanged."""
    examples = []
    for i in range(12):
        e = _question("a" if i % 2 else "b", i, True)
        e.x[:, COUNTED] = 0.0
        e.x[int(np.argmax(e.y)), COUNTED] = 1.0
        examples.append(e)
    kept = {name: 0.5 for name in FEATURES if name != "counted_noun"}
    model = ReaderModel(kept, {}, 0.0, 0.5, {})
    weights = fit_features(examples, model, ["counted_noun"])
    assert weights[COUNTED] > 0.5
    assert all(weights[i] == 0.5 for i, name in enumerate(FEATURES) if name != "counted_noun")
    with pytest.raises(ValueError, match="unknown features"):
        fit_features(examples, model, ["no_such_feature"])


def _graded(collection: str, i: int, answerable: bool, top: float) -> QuestionExamples:
    """Three candidates, the one at ``i % 3`` covering ``top`` of the question; it holds the
    answer when the question is answerable."""
    x = np.zeros((3, len(FEATURES)))
    x[:, COVERAGE] = [0.2, 0.3, 0.1]
    x[i % 3, COVERAGE] = top
    y = np.zeros(3)
    y[i % 3] = float(answerable)
    return QuestionExamples(collection, f"{collection}{i}", answerable, x, y)


def test_held_out_weights_score_a_collection_at_the_threshold_fitted_on_all():
    """"held out (weights)" keeps the threshold where the product runs it (fitted on every
    collection), so it measures what the weights learned elsewhere, not the one number the
    other collections choose; "held out" fits both on the others."""
    import pytest

    from eval.fit_reader import at_threshold, fit, outcomes

    examples = [_graded(name, i, True, 1.0) for name in ("a", "b") for i in range(12)]
    examples += [_graded(name, i, False, 0.6) for name in ("a", "b") for i in range(4)]
    examples += [_graded("c", i, True, 0.6 + 0.03 * i) for i in range(12)]
    examples += [_graded("c", i, False, 0.5) for i in range(6)]
    on_all = fit(examples)[3]
    rank_weights, answer_weights, bias, on_others = fit([e for e in examples if e.collection != "c"])
    assert on_others != on_all, "the example tells the two measures apart"
    rows = outcomes([e for e in examples if e.collection == "c"], rank_weights, answer_weights, bias)
    assert held_out(examples, threshold="all")["c"] == round(at_threshold(rows, on_all)["c"]["right"], 3)
    assert held_out(examples)["c"] == round(at_threshold(rows, on_others)["c"]["right"], 3)
    with pytest.raises(ValueError):
        held_out(examples, threshold="mine")


def test_a_question_the_assistant_refuses_before_reading_counts_as_refused():
    from eval.fit_reader import answer_examples, at_threshold, outcomes
    x = np.zeros((2, len(FEATURES)))
    x[:, COVERAGE] = [1.0, 0.2]
    named_outside = QuestionExamples("a", "a0", False, x, np.zeros(2), ruled_out=True)
    read = QuestionExamples("a", "a1", False, x, np.zeros(2))
    weights = np.zeros(len(FEATURES))
    weights[COVERAGE] = 5.0
    rows = outcomes([named_outside, read], weights, np.zeros(len(ANSWER_FEATURES)), 5.0)  # the model would answer both
    assert rows[0][3] == 0.0 and rows[1][3] > 0.9
    assert at_threshold(rows, 0.5)["a"]["abstention_recall"] == 0.5
    _, _, kept = answer_examples([named_outside, read], weights)
    assert kept == [read], "the answerability model learns only from questions the reader answers"


def test_the_retrieval_cache_follows_the_settings_and_the_files_that_shape_retrieval(tmp_path):
    from types import SimpleNamespace

    from eval.fit_reader import retrieval_key
    from qa.config import load_settings

    for shaper in ("qa/retrieval", "qa/data"):
        (tmp_path / shaper).mkdir(parents=True)
    (tmp_path / "qa/retrieval/query.py").write_text("x = 1\n")
    (tmp_path / "qa/data/glossary.tsv").write_text("reach\tđạt\n")
    (tmp_path / "qa/data/reader_model.json").write_text("{}")
    assistant = SimpleNamespace(settings=load_settings())
    key = retrieval_key(assistant, 5, tmp_path)
    assert retrieval_key(assistant, 5, tmp_path) == key
    assert retrieval_key(assistant, 10, tmp_path) != key
    assert retrieval_key(SimpleNamespace(settings=load_settings(dense_weight=0.3)), 5, tmp_path) != key
    (tmp_path / "qa/data/reader_model.json").write_text('{"threshold": 0.3}')  # the reader's weights: same cache
    assert retrieval_key(assistant, 5, tmp_path) == key
    (tmp_path / "qa/data/glossary.tsv").write_text("reach\tđạt\nfocus\ttập trung\n")
    assert retrieval_key(assistant, 5, tmp_path) != key


def test_the_retrieval_sweep_counts_ranks_into_recall_and_mrr():
    import pytest

    from eval.retrieval_sweep import figures, main

    r1, r5, mrr = figures([1, 2, None, 6])
    assert (r1, r5) == (0.25, 0.5) and mrr == pytest.approx((1 + 1 / 2 + 1 / 6) / 4)
    with pytest.raises(SystemExit):
        main(["--weights", "0.5,1.5"])


def test_a_lead_in_is_labelled_by_the_items_its_answer_quotes():
    """``answered_with``: the fit labels a candidate by what an answer choosing it quotes; a
    lead-in is quoted with its items, so the gold in an item is held by the lead-in too."""
    from eval.fit_reader import answered_with, holds_gold
    from qa.answering.answer import quote_of
    from qa.answering.candidates import units
    from qa.retrieval.query import analyse
    from qa.types import Chunk, Hit
    text = ("Điều 30. Thu hồi văn bằng\n\n1. Văn bằng, chứng chỉ bị thu hồi trong các trường hợp sau đây:\n\n"
            "a) Có hành vi gian lận trong học tập;\n\nb) Cấp cho người không đủ điều kiện.\n\n"
            "2. Người có văn bằng bị thu hồi phải nộp lại văn bằng trong thời hạn 30 ngày.")
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    query = analyse("Văn bằng bị thu hồi trong những trường hợp nào?", {})
    found = units(hit, text, 1, 270)
    lead = next(c for c in found if c.kind == "item" and c.text.endswith("sau đây:"))
    assert not holds_gold(quote_of(query, lead, 270), "Có hành vi gian lận trong học tập")
    assert holds_gold(quote_of(query, answered_with(lead, text, 270, query), 270), "Có hành vi gian lận trong học tập")
    plain = next(c for c in found if c.text.startswith("2. Người có văn bằng"))
    assert answered_with(plain, text, 270, query) is plain


TYPE_MISSING = list(FEATURES).index("type_missing")


def _flagged(i: int) -> QuestionExamples:
    """Half the questions unanswerable, their chosen unit flagged ``type_missing``; coverage alike."""
    answerable = i % 2 == 0
    e = _graded("a" if i % 4 < 2 else "b", i, answerable, 0.4)
    if not answerable:
        e.x[:, TYPE_MISSING] = 1.0
    return e


def test_the_answer_model_fitted_alone_keeps_the_ranker_and_learns_its_features():
    """``--answer-only``: the answer weights come from the examples (a flag on wrong answers weighs
    against answering); ``names`` fits only those, bias and threshold kept."""
    from eval.fit_reader import fit_answer_only

    examples = [_flagged(i) for i in range(40)]
    model = ReaderModel({name: 0.5 for name in FEATURES}, {"coverage": 0.3}, -0.2, 0.4, {})
    at = list(ANSWER_FEATURES).index("type_missing")
    weights, bias, threshold = fit_answer_only(examples, model)
    assert weights[at] < 0 and 0.0 < threshold < 1.0
    weights, bias, threshold = fit_answer_only(examples, model, names=["type_missing"])
    assert weights[at] < 0 and (bias, threshold) == (-0.2, 0.4)
    assert all(w == model.answer_weights.get(n, 0.0) for n, w in zip(ANSWER_FEATURES, weights) if n != "type_missing")
    with pytest.raises(ValueError, match="unknown answer features"):
        fit_answer_only(examples, model, names=["no_such_feature"])


def test_the_threshold_is_chosen_on_the_questions_as_asked():
    """Augmented copies inform the weights, not the threshold: marking every example augmented but
    the asked ones leaves the threshold the asked ones choose."""
    from eval.fit_reader import AUGMENTED_MARK, QuestionExamples as QE, fit_answer_only, is_augmented

    asked = [_flagged(i) for i in range(40)]
    copies = [QE(e.collection, f"{e.qid}{AUGMENTED_MARK}0.3s11", True, e.x, np.ones_like(e.y)) for e in asked]
    assert all(is_augmented(e) for e in copies) and not any(is_augmented(e) for e in asked)
    model = ReaderModel({name: 0.5 for name in FEATURES}, {}, 0.0, 0.5, {})
    _, _, alone = fit_answer_only(asked, model)
    _, _, with_copies = fit_answer_only(asked + copies, model)
    assert 0.0 < alone < 1.0 and 0.0 < with_copies < 1.0


def test_augment_takes_a_fraction_and_seeds():
    from eval.fit_reader import parse_augment

    assert parse_augment("0.3:11,12,13") == (0.3, (11, 12, 13))
    with pytest.raises(ValueError):
        parse_augment("0.3")
    with pytest.raises(ValueError):
        parse_augment("0:11")
