"""Promises kept by the benchmark question sets: eval/questions.jsonl (and its extra
English dev file) over the bundled documents, and eval/questions_plans.jsonl over the
plan excerpts in shared/plans.

The set is graded extractively: an answer counts as right when one of the
question's ``answers`` strings occurs in it, and every answerable question
points at the one passage (``evidence``) of one plan that supports it. These
tests hold the file to that contract against the raw scraped documents.

Standard library + pytest, and qa.retrieval.provinces to recognise the province a plans question
names (with or without diacritics).
"""

import json
import os
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from qa.retrieval.provinces import find_provinces

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS_FILE = ROOT / "eval" / "questions.jsonl"
# Extra English dev questions, paraphrased away from the plans' wording: tuning data kept
# apart so that the main set stays balanced across languages. Same schema and checks.
EXTRA_FILE = ROOT / "eval" / "questions_dev_en.jsonl"
FILES = [QUESTIONS_FILE, EXTRA_FILE]
DOCUMENTS_DIR = ROOT / "documents"
CATALOG_FILE = DOCUMENTS_DIR / "catalog.json"

SCHEMA_KEYS = ["id", "question", "lang", "kind", "answers", "evidence", "split"]
LANGS = ("vi", "vi-nodiac", "en")
KINDS = ("fact", "list", "compare", "unanswerable")
SPLITS = ("dev", "test")

MIN_QUESTIONS = 150
MIN_UNANSWERABLE_SHARE = 0.15
EVIDENCE_MIN_CHARS, EVIDENCE_MAX_CHARS = 30, 250
# Answerable fact/list questions that name no province must stay an exception.
MAX_UNNAMED_SHARE = 0.05

# The catalogue leaves `province` null for two files ("detected from the text at
# ingestion"). The benchmark pins them here; a test checks each name really
# occurs in its document and that the catalogue, if it is ever filled in, agrees.
PROVINCE_OF_UNLABELLED_FILE = {
    "001_1581d79c7b3d0917.txt": "Nam Định",
    "003_1d65308af9f630d2.txt": "Bến Tre",
}

# Scraped junk that must never be quoted as evidence.
JUNK_MARKERS = (
    "truc tiep bong da",
    "kq bd fa",
    "{keywords}",
    "No comments",
    "Post a Comment",
    "Chia sẻ bài viết",
    "BÌNH LUẬN",
    "ảngNamưutiên",
    "àTĩnhmuốn",
)


# ---------------------------------------------------------------- helpers
def fold(text):
    """Lowercase, strip Vietnamese diacritics, map đ/Đ to d."""
    decomposed = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def has_vietnamese_marks(text):
    decomposed = unicodedata.normalize("NFD", text)
    return any(unicodedata.category(c) == "Mn" for c in decomposed) or "đ" in text or "Đ" in text


def count_occurrences(needle, haystack):
    """Occurrences of needle in haystack, overlapping ones included."""
    count, start = 0, haystack.find(needle)
    while start != -1:
        count += 1
        start = haystack.find(needle, start + 1)
    return count


