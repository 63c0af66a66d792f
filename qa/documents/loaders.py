"""Load stage: turn a plan file (.txt, .md, .html, .pdf, .docx) into plain Unicode text.

>>> from pathlib import Path
>>> from qa.documents.loaders import load_file
>>> loaded = load_file(Path("documents/000_a57c63e91286db9c.txt"))
>>> loaded.text.startswith("Đưa Quảng Nam")
True

Every loader returns the document's own words, NFC-normalised, with line breaks
where the source has paragraph or block breaks, and table rows as "cell | cell".
Nothing else is cleaned here: removing scraped junk is the job of ``qa.documents.clean``, which
must see what the file said. The one exception is a PDF's page furniture (running
headers, footers, page numbers), which only the loader sees page by page; what it
leaves out is counted in ``LoadedFile.removed_chars``.

Any file a user can hand us that cannot be read (empty, binary, truncated, corrupt,
password-protected, scanned without a text layer, of an unknown type) raises
``DocumentError`` with a reason that says what to do; no library exception escapes.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import re
import stat
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

import docx
import pdfplumber
from bs4 import BeautifulSoup, CData, Comment, NavigableString, PageElement, Tag
from bs4.dammit import EncodingDetector
from charset_normalizer import from_bytes
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from qa.documents import pdf_layout
from qa.config import Settings, load_settings
from qa.errors import DocumentError

SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")

# Size and time limits are settings (qa/config.py: max_file_bytes, max_text_chars,
# max_archive_member_bytes, pdf_seconds), checked before or while reading, so that a
# huge file, a zip bomb or a pathological PDF is refused before memory or minutes are spent.

# Bytes a text file may take per character of text: UTF-8 needs at most 4 (so a larger
# .txt cannot fit in max_text_chars); markup pages get room for their tags.
_BYTES_PER_TEXT_CHAR = {".txt": 4, ".md": 4, ".html": 8, ".htm": 8}

# A .docx holds a few dozen parts; a zip of thousands is not a Word document.
_MAX_DOCX_PARTS = 10_000
_ZIP_BLOCK = 1 << 20

# More control characters than this (as a share of all characters) means binary data.
_MAX_CONTROL_SHARE = 0.10

# charset-normalizer's "mess" score above which a guessed decoding is not trusted.
_MAX_GUESS_MESS = 0.10


@dataclass(frozen=True)
class LoadedFile:
    """The text of one file and the title the file itself declares (if any).

    ``text`` is NFC-normalised with "\\n" line breaks; paragraphs are separated by
    "\\n" or "\\n\\n". ``title`` comes from the format's own metadata (HTML <title> or
    first <h1>, PDF metadata, .docx core properties, a Markdown "# " heading).
    """

    text: str
    title: str | None
    # Characters the loader itself left out as page furniture (a PDF's running headers,
    # footers and page numbers, which only the loader sees page by page).
    removed_chars: int = 0


def load_file(path: Path, settings: Settings | None = None) -> LoadedFile:
    """Read ``path`` with the loader its extension (any case) names.

    Raises DocumentError for every file that cannot be turned into text, or whose
    size exceeds the limits of ``settings`` (default: the configured ones).
    """
    where = str(path)
    limits = settings or load_settings()
    loader = _loader_for(path, limits)
    data = _read_bytes(path, limits)
    raw = loader(data, where)
    text = _normalise(raw.text)
    if not text.strip():
        raise DocumentError(where, "contains no text (only whitespace or invisible characters)")
    _refuse_long_text(len(text), where, limits)
    return LoadedFile(text=text, title=_clean_title(raw.title), removed_chars=raw.removed_chars)


def open_regular_file(path: Path) -> BinaryIO:
    """Open a regular file for reading, never through a symbolic link, a pipe or a device.

    A link could lead out of the documents folder (to /etc/passwd), and opening a pipe
    or a device can block or have side effects, so they are refused from ``lstat``
    before any open; the open itself refuses links (O_NOFOLLOW) and must find the
    same file, so a file swapped in between is refused too.
    """
    where = str(path)
    try:
        before = os.lstat(path)
        if stat.S_ISLNK(before.st_mode):
            raise DocumentError(where, "is a symbolic link; links are not followed (copy the file into the folder)")
        if not stat.S_ISREG(before.st_mode):
            raise DocumentError(where, "is not a regular file (a folder, pipe or device cannot be loaded)")
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags)
    except FileNotFoundError as exc:
        raise DocumentError(where, "does not exist") from exc
    except OSError as exc:
        raise DocumentError(where, _os_reason(exc)) from exc
    after = os.fstat(fd)
    if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino) or not stat.S_ISREG(after.st_mode):
        os.close(fd)
        raise DocumentError(where, "changed while it was being opened; run the indexing again")
    return os.fdopen(fd, "rb")


def _os_reason(exc: OSError) -> str:
    """Why a file could not be opened or read, in words that say what to do."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied (give the indexing user read access, or remove the file)"
    if exc.errno == errno.ELOOP:
        return "is a symbolic link; links are not followed (copy the file into the folder)"
    return f"could not be read ({exc.strerror or exc})"


