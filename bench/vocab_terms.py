"""Plan vocabulary from the documents' side: which frequent terms English cannot reach.

Why: ``qa/data/glossary.tsv`` grew on the dev questions' wording, so a plan that words its
targets otherwise is out of an English question's reach. This lists the Vietnamese content
terms (1-4 syllable phrases) of the lines that state indicators and targets (a %, a number
with a unit, "đạt", "phấn đấu", "mục tiêu", "chỉ tiêu", table rows) and of headings, by
document frequency, and marks those no glossary translation reaches (a term is reached when
its content syllables are covered by glossary translations found in it as whole words).

    python -m bench.vocab_terms FOLDER_OR_FILE ... [--plans ../shared/plans] [--min-docs 3]
        [--min-provinces 2] [--uncovered] [--top 300]

``--plans`` adds only the dev provinces' files of the plan excerpts (the split rule of
eval/README.md: stems sorted, every second one is dev); a test province's file is never
opened. It reads documents only, never a question file.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

from qa.documents.ingest import load_document, read_catalog
from qa.documents.structure import parse
from qa.retrieval.glossary import glossary
from qa.text import fold, is_heading, words

# Syllables that neither open nor close a content term (function words, as written).
_EDGE_STOP = frozenset("""
và của các những một trên dưới đến từ có được là cho với trong theo tại về năm đạt ít nhất
khi để do này nó thì mà hoặc cũng đã sẽ đang phải bao gồm như sau trước ra lên vào ở mỗi
toàn tất cả trở lại còn hơn phấn đấu ngày tháng quý i ii iii iv v vi kh ubnd qđ ttg nq tw
đối nhằm bằng cần gì
""".split())
_TARGET_LINE = re.compile(r"%|\d+(?:[.,]\d+)?\s*(?:tỷ|triệu|nghìn|ha|km|người|doanh nghiệp|xã|hộ|điểm)"
                          r"|\bđạt\b|phấn đấu|mục tiêu|chỉ tiêu|\|", re.IGNORECASE)


def dev_plan_files(plans_dir: Path) -> list[Path]:
    """The dev provinces' files of the plan excerpts: stems sorted, the 2nd, 4th, ... are dev."""
    stems = sorted({re.sub(r"_\d+$", "", p.stem) for p in plans_dir.glob("*.txt")})
    dev = set(stems[1::2])
    return sorted(p for p in plans_dir.glob("*.txt") if re.sub(r"_\d+$", "", p.stem) in dev)


def _documents(paths: list[Path], plans: Path | None):
    """(name, province, text) of every readable document named."""
    files: list[tuple[Path, Path]] = []
    for p in paths:
        folder = p if p.is_dir() else p.parent
        for f in (sorted(p.iterdir()) if p.is_dir() else [p]):
            if f.is_file() and f.suffix.lower() in {".txt", ".html", ".htm", ".pdf", ".docx", ".md"}:
                files.append((f, folder))
    if plans:
        files += [(f, plans) for f in dev_plan_files(plans)]
    seen: set[str] = set()
    for f, folder in files:
        try:
            doc = load_document(f, folder, read_catalog(folder))
        except Exception as exc:  # a probe folder may hold a damaged file on purpose
            print(f"skipped {f}: {exc}", file=sys.stderr)
            continue
        if doc.text in seen:  # the same page in two probe folders counts once
            continue
        seen.add(doc.text)
        province = doc.province or (re.sub(r"_\d+$", "", f.stem) if folder == plans else None)
        yield str(f), province or "?", doc.text


def target_lines(text: str) -> list[str]:
    """Lines stating an indicator or a target, and headings."""
    return [line for line in text.split("\n") if line.strip() and (_TARGET_LINE.search(line) or is_heading(line))]


def terms(line: str, longest: int = 6) -> set[str]:
    """The line's 1-6 syllable phrases (1-4 are listed, 5-6 tell fragments) (lower case, diacritics kept) with content at both ends."""
    out = set()
    for part in re.split(r"[^\w\s]|\d", line):
        syl = words(part)
        for n in range(1, longest + 1):
            for i in range(len(syl) - n + 1):
                gram = syl[i:i + n]
                if gram[0] in _EDGE_STOP or gram[-1] in _EDGE_STOP:
                    continue
                if any(len(s) < 2 or not s.isalpha() for s in gram):
                    continue
                out.add(" ".join(gram))
    return out


def translations() -> list[list[str]]:
    """Every glossary translation as folded syllables."""
    return [fold(t).split() for vi in glossary().values() for t in vi]


def covered(term: str, glossed: list[list[str]]) -> bool:
    """Whether glossary translations found in the term as whole words cover its content syllables."""
    syl = fold(term).split()
    hit = [False] * len(syl)
    for t in glossed:
        n = len(t)
        for i in range(len(syl) - n + 1):
            if syl[i:i + n] == t:
                hit[i:i + n] = [True] * n
    return all(hit)


def fragment(term: str, docs: dict[str, set[str]], share: float = 0.7) -> bool:
    """Whether the term is mostly seen inside one longer term ("đổi số" in "chuyển đổi số"):
    a syllable more on either side keeps at least ``share`` of its documents."""
    n = len(docs[term])
    for longer, where in docs.items():
        if len(where) >= share * n and len(longer) > len(term) and longer.count(" ") == term.count(" ") + 1 \
                and (longer.startswith(term + " ") or longer.endswith(" " + term)):
            return True
    return False


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--plans", type=Path)
    ap.add_argument("--min-docs", type=int, default=3)
    ap.add_argument("--min-provinces", type=int, default=2)
    ap.add_argument("--uncovered", action="store_true", help="list only terms no glossary row reaches")
    ap.add_argument("--top", type=int, default=300)
    args = ap.parse_args(argv)

    docs: dict[str, set[str]] = defaultdict(set)
    provs: dict[str, set[str]] = defaultdict(set)
    spelling: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    n_docs = 0
    for name, province, text in _documents(args.paths, args.plans):
        n_docs += 1
        for line in target_lines(text):
            for t in terms(line):
                key = fold(t)
                docs[key].add(name)
                provs[key].add(province)
                spelling[key][t] += 1
    glossed = translations()
    frequent = [k for k in docs if len(docs[k]) >= args.min_docs and len(provs[k]) >= args.min_provinces
                and 1 <= k.count(" ") <= 3 and not fragment(k, docs)]
    reach = {k: covered(k, glossed) for k in frequent}
    print(f"# {n_docs} documents; {len(frequent)} frequent terms; reachable from English: "
          f"{sum(reach.values())} ({sum(reach.values()) / max(1, len(frequent)):.3f})")
    shown = [k for k in frequent if not (args.uncovered and reach[k])]
    shown.sort(key=lambda k: (-len(docs[k]), -len(provs[k]), k))
    for k in shown[:args.top]:
        best = max(spelling[k].items(), key=lambda kv: kv[1])[0]
        print(f"{len(docs[k])}\t{len(provs[k])}\t{'+' if reach[k] else '-'}\t{best}")


if __name__ == "__main__":
    main()