@lru_cache(maxsize=None)
def documents():
    """File name -> raw text, exactly as scraped."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(DOCUMENTS_DIR.glob("*.txt"))}


@lru_cache(maxsize=None)
def catalog():
    return json.loads(CATALOG_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def province_of_document():
    """File name -> province, from the catalogue, else from the pinned table."""
    result = {}
    for name in documents():
        entry = catalog().get(name) or {}
        result[name] = entry.get("province") or PROVINCE_OF_UNLABELLED_FILE.get(name)
    return result


@lru_cache(maxsize=None)
def provinces():
    return sorted({p for p in province_of_document().values() if p})


def provinces_named_in(text):
    folded = fold(text)
    return [p for p in provinces() if re.search(r"\b" + re.escape(fold(p)) + r"\b", folded)]


def documents_containing(evidence):
    return {name: count_occurrences(evidence, text) for name, text in documents().items() if evidence in text}


def load_lines(path=QUESTIONS_FILE):
    if not path.exists():
        return []
    return path.read_text(encoding="utf-8").splitlines()


def load_questions(path=QUESTIONS_FILE):
    """Parsed questions; lines that do not parse are skipped here and failed by the schema test."""
    questions = []
    for line in load_lines(path):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            questions.append(obj)
    return questions


QUESTIONS = load_questions()  # the main set: its counts are checked
ALL_QUESTIONS = QUESTIONS + load_questions(EXTRA_FILE)  # every question: each one is checked
ANSWERABLE = [q for q in ALL_QUESTIONS if q.get("kind") != "unanswerable"]
UNANSWERABLE = [q for q in ALL_QUESTIONS if q.get("kind") == "unanswerable"]


def by_id(questions):
    return pytest.mark.parametrize("q", questions, ids=[str(q.get("id")) for q in questions])


# ---------------------------------------------------------------- file and schema
def test_the_question_file_exists_and_is_not_empty():
    assert QUESTIONS_FILE.exists(), f"missing {QUESTIONS_FILE}"
    assert load_lines(), "eval/questions.jsonl is empty"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_line_is_a_json_object_with_exactly_the_schema_keys_and_valid_values(path):
    problems = []
    for number, line in enumerate(load_lines(path), 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not JSON ({exc})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"line {number}: not a JSON object")
            continue
        if list(obj) != SCHEMA_KEYS:
            problems.append(f"line {number}: keys {list(obj)} != {SCHEMA_KEYS}")
            continue
        if not (isinstance(obj["id"], str) and re.fullmatch(r"q\d{3,}", obj["id"])):
            problems.append(f"line {number}: bad id {obj['id']!r}")
        if not (isinstance(obj["question"], str) and obj["question"].strip()):
            problems.append(f"line {number}: empty question")
        if obj["lang"] not in LANGS:
            problems.append(f"line {number}: lang {obj['lang']!r}")
        if obj["kind"] not in KINDS:
            problems.append(f"line {number}: kind {obj['kind']!r}")
        if obj["split"] not in SPLITS:
            problems.append(f"line {number}: split {obj['split']!r}")
        if not (isinstance(obj["answers"], list) and all(isinstance(a, str) and a for a in obj["answers"])):
            problems.append(f"line {number}: answers must be a list of non-empty strings")
        if not isinstance(obj["evidence"], str):
            problems.append(f"line {number}: evidence must be a string")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_file_is_utf8_with_unescaped_vietnamese(path):
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert "\\u" not in text, "write with ensure_ascii=False so the Vietnamese text stays readable"


def test_ids_are_unique():
    counts = Counter(q["id"] for q in ALL_QUESTIONS)
    assert not [i for i, n in counts.items() if n > 1], "duplicate ids"


def test_no_question_is_asked_twice():
    counts = Counter(q["question"].strip() for q in ALL_QUESTIONS)
    assert not [t for t, n in counts.items() if n > 1]


# ---------------------------------------------------------------- counts
def test_there_are_at_least_150_questions():
    assert len(QUESTIONS) >= MIN_QUESTIONS, len(QUESTIONS)


def test_each_language_makes_up_at_least_a_third_of_the_set():
    counts = Counter(q["lang"] for q in QUESTIONS)
    floor_third = len(QUESTIONS) // 3
    for lang in LANGS:
        assert counts[lang] >= floor_third, f"{lang}: {counts[lang]} < {floor_third} ({dict(counts)})"


def test_at_least_15_percent_of_questions_are_unanswerable():
    share = sum(q.get("kind") == "unanswerable" for q in QUESTIONS) / len(QUESTIONS)
    assert share >= MIN_UNANSWERABLE_SHARE, f"{share:.1%}"


def test_both_splits_exist_and_each_holds_every_kind_and_language():
    for split in SPLITS:
        in_split = [q for q in QUESTIONS if q["split"] == split]
        assert in_split, f"no {split} questions"
        assert {q["kind"] for q in in_split} == set(KINDS), (split, Counter(q["kind"] for q in in_split))
        assert {q["lang"] for q in in_split} == set(LANGS), (split, Counter(q["lang"] for q in in_split))


# ---------------------------------------------------------------- documents
def test_every_document_has_a_province_named_in_its_own_text():
    assert documents(), "no documents found"
    for name, text in documents().items():
        province = province_of_document()[name]
        assert province, f"{name}: no province in the catalogue or the pinned table"
        assert province in text, f"{name}: {province} never occurs in the text"


def test_pinned_provinces_agree_with_the_catalogue_when_it_has_one():
    for name, province in PROVINCE_OF_UNLABELLED_FILE.items():
        listed = (catalog().get(name) or {}).get("province")
        assert listed in (None, province), f"{name}: catalogue says {listed}, table says {province}"


# ---------------------------------------------------------------- evidence and answers
@by_id(ANSWERABLE)
def test_every_evidence_string_occurs_once_in_the_document_of_the_province_it_names(q):
    evidence = q["evidence"]
    assert evidence, "answerable question without evidence"
    found = documents_containing(evidence)
    total = sum(found.values())
    assert total == 1, f"evidence occurs {total} times across the documents: {found}"
    (document,) = found
    named = provinces_named_in(q["question"])
    if len(named) == 1:
        assert province_of_document()[document] == named[0], (
            f"question names {named[0]} but evidence is from {document} ({province_of_document()[document]})"
        )


@by_id(ANSWERABLE)
def test_evidence_stays_inside_one_sentence_of_reasonable_length(q):
    evidence = q["evidence"]
    assert EVIDENCE_MIN_CHARS <= len(evidence) <= EVIDENCE_MAX_CHARS, len(evidence)
    assert "\n" not in evidence, "evidence crosses a line break"
    assert ". " not in evidence, "evidence crosses a sentence end"


@by_id(ANSWERABLE)
def test_evidence_quotes_no_scraped_junk(q):
    hits = [m for m in JUNK_MARKERS if m.lower() in q["evidence"].lower()]
    assert not hits, hits


@by_id([q for q in ANSWERABLE if q["kind"] != "compare"])
def test_every_answer_string_is_quoted_in_its_evidence(q):
    assert q["answers"], "answerable question without answers"
    missing = [a for a in q["answers"] if a not in q["evidence"]]
    assert not missing, f"not in evidence: {missing}"


@by_id([q for q in ANSWERABLE if q["kind"] == "compare"])
def test_compare_answers_are_provinces_whose_document_holds_the_evidence(q):
    assert q["answers"], "compare question without an answer"
    found = documents_containing(q["evidence"])
    assert len(found) == 1, found
    (document,) = found
    for answer in q["answers"]:
        assert answer in provinces(), f"{answer!r} is not a province of the collection"
        assert province_of_document()[document] == answer, (
            f"answer {answer} but evidence is from {document} ({province_of_document()[document]})"
        )


@by_id(UNANSWERABLE)
def test_unanswerable_questions_have_empty_answers_and_evidence(q):
    assert q["answers"] == []
    assert q["evidence"] == ""


def test_answerable_questions_almost_always_name_their_province():
    specific = [q for q in ANSWERABLE if q["kind"] in ("fact", "list")]
    unnamed = [q["id"] for q in specific if not provinces_named_in(q["question"])]
    assert len(unnamed) <= MAX_UNNAMED_SHARE * len(specific), unnamed


# ---------------------------------------------------------------- languages
@by_id([q for q in QUESTIONS if q["lang"] == "vi-nodiac"])
def test_vi_nodiac_questions_carry_no_diacritics(q):
    assert not has_vietnamese_marks(q["question"]), q["question"]


@by_id([q for q in QUESTIONS if q["lang"] == "vi"])
def test_vi_questions_are_written_with_diacritics(q):
    assert has_vietnamese_marks(q["question"]), q["question"]


# ================================================================ the plans set
# eval/questions_plans.jsonl asks about the 60 real plan excerpts in <repo>/../shared/plans
# (or $QA_SHARED_DIR/plans). That text is test data read at run time, never copied here,
# so the checks that read it skip when it is absent; the schema and counts do not need it.
# The split is by province (eval/README.md says how it was fixed): no plan of a test
# province is ever used to choose anything.

PLANS_QUESTIONS_FILE = ROOT / "eval" / "questions_plans.jsonl"
SHARED_DIR = Path(os.environ.get("QA_SHARED_DIR") or ROOT.parent / "shared")
PLANS_DIR = SHARED_DIR / "plans"
needs_plans = pytest.mark.skipif(not (PLANS_DIR / "catalog.json").exists(),
                                 reason=f"the plans set is not at {PLANS_DIR} (set QA_SHARED_DIR)")

# Position in the alphabetical list of the provinces' file-name stems decides the split:
# 2nd, 4th, 6th ... are dev, 1st, 3rd, 5th ... are test. Fixed before any question was written.
DEV_PROVINCE_STEMS = (
    "ba_ria_vung_tau", "bac_lieu", "binh_dinh", "binh_thuan", "da_nang", "dong_thap", "ha_nam",
    "hai_phong", "hung_yen", "lang_son", "ninh_binh", "quang_binh", "thai_nguyen", "tp_ho_chi_minh",
    "vinh_phuc",
)
TEST_PROVINCE_STEMS = (
    "an_giang", "bac_kan", "bac_ninh", "binh_phuoc", "can_tho", "dak_lak", "ha_giang", "ha_noi",
    "hoa_binh", "khanh_hoa", "long_an", "phu_yen", "quang_tri", "tien_giang", "tra_vinh",
)
# Unanswerable questions about provinces with no plan in the set: each such province is
# given to one split, so that none is asked about in both.
ABSENT_PROVINCE_SPLIT = {
    "Cà Mau": "dev", "Nghệ An": "dev", "Quảng Ninh": "dev", "Gia Lai": "dev",
    "Lào Cai": "test", "Thanh Hóa": "test", "Kiên Giang": "test", "Sơn La": "test",
}
PLANS_EVIDENCE_MIN_CHARS = 10  # "Số: 72/KH-UBND": a document number stands on a line of its own
# A flattened table puts each cell on its own line: the answer of a table row may follow
# its label (the evidence) by this many characters.
TABLE_ROW_REACH = 400

PLANS_QUESTIONS = load_questions(PLANS_QUESTIONS_FILE)
PLANS_ANSWERABLE = [q for q in PLANS_QUESTIONS if q.get("kind") != "unanswerable"]


@lru_cache(maxsize=None)
def plans_texts():
    """File name -> raw text of every plan excerpt, exactly as published."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(PLANS_DIR.glob("*.txt"))}


