"""Structure figures of load + clean + chunk, per document: what issue 7 asks to watch.

For every file of the bundled ``documents/`` and of the dev provinces of ``../shared/plans``
(when present): chunks, mean and max chunk length, characters cleaning removed, the title
found, and a few heading paths. Run before and after a change to compare:

    python bench/structure_stats.py [--json OUT] [--paths N] [--rules]

No model is loaded; nothing is embedded.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.documents.chunking import chunk_document  # noqa: E402
from qa.config import load_settings  # noqa: E402
from qa.documents.ingest import load_document, read_catalog  # noqa: E402
from qa.documents.loaders import load_file  # noqa: E402

SHARED_PLANS = ROOT.parent / "shared" / "plans"
# Only these provinces' files may be read while developing (issue 7: split by province).
DEV_PROVINCES = ("ba_ria_vung_tau bac_lieu binh_dinh binh_thuan da_nang dong_thap ha_nam hai_phong hung_yen "
                 "lang_son ninh_binh quang_binh thai_nguyen tp_ho_chi_minh vinh_phuc").split()


def dev_files() -> list[Path]:
    """The dev provinces' plan files (none when ../shared is absent)."""
    if not SHARED_PLANS.is_dir():
        return []
    return sorted(p for p in SHARED_PLANS.glob("*.txt") if re.sub(r"_\d+$", "", p.stem) in DEV_PROVINCES)


def stats(path: Path, folder: Path, catalog: dict, settings, n_paths: int) -> dict:
    loaded = load_file(path)
    doc = load_document(path, folder, catalog)
    chunks = chunk_document(doc, settings.chunk_chars, settings.chunk_overlap_sentences)
    lengths = [len(c.text) for c in chunks]
    nonspace = lambda s: len(re.sub(r"\s", "", s))  # noqa: E731
    paths = [c.heading_path for c in chunks if c.heading_path]
    return {
        "file": path.name,
        "chunks": len(chunks),
        "mean_len": round(statistics.mean(lengths), 1) if lengths else 0,
        "max_len": max(lengths, default=0),
        "removed_reported": getattr(doc, "removed_chars", 0),
        # Before cleaning reported it: non-space characters of the loaded text not in the cleaned one.
        "removed_nonspace": nonspace(loaded.text) - nonspace(doc.text),
        "title": doc.title,
        "number": getattr(doc, "number", None),
        "issuer": getattr(doc, "issuer", None),
        "date": doc.date,
        "paths": paths[:n_paths],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--paths", type=int, default=2)
    parser.add_argument("--rules", action="store_true", help="what each cleaning rule did, per set")
    args = parser.parse_args()
    settings = load_settings()
    rows = []
    started = time.perf_counter()
    for folder, files in ((ROOT / "documents", sorted((ROOT / "documents").glob("*.txt"))),
                          (SHARED_PLANS, dev_files())):
        catalog = read_catalog(folder) if folder.name == "documents" else {}
        for path in files:
            rows.append({"set": folder.name, **stats(path, folder, catalog, settings, args.paths)})
    elapsed = time.perf_counter() - started
    for set_name in ("documents", "plans"):
        part = [r for r in rows if r["set"] == set_name]
        if not part:
            continue
        print(f"\n== {set_name}: {len(part)} files")
        print(f"{'file':28} {'chunks':>6} {'mean':>6} {'max':>5} {'removed':>7}  title")
        for r in part:
            print(f"{r['file']:28} {r['chunks']:>6} {r['mean_len']:>6} {r['max_len']:>5} "
                  f"{r['removed_reported'] or r['removed_nonspace']:>7}  {r['title'][:70]!r}")
            for p in r["paths"]:
                print(f"{'':30}› {p[:110]}")
        chunks = [r["chunks"] for r in part]
        print(f"TOTAL chunks {sum(chunks)}, per doc mean {statistics.mean(chunks):.1f} max {max(chunks)}; "
              f"mean chunk len {statistics.mean(r['mean_len'] for r in part):.0f}; "
              f"max chunk len {max(r['max_len'] for r in part)}; "
              f"removed per doc mean {statistics.mean(r['removed_reported'] or r['removed_nonspace'] for r in part):.0f}")
    print(f"\n{elapsed:.2f} s")
    if args.rules:
        from collections import Counter

        from qa.documents.clean import clean

        for folder, files in ((ROOT / "documents", sorted((ROOT / "documents").glob("*.txt"))),
                              (SHARED_PLANS, dev_files())):
            tally: Counter[str] = Counter()
            for path in files:
                clean(load_file(path).text, trace=tally)
            print(f"\n== rules on {folder.name} ({len(files)} files)")
            for rule, n in sorted(tally.items()):
                print(f"  {rule:50} {n:>6}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