def _refuse_long_text(chars: int, where: str, limits: Settings) -> None:
    """Refuse a document whose text exceeds max_text_chars: it would hold the build for long."""
    if chars > limits.max_text_chars:
        raise DocumentError(
            where, f"has more than {limits.max_text_chars:,} characters of text, the limit"
            " (QA_MAX_TEXT_CHARS); split it into several files",
        )


# --- dispatch and reading ---------------------------------------------------------

_Loader = Callable[[bytes, str], LoadedFile]


def _loader_for(path: Path, limits: Settings) -> _Loader:
    """The loader for the file's extension, or a DocumentError naming the supported ones."""
    suffix = path.suffix.lower()
    loaders: dict[str, _Loader] = {
        ".txt": _load_txt,
        ".md": _load_markdown,
        ".html": _load_html,
        ".htm": _load_html,
        ".pdf": partial(_load_pdf, limits=limits),
        ".docx": partial(_load_docx, limits=limits),
    }
    if suffix not in loaders:
        kind = f"files of type {suffix!r}" if suffix else "files without an extension"
        raise DocumentError(
            str(path),
            f"{kind} are not supported; supported types are {', '.join(SUPPORTED_EXTENSIONS)}"
            " (convert .doc to .docx, or save the text as .txt)",
        )
    return loaders[suffix]


def _read_bytes(path: Path, limits: Settings) -> bytes:
    """The file's bytes; refuses what is missing, not a regular file, empty or too large.

    The size limit is checked before reading and again while reading (a file that
    grows, or lies about its size, is cut off at the limit). A text file larger than
    its text could ever be (``max_text_chars``) is refused without being read.
    """
    where = str(path)
    per_char = _BYTES_PER_TEXT_CHAR.get(path.suffix.lower())
    text_cap = limits.max_text_chars * per_char if per_char else None
    cap = min(limits.max_file_bytes, text_cap) if text_cap else limits.max_file_bytes
    try:
        with open_regular_file(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size <= cap:
                data = _read_at_most(fh, size, cap)
    except OSError as exc:
        raise DocumentError(where, _os_reason(exc)) from exc
    if size > cap or len(data) > cap:
        if text_cap is not None and cap == text_cap:
            raise DocumentError(
                where, f"is {_size(max(size, cap + 1))}, more than a text of {limits.max_text_chars:,}"
                " characters (QA_MAX_TEXT_CHARS) can take; split it into several files",
            )
        raise DocumentError(
            where, f"is larger than the {limits.max_file_bytes / 2**20:.0f} MiB limit (QA_MAX_FILE_BYTES); split it"
        )
    if not data:
        raise DocumentError(where, "is empty (0 bytes)")
    return data


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n:,} bytes"


def _read_at_most(fh: BinaryIO, size: int, cap: int) -> bytes:
    """The file's bytes, ``size`` as fstat said, or up to ``cap + 1`` if it grew meanwhile.

    Never asks for a ``cap``-sized buffer at once: read(n) allocates n bytes up front.
    """
    data = fh.read(size + 1)
    if len(data) <= size:
        return data
    parts, total = [data], len(data)
    while total <= cap and (block := fh.read(min(_ZIP_BLOCK, cap + 1 - total))):
        parts.append(block)
        total += len(block)
    return b"".join(parts)