@lru_cache(maxsize=None)
def plans_province_of_file():
    """File name -> province, from the set's catalogue (a list of {file, province, ...})."""
    entries = json.loads((PLANS_DIR / "catalog.json").read_text(encoding="utf-8"))
    return {e["file"]: e["province"] for e in entries}


def province_stem(file_name):
    """'ba_ria_vung_tau_2.txt' -> 'ba_ria_vung_tau'."""
    return file_name.rsplit("_", 1)[0]


def split_of_stem(stem):
    return "dev" if stem in DEV_PROVINCE_STEMS else "test" if stem in TEST_PROVINCE_STEMS else None


@lru_cache(maxsize=None)
def plans_split_of_province():
    """Catalogue province name -> split."""
    return {p: split_of_stem(province_stem(f)) for f, p in plans_province_of_file().items()}


@lru_cache(maxsize=None)
def canonical_to_plans_province():
    """Canonical province name (qa.retrieval.provinces) -> the catalogue's spelling ("TP Hồ Chí Minh")."""
    result = {}
    for province in set(plans_province_of_file().values()):
        (canonical,) = find_provinces(province)
        result[canonical] = province
    return result


def named_plans_provinces(question):
    """(provinces of the set, provinces absent from it) that a question names."""
    names = find_provinces(question["question"])
    inside = {canonical_to_plans_province()[n] for n in names if n in canonical_to_plans_province()}
    return inside, {n for n in names if n not in canonical_to_plans_province()}


