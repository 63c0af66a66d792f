"""Load and clean: files in the documents folder become ``Document`` objects.

A document's metadata comes from the folder's ``catalog.json`` where it says;
what it leaves out (province, date, source, title) is read from the text, since
the next scraped page will come with no catalogue entry at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qa.documents.clean import clean
from qa.config import Settings
from qa.errors import DocumentError, NoDocumentsError
from qa.documents.loaders import SUPPORTED_EXTENSIONS, load_file, open_regular_file
from qa.retrieval.provinces import canonical, find_provinces
from qa.documents.structure import first_sentence, headline, is_caps, title_block
from qa.types import Document

CATALOG_NAME = "catalog.json"
_SKIPPED_NAMES = {CATALOG_NAME, "README.md", "readme.md"}


@dataclass
class Corpus:
    """The documents that loaded, and the files that did not (with why)."""

    documents: list[Document] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


@dataclass
class Scan:
    """The files of a documents folder meant to be documents, and the entries that
    cannot be (with why), each keyed by its path relative to the folder ("a/plan.md")."""

    files: dict[str, Path] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def scan_folder(documents_dir: Path, exclude: Iterable[Path] = ()) -> Scan:
    """Every file of the folder (recursively) that is meant to be a document.

    Nothing is opened here. Symbolic links are never followed: one could lead out of
    the folder (to /etc/passwd), so each is reported, not read. Pipes, sockets and
    devices are reported; names that are not valid UTF-8 are reported (they cannot
    be stored or shown). Hidden entries, the catalogue and READMEs are left out
    silently, and so is every folder in ``exclude`` (an index kept inside the folder).
    """
    if not documents_dir.is_dir():
        raise NoDocumentsError(
            f"documents folder {documents_dir} does not exist: create it and put the plans "
            f"({', '.join(SUPPORTED_EXTENSIONS)}) in it"
        )
    excluded = {os.path.realpath(p) for p in exclude}
    root = os.path.realpath(documents_dir)
    scan = Scan()
    pending: list[tuple[str, str]] = [(str(documents_dir), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            scan.skipped[printable_path(prefix.rstrip("/") or ".")] = f"folder could not be listed ({exc.strerror})"
            continue
        for entry in entries:
            rel = prefix + entry.name
            reason = _not_a_document(entry, root, excluded)
            if reason is None:
                scan.files[rel] = Path(entry.path)
            elif reason == "folder":
                pending.append((entry.path, rel + "/"))
            elif reason:
                scan.skipped[printable_path(rel)] = reason
    scan.files = dict(sorted(scan.files.items()))
    return scan


def _not_a_document(entry: os.DirEntry[str], root: str, excluded: set[str]) -> str | None:
    """None for a document file, "folder" for a folder to enter, "" to leave out silently,
    or the reason an entry is skipped."""
    name = entry.name
    if name.startswith(".") or (name in _SKIPPED_NAMES and entry.is_file(follow_symlinks=False)):
        return ""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not valid UTF-8 (it cannot be stored or shown); rename it"
    if entry.is_symlink():
        inside = os.path.realpath(entry.path).startswith(root + os.sep)
        where = "inside the folder, indexed as itself" if inside else "outside the documents folder"
        return f"is a symbolic link (to a file {where}); links are not followed, copy the file in instead"
    if entry.is_dir(follow_symlinks=False):
        return "" if os.path.realpath(entry.path) in excluded else "folder"
    if not entry.is_file(follow_symlinks=False):
        return "is not a regular file (a pipe, socket or device); it is not read"
    return None


def printable_path(rel: str) -> str:
    """A relative path as text that can be stored and shown: undecodable bytes as \\xNN."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def file_sha256(path: Path) -> str:
    """Content hash of a file: what decides whether its index entries are stale.

    Opened like a document (never through a link, never a pipe); raises ``DocumentError``
    when it cannot be read.
    """
    digest = hashlib.sha256()
    try:
        with open_regular_file(path) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise DocumentError(str(path), f"could not be read ({exc.strerror or exc})") from exc
    return digest.hexdigest()