# --- normalisation ------------------------------------------------------------------

# Characters that end a line (as str.splitlines() sees them) become "\n", so that
# removing the other control characters never glues two lines together.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_NO_BREAK_SPACES = re.compile(r"[\u00a0\u2007\u202f]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def _normalise(text: str) -> str:
    """Unify line breaks and spaces, drop control characters, then compose to NFC.

    Controls go before NFC because one between a letter and its combining accent
    would stop them composing (Vietnamese text from PDFs and cp1258 is often decomposed).
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _NO_BREAK_SPACES.sub(" ", text)
    text = _CONTROLS.sub("", text)
    return unicodedata.normalize("NFC", text)


def _clean_title(title: str | None) -> str | None:
    """A title on one line with single spaces, or None when there is none."""
    if title is None:
        return None
    title = " ".join(_normalise(title).split())
    return title or None


# --- bytes to text (.txt, .md, .html) -----------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(data: bytes, where: str, declared: str | None = None) -> str:
    """Decode a text file: BOM, then UTF-8, then the declared charset, then a checked guess.

    UTF-8 is tried before a declared charset because valid UTF-8 with accents is
    practically never another encoding, while pages that say "iso-8859-1" but are
    UTF-8 are common. Legacy Vietnamese files (cp1258) are found by the guess.
    """
    text = _decode_with_bom(data, where)
    if text is None:
        _refuse_nul_bytes(data, where)
        text = _decode_utf8(data)
    if text is None and declared:
        text = _decode_declared(data, declared)
    if text is None:
        text = _decode_guess(data)
    if text is None:
        raise DocumentError(
            where, "is not valid UTF-8 and its encoding could not be recognised; save it as UTF-8"
        )
    _refuse_binary_text(text, where)
    return text


def _decode_with_bom(data: bytes, where: str) -> str | None:
    """Text of a file that starts with a Unicode byte-order mark, else None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    where, f"starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()}"
                ) from exc
    return None


def _refuse_nul_bytes(data: bytes, where: str) -> None:
    """NUL bytes never occur in UTF-8 or legacy-encoded text: the file is binary."""
    if b"\x00" in data:
        raise DocumentError(
            where,
            "contains NUL bytes, so it looks like a binary file, not text"
            " (if it is UTF-16 text without a byte-order mark, save it as UTF-8)",
        )


