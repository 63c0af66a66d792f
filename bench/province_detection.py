"""Province detection on the question sets and the dev plans, and what a change did to it.

    python bench/province_detection.py snapshot OUT.json     # with the `qa` first on sys.path
    python bench/province_detection.py compare BEFORE.json AFTER.json

A snapshot records the provinces ``qa.retrieval.query.analyse`` finds in every question of
``eval/questions.jsonl`` and ``eval/questions_dev_en.jsonl``, and the province
``qa.documents.ingest.detect_province`` gives each bundled document and each dev-province plan
of ``../shared/plans`` (read with no catalogue, so the text decides). Run it once with
the old code and once with the new, then compare.

The comparison prints dev questions one by one and test questions only as a count:
the test split is for reporting, never for choosing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION_SETS = (ROOT / "eval" / "questions.jsonl", ROOT / "eval" / "questions_dev_en.jsonl")
PLANS = ROOT.parent / "shared" / "plans"
#: The plans set is split by province; only these may be read while developing.
DEV_PROVINCES = frozenset(
    "ba_ria_vung_tau bac_lieu binh_dinh binh_thuan da_nang dong_thap ha_nam hai_phong hung_yen "
    "lang_son ninh_binh quang_binh thai_nguyen tp_ho_chi_minh vinh_phuc".split())


def _plan_files() -> list[Path]:
    if not PLANS.is_dir():
        return []
    return sorted(p for p in PLANS.glob("*.txt") if p.stem.rsplit("_", 1)[0] in DEV_PROVINCES)


def snapshot() -> dict:
    """Detected provinces of every question and document, with the code on sys.path."""
    from qa.documents.ingest import detect_province, load_document
    from qa.retrieval.provinces import find_provinces
    from qa.retrieval.query import analyse

    questions = {}
    for path in QUESTION_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            found = analyse(q["question"], {}).provinces
            questions[q["id"]] = {"split": q["split"], "question": q["question"], "provinces": list(found)}
    documents = {}
    mentions = {}
    bundled = ROOT / "documents"
    for folder, files in ((bundled, sorted(bundled.glob("*.txt"))), (PLANS, _plan_files())):
        for path in files:
            doc = load_document(path, folder, {})
            documents[f"{folder.name}/{path.name}"] = detect_province(doc.title, doc.text)
            mentions[f"{folder.name}/{path.name}"] = dict(find_provinces(doc.text, case_sensitive=True))
    return {"questions": questions, "documents": documents, "mentions": mentions}


def compare(before: dict, after: dict) -> str:
    """The questions and documents whose detected provinces changed, as text."""
    lines = []
    changed_test = 0
    changed_dev = []
    for qid, old in before["questions"].items():
        new = after["questions"][qid]
        if old["provinces"] == new["provinces"]:
            continue
        if old["split"] == "test":
            changed_test += 1
        else:
            changed_dev.append(f"  {qid}: {old['provinces']} -> {new['provinces']}  {old['question']}")
    n_dev = sum(1 for q in before["questions"].values() if q["split"] != "test")
    n_test = len(before["questions"]) - n_dev
    lines.append(f"dev questions whose provinces changed: {len(changed_dev)} of {n_dev}")
    lines.extend(changed_dev)
    lines.append(f"test questions whose provinces changed: {changed_test} of {n_test} (count only)")
    docs = [f"  {name}: {before['documents'][name]} -> {after['documents'][name]}"
            for name in before["documents"] if before["documents"][name] != after["documents"].get(name)]
    lines.append(f"documents whose province changed: {len(docs)} of {len(before['documents'])}")
    lines.extend(docs)
    counts = [f"  {name}: {_counts(before['mentions'][name])} -> {_counts(after['mentions'][name])}"
              for name in before.get("mentions", {}) if before["mentions"][name] != after["mentions"].get(name)]
    lines.append(f"documents whose province mentions changed: {len(counts)}")
    lines.extend(counts)
    return "\n".join(lines)


def _counts(mentions: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(mentions.items(), key=lambda kv: -kv[1])) or "none"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "snapshot":
        Path(argv[1]).write_text(json.dumps(snapshot(), ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        before, after = (json.loads(Path(p).read_text(encoding="utf-8")) for p in argv[1:])
        print(compare(before, after))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