def doc_id_for(path: Path, documents_dir: Path) -> str:
    """A stable, unique id: the path inside the documents folder, extension included,
    so that plan.txt and plan.md beside it are two documents."""
    return path.relative_to(documents_dir).as_posix()


def read_catalog(documents_dir: Path) -> dict[str, dict[str, str | None]]:
    """The folder's catalogue (file name -> metadata); empty when there is none.

    Two forms are read, since catalogues come from different scrapers: an object keyed
    by file name (``{"a.txt": {"province": …}}``), or a list of entries that name their
    own file (``[{"file": "a.txt", "province": …, "url": …}]``). Entries that are not
    objects, or list entries without a ``file``, are ignored.
    """
    path = documents_dir / CATALOG_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DocumentError(str(path), f"catalogue is not valid JSON ({exc}); fix or remove it") from exc
    if isinstance(data, list):
        return {e["file"]: e for e in data if isinstance(e, dict) and isinstance(e.get("file"), str)}
    if not isinstance(data, dict):
        raise DocumentError(str(path), "catalogue must be a JSON object keyed by file name, or a list "
                                       "of entries with a \"file\" field; fix or remove it")
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def load_document(path: Path, documents_dir: Path, catalog: dict[str, dict[str, str | None]],
                  sha256: str | None = None, settings: Settings | None = None) -> Document:
    """Load, clean and describe one file; raises ``DocumentError`` when it is unusable
    (or larger than the limits of ``settings``).

    Metadata comes first from the catalogue, then from the document itself: an official
    document's title block (title, number, issuer, date, kind), else the file's own title
    (HTML <title>, PDF or Word properties) unless it is page furniture, else the page's
    headline, else its first sentence.
    """
    loaded = load_file(path, settings)
    cleaned = clean(loaded.text)
    if len(cleaned.text) < 20:
        raise DocumentError(str(path), "no text of substance left after cleaning")
    entry = catalog.get(path.relative_to(documents_dir).as_posix()) or catalog.get(path.name) or {}
    block = title_block(cleaned.text)
    title = (entry.get("title") or block.title or _usable_title(loaded.title) or headline(cleaned.text)
             or first_sentence(cleaned.text) or path.stem)
    # A catalogue may spell a province its own way ("TP Hồ Chí Minh", "Bà Rịa – Vũng Tàu"):
    # stored canonically, so a question naming it finds the plans.
    catalogued = entry.get("province")
    province = ((canonical(catalogued) or catalogued) if catalogued
                else detect_province(title, cleaned.text, signed_at=block.place))
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


def detect_province(title: str, text: str, signed_at: str | None = None) -> str | None:
    """The province a document is about: the one its title and text name most.

    A mention in the title counts three times; a province named only in passing
    (e.g. "after Hà Nội, Quảng Ninh…") loses to the one the article keeps naming.

    Rule (where a document is signed is not what it is about): the place of its title
    block's date line (``signed_at``: "Hà Nội, ngày 12 tháng 3 năm 2026") does not count.
    Every decree, circular and ministry's decision is dated in Hà Nội, the seat of the
    central government, and is no plan of Hà Nội; a province's own document names its
    province elsewhere too (its issuer "ỦY BAN NHÂN DÂN TỈNH …", its title, its body).
    """
    counts = find_provinces(text, case_sensitive=True)
    for name, n in find_provinces(title, case_sensitive=True).items():
        counts[name] += 2 * n
    for name in find_provinces(signed_at or "", case_sensitive=True):
        counts[name] -= 1
    counts = +counts  # drops the names left at zero
    if not counts:
        return None
    (best, n_best), *rest = counts.most_common(2) + [("", 0)]
    return best if n_best > rest[0][1] else None


def load_corpus(documents_dir: Path, settings: Settings | None = None) -> Corpus:
    """Every usable document of the folder; bad files are reported in ``skipped``."""
    scan = scan_folder(documents_dir)
    corpus = Corpus(skipped={str(documents_dir / rel): reason for rel, reason in scan.skipped.items()})
    catalog = read_catalog(documents_dir)
    for path in scan.files.values():
        try:
            corpus.documents.append(load_document(path, documents_dir, catalog, settings=settings))
        except DocumentError as exc:
            corpus.skipped[str(path)] = exc.reason
    return corpus