def _decode_utf8(data: bytes) -> str | None:
    """The text if ``data`` is UTF-8; a character cut off at the very end is dropped."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut_at_end = exc.reason == "unexpected end of data" and exc.end == len(data)
        if cut_at_end and len(data) - exc.start < 4:
            return data[: exc.start].decode("utf-8")
        return None


def _decode_declared(data: bytes, declared: str) -> str | None:
    """The text in the encoding the file declares, if that codec exists and fits."""
    try:
        return data.decode(declared)
    except (LookupError, UnicodeDecodeError):
        return None


def _decode_guess(data: bytes) -> str | None:
    """charset-normalizer's best guess, only if it reads as text in some language.

    A wrong guess decodes "successfully" into gibberish, so a guess is accepted only
    when its mess score is low and a language was recognised in it.
    """
    best = from_bytes(data).best()
    if best is None or best.chaos >= _MAX_GUESS_MESS or best.coherence <= 0.0:
        return None
    text = str(best)
    return None if "\ufffd" in text else text


def _refuse_binary_text(text: str, where: str) -> None:
    """Refuse text that is mostly control characters: it is binary data that decoded."""
    controls = len(_CONTROLS.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise DocumentError(where, "is mostly non-printable characters, so it looks like a binary file, not text")


# --- .txt and .md -------------------------------------------------------------------


def _load_txt(data: bytes, where: str) -> LoadedFile:
    """Plain text has no title of its own (the catalogue or the cleaner supplies it)."""
    return LoadedFile(text=_decode(data, where), title=None)


_MD_TITLE = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)

# Whole lines that are only markup: code fences, rules and setext underlines,
# table separator rows, link reference definitions.
_MD_NOISE_LINES = re.compile(
    r"^ {0,3}(?:```.*|~~~.*|[=]+[ \t]*|(?:[-*_][ \t]*){3,}|\[[^\]\n]+\]:[ \t]*\S.*"
    r"|\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*)$",
    re.MULTILINE,
)
_MD_LINE_PREFIXES = re.compile(r"^ {0,3}(?:(?:>[ \t]?)+|#{1,6}[ \t]+)", re.MULTILINE)
_MD_HEADING_CLOSE = re.compile(r"(?<=\S)[ \t]+#+[ \t]*$", re.MULTILINE)

# Inline markup, innermost text kept. Spans never cross a line, and each span's
# class excludes its own opening character (or is bounded), so a scan stops at the
# next opener: the patterns stay linear on hostile input like "[a[a[a..." or "**a **a...".
_MD_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]{0,2000}\)"), r"\1"),  # links and images: keep the text
    (re.compile(r"\[([^\[\]\n]+)\]\[[^\[\]\n]*\]"), r"\1"),  # reference links
    (re.compile(r"<((?:https?|mailto):[^<>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
    (re.compile(r"(?<![\w\\])(\*\*|__)(?=\S)([^*_\n]+?)(?<=\S)\1(?!\w)"), r"\2"),  # strong
    (re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"(?<![\w\\])_(?=[^\s_])([^_\n]+?)(?<=\S)_(?!\w)"), r"\1"),  # emphasis
    (re.compile(r"~~(?=\S)([^~\n]+?)(?<=\S)~~"), r"\1"),  # strikethrough
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # backslash escapes
)


def _load_markdown(data: bytes, where: str) -> LoadedFile:
    """Markdown keeps its words; heading hashes, emphasis and link targets are dropped."""
    source = _decode(data, where)
    title_match = _MD_TITLE.search(source)
    title = _strip_md_inline(title_match.group(1)) if title_match else None
    return LoadedFile(text=_strip_md(source), title=title)


def _strip_md(source: str) -> str:
    """Markdown source with markup-only lines emptied and inline markup removed."""
    text = _MD_NOISE_LINES.sub("", source)
    text = _MD_HEADING_CLOSE.sub("", _MD_LINE_PREFIXES.sub("", text))
    return _strip_md_inline(text)


def _strip_md_inline(text: str) -> str:
    """Text with links, code spans, emphasis and escapes replaced by their content."""
    for pattern, replacement in _MD_INLINE:
        text = pattern.sub(replacement, text)
    return text


# --- .html / .htm -------------------------------------------------------------------

# Page furniture, not plan text. <header>/<footer> inside an <article> or <main>
# are kept: there they hold the headline and the date of the plan.
_HTML_NOISE = ("script", "style", "noscript", "template", "nav", "aside", "head")
_HTML_CHROME = ("header", "footer")

_HTML_BLOCKS = frozenset(
    "address article blockquote body caption dd details dialog div dl dt fieldset figcaption"
    " figure h1 h2 h3 h4 h5 h6 hr li main ol p pre section summary table tbody thead tfoot"
    " tr ul header footer".split()
)
_HTML_CELLS = frozenset(("td", "th"))
_HTML_TABLE_PARTS = frozenset(("table", "thead", "tbody", "tfoot", "tr", "caption"))
_HTML_COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")
_HTML_SPACES = re.compile(r" {2,}")


def _load_html(data: bytes, where: str) -> LoadedFile:
    """Visible text of a page, one block per line, and its <title> (or first <h1>)."""
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    soup = _parse_html(_decode(data, where, declared), where)
    title = _html_title(soup)
    _drop_html_noise(soup)
    return LoadedFile(text=_html_text(soup), title=title)


def _parse_html(markup: str, where: str) -> BeautifulSoup:
    """The parsed page; lxml recovers from broken markup, so failures are rare."""
    try:
        return BeautifulSoup(markup, "lxml")
    except Exception as exc:  # lxml/bs4 raise many types on hostile input
        raise DocumentError(where, f"is not readable HTML ({exc})") from exc


def _html_title(soup: BeautifulSoup) -> str | None:
    """The <title> text, else the first <h1>; taken before page furniture is removed."""
    for tag in (soup.title, soup.find("h1")):
        if isinstance(tag, Tag):
            text = " ".join(tag.get_text(" ").split())
            if text:
                return text
    return None


def _drop_html_noise(soup: BeautifulSoup) -> None:
    """Remove comments, scripts, navigation, forms and page-level header/footer in place."""
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_HTML_NOISE):
        tag.decompose()
    for tag in soup.find_all(_HTML_CHROME):
        if tag.find_parent(("article", "main")) is None:
            tag.decompose()
    _drop_html_forms(soup)


def _drop_html_forms(soup: BeautifulSoup) -> None:
    """Remove search and comment forms, but not a form that wraps the page itself.

    ASP.NET sites (many .gov.vn portals) put the whole page inside one <form>;
    dropping it would drop the plan. A form holding most of the text is the page.
    """
    page_chars = len(soup.get_text())
    for form in soup.find_all("form"):
        if not form.decomposed and len(form.get_text()) * 2 <= page_chars:
            form.decompose()


def _html_text(soup: BeautifulSoup) -> str:
    """Text with source whitespace collapsed as a browser does and blocks on their own lines.

    Table cells of a row are joined with " | " so that a row stays one line.
    <pre> keeps its line breaks (runs of spaces inside it are collapsed like the rest).
    """
    text = "".join(_html_pieces(soup))
    lines = (_HTML_SPACES.sub(" ", line).strip(" ") for line in text.split("\n"))
    return "\n".join(line.removesuffix(" |") for line in lines if line and line != "|")


def _html_pieces(root: Tag) -> Iterator[str]:
    """The page's strings in document order, with a line break around each block.

    Walks the tree with an explicit stack instead of editing it: bs4's inserts
    cost time proportional to the number of siblings, which made big pages quadratic,
    and recursion would overflow on deeply nested markup.
    """
    stack: list[tuple[PageElement, bool, bool] | str] = [(root, False, False)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
            continue
        node, in_pre, in_cell = item
        if isinstance(node, Tag):
            yield from _html_open_tag(node, in_pre, in_cell, stack)
        elif type(node) is NavigableString or isinstance(node, CData):
            yield str(node) if in_pre else _HTML_COLLAPSIBLE.sub(" ", node)


def _html_open_tag(
    tag: Tag, in_pre: bool, in_cell: bool, stack: list[tuple[PageElement, bool, bool] | str]
) -> Iterator[str]:
    """What comes before a tag's children; pushes its children and its closing text."""
    if tag.name == "br":
        yield "\n"
        return
    gap = ""
    if tag.name in _HTML_BLOCKS:
        # Inside a cell a block break would split the row over several lines.
        gap = " " if in_cell and tag.name not in _HTML_TABLE_PARTS else "\n"
    if tag.name in _HTML_CELLS:
        stack.append(" | ")
    if gap:
        stack.append(gap)
        yield gap
    child_in_pre = in_pre or tag.name == "pre"
    child_in_cell = (in_cell or tag.name in _HTML_CELLS) and tag.name != "table"
    stack.extend((child, child_in_pre, child_in_cell) for child in reversed(tag.contents))