def plans_files_holding(evidence):
    return [name for name, text in plans_texts().items() if evidence in text]


def test_the_plans_question_file_exists_and_holds_at_least_150_questions():
    assert PLANS_QUESTIONS_FILE.exists(), f"missing {PLANS_QUESTIONS_FILE}"
    assert len(PLANS_QUESTIONS) >= MIN_QUESTIONS, len(PLANS_QUESTIONS)
    assert len(PLANS_QUESTIONS) == len(load_lines(PLANS_QUESTIONS_FILE)), "a line is not a JSON object"


def test_plans_lines_have_exactly_the_schema_keys_and_valid_values():
    problems = []
    for q in PLANS_QUESTIONS:
        if list(q) != SCHEMA_KEYS:
            problems.append(f"{q.get('id')}: keys {list(q)}")
            continue
        if not re.fullmatch(r"p\d{3,}", str(q["id"])):
            problems.append(f"bad id {q['id']!r}")
        if q["lang"] not in LANGS or q["kind"] not in KINDS or q["split"] not in SPLITS:
            problems.append(f"{q['id']}: lang/kind/split {q['lang']!r} {q['kind']!r} {q['split']!r}")
        if not (isinstance(q["answers"], list) and all(isinstance(a, str) and a for a in q["answers"])):
            problems.append(f"{q['id']}: answers must be a list of non-empty strings")
        if not isinstance(q["evidence"], str) or not q["question"].strip():
            problems.append(f"{q['id']}: empty question or evidence not a string")
    assert not problems, "\n".join(problems)
    assert "\\u" not in PLANS_QUESTIONS_FILE.read_text(encoding="utf-8")


