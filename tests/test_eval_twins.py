"""Folded twins (eval/twins.py): the twin a user types without diacritics, and the
comparison of originals against twins through the real runner."""

from __future__ import annotations

from typing import Any

from eval import metrics, runner, twins
from qa.types import Answer


def _question(ident: str, text: str, lang: str = "vi", answers: list[str] | None = None) -> dict[str, Any]:
    return {"id": ident, "question": text, "lang": lang, "kind": "fact",
            "answers": answers if answers is not None else ["Hà Tĩnh"], "evidence": "", "split": "dev"}


def test_a_twin_is_folded_as_typed_with_case_punctuation_and_gold_kept() -> None:
    original = _question("q1", "Đồng Nai đặt mục tiêu gì về 5G, năm 2025?", answers=["Đồng Nai"])
    twin = twins.fold_twin(original)
    assert twin["question"] == "Dong Nai dat muc tieu gi ve 5G, nam 2025?"
    assert twin["id"] == "q1~fold" and twin["twin_of"] == "q1" and twin["lang"] == "vi-nodiac"
    assert twin["answers"] == ["Đồng Nai"] and twin["split"] == "dev"
    assert original["question"].startswith("Đồng")  # the original is not changed


def test_only_vietnamese_with_diacritics_gets_a_twin() -> None:
    questions = [_question("a", "Tỉnh nào?"), _question("b", "Tinh nao?", lang="vi-nodiac"),
                 _question("c", "Which province?", lang="en")]
    both = twins.with_twins(questions)
    assert [q["id"] for q in both] == ["a", "a~fold"]


class _DiacriticsOnly:
    """Answers right only when the question carries diacritics."""

    def ask(self, question: str, mode: str = "hybrid", k: int = 5, id: str | None = None) -> Answer:
        text = "Hà Tĩnh [1]" if question != twins.fold(question) else "không rõ"
        return Answer(question=question, answer=text, citations=[], retrieved=[], abstained=False)


def test_the_runner_reports_a_pair_right_as_written_and_wrong_folded_as_lost() -> None:
    questions = twins.with_twins([_question("q1", "Tỉnh nào dẫn đầu?")])
    run = runner.run_benchmark(questions, _DiacriticsOnly(), ("hybrid",), fold_twins=True)
    comparison = run["twins"]["hybrid"]
    assert comparison["pairs"] == 1
    assert comparison["right_original"] == 1.0 and comparison["right_twin"] == 0.0
    assert [e["id"] for e in comparison["lost"]] == ["q1"] and comparison["gained"] == []
    assert "LOST q1" in twins.table("plans", "hybrid", comparison)


def test_an_unanswerable_pair_is_right_when_refused() -> None:
    question = _question("u", "Tỉnh nào?", answers=[]) | {"kind": "unanswerable"}
    refused = metrics.Result(answer="", abstained=True)
    assert twins.is_right(metrics.Record(question, refused), "facts")
    assert not twins.is_right(metrics.Record(question, metrics.Result(answer="x", abstained=False)), "facts")


def test_a_lower_twin_is_folded_lower_cased_and_loses_its_final_question_mark() -> None:
    assert twins.typed("Đồng Nai đạt bao nhiêu %? ", "lower") == "dong nai dat bao nhieu %"
    assert twins.typed("Đồng Nai, Hà Tĩnh?", "folded") == "Dong Nai, Ha Tinh?"
