"""Load and clean: files in the documents folder become ``Document`` objects.

A document's metadata comes from the folder's ``catalog.json`` where it says;
what it leaves out (province, date, source, title) is read from the text, since
the next scraped page will come with no catalogue entry at all.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .clean import clean
from .errors import DocumentError, NoDocumentsError
from .loaders import SUPPORTED_EXTENSIONS, load_file
from .provinces import find_provinces
from .structure import first_sentence, headline, is_caps, title_block
from .types import Document

CATALOG_NAME = "catalog.json"
_SKIPPED_NAMES = {CATALOG_NAME, "README.md", "readme.md"}


@dataclass
class Corpus:
    """The documents that loaded, and the files that did not (with why)."""

    documents: list[Document] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def document_files(documents_dir: Path) -> list[Path]:
    """Every file of the folder (recursively) that is meant to be a document."""
    if not documents_dir.is_dir():
        raise NoDocumentsError(
            f"documents folder {documents_dir} does not exist: create it and put the plans "
            f"({', '.join(SUPPORTED_EXTENSIONS)}) in it"
        )
    return sorted(
        p for p in documents_dir.rglob("*")
        if p.is_file() and p.name not in _SKIPPED_NAMES and not p.name.startswith(".")
    )


def file_sha256(path: Path) -> str:
    """Content hash of a file: what decides whether its index entries are stale."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def doc_id_for(path: Path, documents_dir: Path) -> str:
    """A stable id: the path inside the documents folder, without extension."""
    return path.relative_to(documents_dir).with_suffix("").as_posix()


def read_catalog(documents_dir: Path) -> dict[str, dict[str, str | None]]:
    """The folder's catalogue (file name -> metadata); empty when there is none."""
    path = documents_dir / CATALOG_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DocumentError(str(path), f"catalogue is not valid JSON ({exc}); fix or remove it") from exc
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def load_document(path: Path, documents_dir: Path, catalog: dict[str, dict[str, str | None]],
                  sha256: str | None = None) -> Document:
    """Load, clean and describe one file; raises ``DocumentError`` when it is unusable.

    Metadata comes first from the catalogue, then from the document itself: an official
    document's title block (title, number, issuer, date, kind), else the file's own title
    (HTML <title>, PDF or Word properties) unless it is page furniture, else the page's
    headline, else its first sentence.
    """
    loaded = load_file(path)
    cleaned = clean(loaded.text)
    if len(cleaned.text) < 20:
        raise DocumentError(str(path), "no text of substance left after cleaning")
    entry = catalog.get(path.relative_to(documents_dir).as_posix()) or catalog.get(path.name) or {}
    block = title_block(cleaned.text)
    title = (entry.get("title") or block.title or _usable_title(loaded.title) or headline(cleaned.text)
             or first_sentence(cleaned.text) or path.stem)
    province = entry.get("province") or detect_province(title, cleaned.text)
    return Document(
        doc_id=doc_id_for(path, documents_dir),
        title=title,
        text=cleaned.text,
        province=province,
        date=entry.get("date") or block.date or cleaned.date,
        source=entry.get("source") or cleaned.source,
        path=str(path),
        sha256=sha256 or file_sha256(path),
        number=entry.get("number") or block.number,
        issuer=entry.get("issuer") or block.issuer,
        kind=entry.get("kind") or block.kind,
        url=entry.get("url"),
        removed_chars=cleaned.removed_chars + loaded.removed_chars,
    )


_FILE_NAME_TITLE = re.compile(r"(^microsoft (word|excel)\b|\.(docx?|pdf|xlsx?|html?)$|^untitled$|^document\d*$)",
                              re.IGNORECASE)


def _usable_title(title: str | None) -> str | None:
    """A file's own title unless it is a file name, capitals-only furniture or symbols."""
    if not title or _FILE_NAME_TITLE.search(title.strip()) or len(title.split()) < 3 or is_caps(title):
        return None
    if sum(c.isalpha() for c in title) < 0.5 * len(title.replace(" ", "")):
        return None
    return title


def detect_province(title: str, text: str) -> str | None:
    """The province a document is about: the one its title and text name most.

    A mention in the title counts three times; a province named only in passing
    (e.g. "after Hà Nội, Quảng Ninh…") loses to the one the article keeps naming.
    """
    counts = find_provinces(text, case_sensitive=True)
    for name, n in find_provinces(title, case_sensitive=True).items():
        counts[name] += 2 * n
    if not counts:
        return None
    (best, n_best), *rest = counts.most_common(2) + [("", 0)]
    return best if n_best > rest[0][1] else None


def load_corpus(documents_dir: Path) -> Corpus:
    """Every usable document of the folder; bad files are reported in ``skipped``."""
    corpus = Corpus()
    catalog = read_catalog(documents_dir)
    for path in document_files(documents_dir):
        try:
            corpus.documents.append(load_document(path, documents_dir, catalog))
        except DocumentError as exc:
            corpus.skipped[str(path)] = exc.reason
    return corpus