# --- .pdf ---------------------------------------------------------------------------

# A space that pypdf puts between a letter and its separately drawn accent.
_SPACE_BEFORE_MARK = re.compile(r"(?<=[\w\u0300-\u036f]) +(?=[\u0300-\u036f])")


def _load_pdf(data: bytes, where: str, limits: Settings) -> LoadedFile:
    """Text of every page with its tables as rows, and the metadata title.

    pypdf opens and checks the file (encryption, damage) and reads its title; pdfplumber
    reads each page's words with their positions and its ruled tables, which gives what
    plain text extraction loses: table cells as rows ("cell | cell"), the two columns
    of a title block one after the other, lines wrapped at the margin joined back, and
    running headers, footers and page numbers recognised page by page and left out
    (see ``qa.documents.pdf_layout``). A page pdfplumber cannot read falls back to pypdf's text.
    """
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(where, "is not a PDF file (it does not start with %PDF-); check the file")
    try:
        reader = PdfReader(io.BytesIO(data))
        _refuse_locked_pdf(reader, where)
        if len(reader.pages) == 0:
            raise DocumentError(where, "has no pages")
        title = _pdf_title(reader)
        pages = _pdf_pages(data, reader, where, limits)
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many types (KeyError, ValueError...) on damaged files
        raise DocumentError(
            where, f"is damaged or incomplete (truncated?) and could not be read ({type(exc).__name__}: {exc})"
        ) from exc
    text, removed = pdf_layout.join_pages(pages)
    if not text.strip():
        raise DocumentError(
            where, "has no text layer (it is probably a scanned image); run OCR on it first, e.g. with ocrmypdf"
        )
    return LoadedFile(text=_SPACE_BEFORE_MARK.sub("", text), title=title, removed_chars=removed)


