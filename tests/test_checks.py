"""Promises kept by the floor checks in eval/checks/<name>/: each is a questions file
that the benchmark's own loader reads without a bad line, over a documents folder kept in
the repository, and graded extractively like the benchmark sets.

An answerable question points at its evidence, a verbatim piece of one line of one of the
check's documents, and each of its gold strings occurs (in the benchmark's normalised form)
in a document that holds that evidence; otherwise a right answer could not be scored right.
The data is in the repository, so nothing here skips.
"""

import re
from pathlib import Path

import pytest

from eval.metrics import normalise
from eval.runner import load_questions

CHECKS_DIR = Path(__file__).resolve().parents[1] / "eval" / "checks"
CHECKS = sorted(p.name for p in CHECKS_DIR.iterdir() if (p / "questions.jsonl").is_file())
LANGS = ("vi", "vi-nodiac", "en")
MIN_UNANSWERABLE_SHARE = 0.15


def _documents(name: str) -> dict[str, str]:
    folder = CHECKS_DIR / name / "documents"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def _questions(name: str) -> list[dict]:
    questions, problems = load_questions(CHECKS_DIR / name / "questions.jsonl")
    assert problems == []
    return questions


def test_the_unseen_provinces_check_is_in_the_repository():
    assert {"unseen", "unseen2", "unseen3", "unseen4"} <= set(CHECKS)


@pytest.mark.parametrize("name", CHECKS)
def test_every_line_of_a_check_is_read_by_the_benchmark_loader(name):
    lines = [l for l in (CHECKS_DIR / name / "questions.jsonl").read_text(encoding="utf-8").splitlines()
             if l.strip()]
    assert len(_questions(name)) == len(lines)


def _holding(evidence: str, documents: dict[str, str]) -> list[str]:
    """The documents holding ``evidence`` on one of their lines."""
    return [text for text in documents.values() if any(evidence in line for line in text.splitlines())]


@pytest.mark.parametrize("name", CHECKS)
def test_a_checks_documents_are_in_its_own_folder(name):
    documents = _documents(name)
    assert documents, f"eval/checks/{name}/documents holds no .txt file"
    assert all(text.strip() for text in documents.values())


@pytest.mark.parametrize("name", CHECKS)
def test_every_answerable_question_has_its_evidence_on_one_line_of_a_document(name):
    documents = _documents(name)
    missing = []
    for q in _questions(name):
        if q["kind"] == "unanswerable":
            assert q["answers"] == [], q["id"]
            continue
        if not q["evidence"] or not _holding(q["evidence"], documents):
            missing.append(q["id"])
    assert missing == []


@pytest.mark.parametrize("name", CHECKS)
def test_every_gold_string_occurs_in_a_document_holding_its_evidence(name):
    documents = _documents(name)
    missing = []
    for q in _questions(name):
        if q["kind"] == "unanswerable":
            continue
        holders = _holding(q["evidence"], documents)
        for gold in q["answers"]:
            if not any(normalise(gold) in normalise(text) for text in holders):
                missing.append((q["id"], gold))
    assert missing == []


@pytest.mark.parametrize("name", CHECKS)
def test_a_check_asks_in_every_language_and_holds_near_misses(name):
    questions = _questions(name)
    assert {q["lang"] for q in questions} == set(LANGS)
    unanswerable = sum(q["kind"] == "unanswerable" for q in questions)
    assert unanswerable / len(questions) >= MIN_UNANSWERABLE_SHARE


@pytest.mark.parametrize("name", CHECKS)
def test_the_checks_readme_gives_each_checks_command(name):
    readme = (CHECKS_DIR / "README.md").read_text(encoding="utf-8")
    command = (f"python -m eval --questions eval/checks/{name}/questions.jsonl "
               f"--documents eval/checks/{name}/documents")
    assert command in re.sub(r"\s+", " ", readme)