def test_plans_ids_and_questions_are_unique_across_every_question_file():
    ids = Counter(q["id"] for q in ALL_QUESTIONS + PLANS_QUESTIONS)
    texts = Counter(q["question"].strip() for q in PLANS_QUESTIONS)
    assert not [i for i, n in ids.items() if n > 1]
    assert not [t for t, n in texts.items() if n > 1]


def test_plans_languages_are_a_third_each_and_15_percent_are_unanswerable():
    counts = Counter(q["lang"] for q in PLANS_QUESTIONS)
    for lang in LANGS:
        assert counts[lang] >= len(PLANS_QUESTIONS) // 3, dict(counts)
    share = sum(q["kind"] == "unanswerable" for q in PLANS_QUESTIONS) / len(PLANS_QUESTIONS)
    assert share >= MIN_UNANSWERABLE_SHARE, f"{share:.1%}"


def test_plans_splits_each_hold_every_kind_and_language():
    for split in SPLITS:
        in_split = [q for q in PLANS_QUESTIONS if q["split"] == split]
        assert {q["kind"] for q in in_split} == set(KINDS), (split, Counter(q["kind"] for q in in_split))
        assert {q["lang"] for q in in_split} == set(LANGS), (split, Counter(q["lang"] for q in in_split))


@by_id([q for q in PLANS_QUESTIONS if q.get("lang") == "vi-nodiac"])
def test_plans_vi_nodiac_questions_carry_no_diacritics(q):
    assert not has_vietnamese_marks(q["question"]), q["question"]


@by_id([q for q in PLANS_QUESTIONS if q.get("lang") == "vi"])
def test_plans_vi_questions_are_written_with_diacritics(q):
    assert has_vietnamese_marks(q["question"]), q["question"]


@by_id([q for q in PLANS_QUESTIONS if q.get("kind") == "unanswerable"])
def test_plans_unanswerable_questions_have_empty_answers_and_evidence(q):
    assert (q["answers"], q["evidence"]) == ([], "")


@by_id(PLANS_ANSWERABLE)
def test_plans_evidence_is_short_text_within_one_sentence(q):
    evidence = q["evidence"]
    assert PLANS_EVIDENCE_MIN_CHARS <= len(evidence) <= EVIDENCE_MAX_CHARS, len(evidence)
    assert "\n" not in evidence and ". " not in evidence
    assert not evidence.startswith("|") and not evidence.endswith("|"), "a table's layout is not evidence"


@needs_plans
def test_the_split_follows_the_alphabetical_positions_of_the_province_files():
    stems = sorted({province_stem(name) for name in plans_province_of_file()})
    assert tuple(stems[1::2]) == DEV_PROVINCE_STEMS
    assert tuple(stems[0::2]) == TEST_PROVINCE_STEMS
    assert set(plans_texts()) == set(plans_province_of_file()), "catalogue and files disagree"


@needs_plans
@by_id(PLANS_ANSWERABLE)
def test_plans_evidence_is_on_one_line_of_the_plan_of_the_province_the_question_names(q):
    evidence = q["evidence"]
    holders = plans_files_holding(evidence)
    assert holders, "evidence occurs in no plan"
    provinces = {plans_province_of_file()[name] for name in holders}
    assert len(provinces) == 1, f"evidence occurs in plans of {provinces}"
    (province,) = provinces
    assert any(evidence in line for name in holders for line in plans_texts()[name].splitlines()), \
        "evidence crosses a line break"
    inside, _ = named_plans_provinces(q)
    if q["kind"] != "compare" and len(inside) == 1:
        assert inside == {province}, f"question names {inside}, evidence is from {province}"
    if q["kind"] == "compare" and inside:
        assert province in inside, f"compare names {inside}, evidence is from {province}"
    if inside or q["kind"] != "compare":  # an open comparison is a test question (checked below)
        expected = plans_split_of_province()[province]
        assert q["split"] == expected, f"{province} is a {expected} province"