def _pdf_pages(data: bytes, reader: PdfReader, where: str, limits: Settings) -> list[list[str]]:
    """Each page's lines (pdfplumber's layout, or pypdf's text where that fails), giving
    up once ``pdf_seconds`` have passed or the text exceeds ``max_text_chars`` (checked
    page by page, before the rest is extracted)."""
    deadline = time.monotonic() + limits.pdf_seconds
    pages: list[list[str]] = []
    chars = 0
    try:
        plumber = pdfplumber.open(io.BytesIO(data), password="" if reader.is_encrypted else None)
    except Exception:  # pdfminer cannot open it: pypdf's text for every page
        plumber = None
    try:
        for number, page in enumerate(reader.pages, start=1):
            if time.monotonic() > deadline:
                raise DocumentError(
                    where,
                    f"took longer than {limits.pdf_seconds:.0f} s to read (stopped at page {number};"
                    " QA_PDF_SECONDS); the PDF may be damaged",
                )
            lines: list[str] | None = None
            if plumber is not None:
                try:
                    lines = pdf_layout.page_lines(plumber.pages[number - 1])
                except Exception:  # a page pdfminer chokes on still has pypdf's text
                    lines = None
            if lines is None:
                lines = (page.extract_text() or "").split("\n")
            chars += sum(len(line) + 1 for line in lines)
            _refuse_long_text(chars, where, limits)
            pages.append(lines)
    finally:
        if plumber is not None:
            plumber.close()
    return pages