@needs_plans
@by_id([q for q in PLANS_ANSWERABLE if q.get("kind") != "compare"])
def test_plans_answers_are_quoted_in_the_evidence_or_the_table_row_it_labels(q):
    name = plans_files_holding(q["evidence"])[0]
    text = plans_texts()[name]
    start = text.find(q["evidence"])
    reach = text[start: start + len(q["evidence"]) + TABLE_ROW_REACH]
    first, *alternatives = q["answers"]
    assert first in reach, f"{first!r} is neither in the evidence nor in the row it labels"
    province = plans_province_of_file()[name]
    same_province = [t for n, t in plans_texts().items() if plans_province_of_file()[n] == province]
    for answer in alternatives:  # another spelling of the same fact, from the same province's plans
        assert answer in reach or any(answer in t for t in same_province), answer


@needs_plans
@by_id([q for q in PLANS_ANSWERABLE if q.get("kind") == "compare"])
def test_plans_compare_answers_name_the_province_whose_plan_holds_the_evidence(q):
    name = plans_files_holding(q["evidence"])[0]
    province = plans_province_of_file()[name]
    assert all(answer in province for answer in q["answers"]), (q["answers"], province)


@needs_plans
@by_id(PLANS_QUESTIONS)
def test_plans_split_is_the_split_of_every_province_the_question_names(q):
    inside, absent = named_plans_provinces(q)
    splits = {plans_split_of_province()[p] for p in inside} | {ABSENT_PROVINCE_SPLIT.get(p, "?") for p in absent}
    if splits:
        assert splits == {q["split"]}, (inside, absent, q["split"])
    else:  # an open comparison draws on every province's plans, test ones included
        assert q["kind"] == "compare" and q["split"] == "test"


@needs_plans
def test_plans_answerable_fact_and_list_questions_almost_always_name_their_province():
    specific = [q for q in PLANS_ANSWERABLE if q["kind"] in ("fact", "list")]
    unnamed = [q["id"] for q in specific if not named_plans_provinces(q)[0]]
    assert len(unnamed) <= MAX_UNNAMED_SHARE * len(specific), unnamed


@needs_plans
@by_id([q for q in PLANS_QUESTIONS if q.get("kind") == "unanswerable"])
def test_plans_unanswerable_questions_name_one_province(q):
    inside, absent = named_plans_provinces(q)
    assert len(inside | absent) == 1, (inside, absent)


# ================================================================ follow-ups on the plans set

PLANS_FOLLOWUP_FILE = ROOT / "eval" / "questions_followup_plans.jsonl"


def test_plans_follow_up_conversations_load_and_are_all_dev():
    from eval import followup

    conversations, problems = followup.load_conversations(PLANS_FOLLOWUP_FILE)
    assert problems == []
    assert len(conversations) >= 20 and all(2 <= len(c) <= 3 for c in conversations)
    assert {t["split"] for c in conversations for t in c} == {"dev"}, "a dev-province file: never a test split"
    assert {c[0]["lang"] for c in conversations} == {"vi", "vi-nodiac", "en"}


@needs_plans
def test_plans_follow_up_evidence_is_in_a_dev_province_plan():
    from eval import followup

    conversations, _ = followup.load_conversations(PLANS_FOLLOWUP_FILE)
    for turn in (t for c in conversations for t in c if t["evidence"]):
        holders = plans_files_holding(turn["evidence"])
        assert holders, turn["id"]
        assert {plans_split_of_province()[plans_province_of_file()[n]] for n in holders} == {"dev"}, turn["id"]


def test_the_follow_up_runner_opens_the_collection_set_picks():
    from eval import followup

    opened = []
    args = followup.build_parser().parse_args(["--set", "plans", "--questions", str(PLANS_FOLLOWUP_FILE)])
    assert args.collection == "plans"
    assert followup.main(["--set", "plans", "--questions", str(PLANS_FOLLOWUP_FILE), "--split", "test"],
                         open_answerer=opened.append) == 2, "no test conversations: a usage error"
    assert opened == [], "nothing opened before the conversations are known"
    assert followup.build_parser().parse_args([]).collection == "articles"