def _refuse_locked_pdf(reader: PdfReader, where: str) -> None:
    """Refuse a PDF that needs a password to open (an empty user password is fine)."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except DependencyError as exc:
        raise DocumentError(
            where, f"is encrypted and reading it needs an extra package ({exc}); pip install cryptography"
        ) from exc
    if opened == PasswordType.NOT_DECRYPTED:
        raise DocumentError(where, "is password-protected; save a copy without the password and load that")


def _pdf_title(reader: PdfReader) -> str | None:
    """The document-information title; a damaged info dictionary just means no title."""
    try:
        metadata = reader.metadata
        return str(metadata.title) if metadata is not None and metadata.title else None
    except Exception:  # the title is optional; a broken one must not lose the text
        return None


# --- .docx --------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Word (.doc) files
_W_P, _W_TBL, _W_SDT, _W_SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")


def _load_docx(data: bytes, where: str, limits: Settings) -> LoadedFile:
    """Body paragraphs and table rows in document order, and the core-properties title."""
    _check_docx_container(data, where, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_block_texts(document.element.body))
    except Exception as exc:  # python-docx/lxml/zipfile raise many types on damaged files
        raise DocumentError(
            where, f"is not a readable Word document, it may be damaged ({type(exc).__name__}: {exc})"
        ) from exc
    return LoadedFile(text="\n".join(line for line in lines if line.strip()), title=_docx_title(document))


def _docx_title(document: DocxDocument) -> str | None:
    """The core-properties title; a damaged docProps/core.xml just means no title."""
    try:
        return document.core_properties.title or None
    except Exception:  # the title is optional; a broken one must not lose the text
        return None


def _check_docx_container(data: bytes, where: str, limits: Settings) -> None:
    """Refuse what is not a complete zip (truncated, a renamed .doc) or unzips too large.

    python-docx reads every part in full, so a "zip bomb" (2 MB that inflate to 600 MiB)
    must be stopped here: first by the sizes the zip declares, then by unzipping each
    part in 1 MiB blocks and counting, which catches a zip that lies about its sizes
    (zipfile never returns more than the declared size, and fails its CRC check).
    """
    if data.startswith(_OLE_MAGIC):
        raise DocumentError(where, "is an old Word .doc file renamed to .docx; open it in Word and save as .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            _refuse_large_parts(parts, where, limits)
            for part in parts:
                _stream_part(archive, part, where, limits)
    except DocumentError:
        raise
    except Exception as exc:  # zipfile raises BadZipFile, NotImplementedError, EOFError... on damage
        raise DocumentError(
            where, f"is not a complete .docx (zip) file, it may be truncated or damaged ({exc})"
        ) from exc


def _refuse_large_parts(parts: list[zipfile.ZipInfo], where: str, limits: Settings) -> None:
    """Refuse by the sizes the zip declares, before anything is unzipped."""
    if len(parts) > _MAX_DOCX_PARTS:
        raise DocumentError(where, f"holds {len(parts):,} parts, more than a Word document has; it is not loaded")
    for part in parts:
        if part.file_size > limits.max_archive_member_bytes:
            raise _bomb(where, part.filename, part.file_size, limits)
    total = sum(part.file_size for part in parts)
    if total > limits.max_file_bytes:
        raise DocumentError(
            where, f"would unzip to {total / 2**20:.0f} MiB, more than the {limits.max_file_bytes / 2**20:.0f} MiB"
            " limit (QA_MAX_FILE_BYTES); it is not loaded",
        )


def _stream_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, where: str, limits: Settings) -> None:
    """Unzip one part in bounded blocks, refusing it once it exceeds the part limit."""
    if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise DocumentError(where, f"uses a zip compression Word never writes ({part.filename[:80]}); it is not loaded")
    size = 0
    with archive.open(part) as member:
        while block := member.read(_ZIP_BLOCK):
            size += len(block)
            if size > limits.max_archive_member_bytes:
                raise _bomb(where, part.filename, limits.max_archive_member_bytes, limits, at_least=True)


def _bomb(where: str, name: str, size: int, limits: Settings, at_least: bool = False) -> DocumentError:
    """The refusal of a part that unzips larger than max_archive_member_bytes."""
    return DocumentError(
        where, f"has a part ({name[:80]}) that unzips to {'more than ' if at_least else ''}"
        f"{size / 2**20:.0f} MiB, over the {limits.max_archive_member_bytes / 2**20:.0f} MiB limit"
        " (QA_MAX_ARCHIVE_MEMBER_BYTES): it looks like a zip bomb and is not loaded",
    )


def _docx_block_texts(container: BaseOxmlElement) -> Iterator[str]:
    """Text of each paragraph and table row of a body or cell, in document order.

    Content controls (w:sdt, used by cover pages and templates) are entered
    rather than skipped, as python-docx's own iteration would do.
    """
    for child in container.iterchildren():
        if child.tag == _W_P:
            yield _docx_paragraph_text(child)
        elif child.tag == _W_TBL:
            yield from _docx_table_rows(child)
        elif child.tag == _W_SDT:
            for content in child.iterchildren(_W_SDT_CONTENT):
                yield from _docx_block_texts(content)


def _docx_paragraph_text(paragraph: BaseOxmlElement) -> str:
    """The paragraph's visible text, including hyperlinks, fields and tracked insertions.

    python-docx's ``Paragraph.text`` reads only direct runs, so text inside
    <w:ins>, <w:fldSimple> or inline content controls would be lost. Deleted text
    (w:delText) is not part of a run's text; text boxes are left out.
    """
    runs = paragraph.xpath(".//w:r[not(ancestor::w:txbxContent)]")
    return "".join(run.text for run in runs)


def _docx_table_rows(table: BaseOxmlElement) -> Iterator[str]:
    """One line per row, cells joined by " | "; a cell merged across rows is written once.

    Empty cells are kept (as nothing between two separators) so that every row has as
    many cells as the header row and ``qa.documents.clean`` can name each cell by its column.
    """
    for row in table.xpath("./w:tr | ./w:sdt/w:sdtContent/w:tr"):
        cells = row.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc")
        texts = [" ".join(" ".join(t.replace("|", "/").split()) for t in _docx_block_texts(cell) if t.strip())
                 for cell in cells]
        if any(t.strip() for t in texts):
            yield " | ".join(texts)
