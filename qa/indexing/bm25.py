"""BM25 over Vietnamese terms, scored by bm25s (sparse matrices).

Terms of a text (see ``terms``):
- folded syllables ("thanh", "toan") so that questions typed without diacritics match;
- folded syllable bigrams ("thanh_toan") for multi-syllable words, which is what
  makes "thanh toán" outrank texts that merely contain "thanh" and "toán";
- the words of known abbreviations ("CĐS" -> chuyển đổi số), see ``qa.retrieval.glossary``;
- the two numbers of a fraction ("23/34" -> "23", "34"), see ``fraction_parts``;
- the syllable with its diacritics ("toán"), only where it has some, so an accented
  question gets the extra precision of exact spelling ("số" digital vs "sở").

Scoring is Lucene's BM25 variant (idf = ln(1 + (N - df + 0.5) / (df + 0.5)),
k1 = 1.5, b = 0.75), which never gives a negative idf. bm25s computes the same
scores as rank-bm25's formula (a test checks it) in about 1 ms at 100k chunks,
where rank-bm25 takes about half a second.

Speed. 100k chunks hold about 40 M terms, so the build does nothing per term in
Python. ``WordTable`` numbers every distinct piece of text between spaces and every
distinct word once, with what ``terms`` makes of it (folded form, accented form,
abbreviation expansion); a text is then its pieces' numbers (a ``str.split`` and a
C-level ``map``), and ``_TermCounter`` counts the terms of a block of texts with
numpy, building only each distinct bigram as a string. The result is the matrix
bm25s would build from the term lists, bit for bit (a test compares them), put in a
bm25s object, so querying, saving and loading are bm25s's own.
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections.abc import Sequence
from itertools import chain, compress
from pathlib import Path

import numpy as np

from qa.retrieval.glossary import data_digest, expand_abbreviations
from qa.text import fold, is_year, tokens, words

#: Bump when ``terms`` changes: an index built with other terms is rebuilt. The
#: abbreviations are data (``qa/data``), so their digest is part of the version.
TOKENIZER_VERSION = f"vi-syl-fold-bigram-abbr-frac-4-{data_digest()}"
K1 = 1.5
B = 0.75
#: Chunks whose terms are counted at once while building. Small blocks keep the arrays
#: under glibc's mmap threshold, so their memory is reused instead of faulted in afresh
#: (4096 was the fastest of 2048-16384 at 100k chunks).
BUILD_BLOCK = 4096
#: Scores are computed this many at a time (buffers small enough to be reused).
SCORE_SLICE = 1 << 20
#: The word table ``terms`` keeps is started afresh past this many pieces of text (a
#: long-running server meets new ones with every question; a build has its own table).
MAX_QUERY_PIECES = 200_000


class WordTable:
    """Every distinct word and piece of text met so far, numbered, with what
    ``terms`` makes of them.

    A *word* is a token lower-cased (``qa.text.words``); for each word the table keeps
    its folded form, whether it has diacritics (then it is a term of its own), and the
    words of what it abbreviates (``qa.retrieval.glossary.expand_abbreviations``). A *piece* is
    a run of text between white space ("số,", "245/KH-UBND"); no token spans white
    space (``qa.text.tokens``: word characters joined by ``.,/&-``, then ``%``), so a
    text's tokens are its pieces' tokens in order. All of it is worked out once per
    distinct word or piece, not once per occurrence.
    """

    def __init__(self) -> None:
        self.words: list[str] = []
        self.folded: list[str] = []
        self.accented: list[bool] = []
        self.expansion: list[tuple[int, ...]] = []  # word -> the words it abbreviates
        self.piece_words: list[tuple[int, ...]] = []  # piece number -> its words
        self._word_number: dict[str, int] = {}
        self.piece_number: dict[str, int] = _PieceNumbers(self)
        # piece_words and expansion as arrays (offsets into a flat array), extended as
        # the table grows: what ``sequences`` reads
        self._piece_ptr, self._piece_flat = np.zeros(1, np.int64), np.zeros(0, np.int64)
        self._expansion_ptr, self._expansion_flat = np.zeros(1, np.int64), np.zeros(0, np.int64)

    def word(self, word: str) -> int:
        """The number of a lower-case word, added when new."""
        found = self._word_number.get(word)
        if found is not None:
            return found
        new = self._word_number[word] = len(self.words)
        folded = fold(word)
        self.words.append(word)
        self.folded.append(folded)
        self.accented.append(folded != word)
        self.expansion.append(())  # (an expansion's own words are not expanded again)
        extra = [w for e in expand_abbreviations([word]) for w in words(e)] + fraction_parts(word)
        self.expansion[new] = tuple(self.word(w) for w in extra)
        return new

    def pieces(self, text: str) -> list[int]:
        """The numbers of a text's pieces, in order."""
        return list(map(self.piece_number.__getitem__, unicodedata.normalize("NFC", text).split()))

    def ids(self, text: str) -> list[int]:
        """A text's words: its tokens, then what its abbreviations stand for (in the
        order ``expand_abbreviations`` gives them)."""
        ids, extra = self.runs(text)
        ids.extend(extra)
        return ids

    def runs(self, text: str) -> tuple[list[int], list[int]]:
        """``ids`` as its two runs: the text's tokens, and what its abbreviations stand for."""
        ids = list(chain.from_iterable(map(self.piece_words.__getitem__, self.pieces(text))))
        return ids, list(chain.from_iterable(filter(None, map(self.expansion.__getitem__, ids))))

    def sequences(self, texts: Sequence[str], expand: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """What ``ids`` gives for each text (without the abbreviations' expansions
        unless ``expand``), concatenated, and the text each word belongs to: the
        words of many texts as two arrays, with no Python work per word."""
        pieces = [self.pieces(t) for t in texts]
        self._extend_arrays()
        n_pieces = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        piece = np.fromiter(chain.from_iterable(pieces), dtype=np.int64, count=int(n_pieces.sum()))
        word, text = _ragged(self._piece_ptr, self._piece_flat, piece,
                             np.repeat(np.arange(len(texts), dtype=np.int64), n_pieces))
        if expand:
            expansion, expansion_text = _ragged(self._expansion_ptr, self._expansion_flat, word, text)
            if len(expansion):
                word, text = _append_per_text(word, text, expansion, expansion_text, len(texts))
        return word, text

    def _extend_arrays(self) -> None:
        known = len(self._piece_ptr) - 1
        if len(self.piece_words) > known:
            self._piece_ptr, self._piece_flat = _extend_ragged(self._piece_ptr, self._piece_flat,
                                                               self.piece_words[known:])
        known = len(self._expansion_ptr) - 1
        if len(self.expansion) > known:
            self._expansion_ptr, self._expansion_flat = _extend_ragged(self._expansion_ptr, self._expansion_flat,
                                                                       self.expansion[known:])

    def terms(self, ids: Sequence[int]) -> list[str]:
        """The terms of a text given its words (see the module docstring)."""
        folded = list(map(self.folded.__getitem__, ids))
        out = folded + [f"{a}_{b}" for a, b in zip(folded, folded[1:])]
        out.extend(compress(map(self.words.__getitem__, ids), map(self.accented.__getitem__, ids)))
        return out


#: A fraction or a count out of a total: two numbers joined by "/" ("23/34", "12/12",
#: "4,5/5"). A date has three parts ("15/3/2024") and a document code letters
#: ("245/KH-UBND"), so neither matches.
_FRACTION = re.compile(r"(\d+(?:[.,]\d+)?)/(\d+(?:[.,]\d+)?)")


def fraction_parts(word: str) -> list[str]:
    """Rule (a fraction also names its two numbers): the numbers of a fraction-like word,
    added to a text's terms like an abbreviation's words ("đạt 23/34 chỉ tiêu" holds the
    "34" of "hoàn thành bao nhiêu trong 34 chỉ tiêu"; "23/34" alone is a term no question
    types, and its "34" would be a term the collection never holds, weighed as the rarest
    there is). Not where a part is a year: "137/2024" is a document's number and year,
    "3/2024" a month, which say nothing of a count."""
    match = _FRACTION.fullmatch(word)
    if not match or any(is_year(part) for part in match.groups()):
        return []
    return list(match.groups())


class _PieceNumbers(dict):
    """Piece of text -> its number; a piece not met before is tokenised and added."""

    def __init__(self, table: WordTable) -> None:
        super().__init__()
        self._table = table

    def __missing__(self, piece: str) -> int:
        table = self._table
        number = self[piece] = len(table.piece_words)
        table.piece_words.append(tuple(table.word(t.lower()) for t in tokens(piece)))
        return number


_QUERY_WORDS = WordTable()


def _query_table() -> WordTable:
    """The word table of questions and passages read (``MAX_QUERY_PIECES``)."""
    global _QUERY_WORDS
    if len(_QUERY_WORDS.piece_words) > MAX_QUERY_PIECES:
        _QUERY_WORDS = WordTable()
    return _QUERY_WORDS


def terms(text: str) -> list[str]:
    """BM25 terms of a text (see the module docstring)."""
    table = _query_table()
    return table.terms(table.ids(text))


def terms_in_runs(text: str) -> tuple[list[str], int, int]:
    """``terms(text)``, with how many words it has of each run (``WordTable.runs``): the
    text's own tokens, then the words its abbreviations stand for. The terms start with
    those words' folded forms in that order, then the pairs of adjacent ones: what
    ``qa.answering.term_sets`` needs to work out a joined text's terms from its parts'."""
    table = _query_table()
    own, extra = table.runs(text)
    return table.terms(own + extra), len(own), len(extra)


class BM25Index:
    """BM25 scores of every chunk for a question's terms."""

    def __init__(self, retriever: "object") -> None:
        self._retriever = retriever
        self._vocab: dict[str, int] = retriever.vocab_dict  # type: ignore[attr-defined]

    @classmethod
    def build(cls, texts: Sequence[str]) -> "BM25Index":
        """The index of these texts: what bm25s builds from ``[terms(t) or [""] for t
        in texts]`` (a text without terms gets the empty term)."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        vocab, tf, doc_len = _count_terms(texts)
        retriever = bm25s.BM25(method="lucene", k1=K1, b=B)
        retriever.scores = _lucene_scores(tf, doc_len)
        if "" not in vocab:  # bm25s keeps the empty term in every vocabulary
            vocab[""] = len(vocab)
        retriever.vocab_dict = vocab
        retriever.unique_token_ids_set = set(vocab.values())
        retriever.nonoccurrence_array = None  # (only BM25L and BM25+ have one)
        return cls(retriever)

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """One score per chunk; terms unknown to the collection are ignored."""
        known = [t for t in query_terms if t in self._vocab]
        n_docs = int(self._retriever.scores["num_docs"])  # type: ignore[attr-defined]
        if not known:
            return np.zeros(n_docs, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)  # type: ignore[attr-defined]

    def document_frequency(self, term: str) -> int:
        """In how many chunks a term occurs (0 for an unknown term)."""
        col = self._vocab.get(term)
        if col is None:
            return 0
        indptr = self._retriever.scores["indptr"]  # type: ignore[attr-defined]
        return int(indptr[col + 1] - indptr[col])

    @property
    def n_docs(self) -> int:
        return int(self._retriever.scores["num_docs"])  # type: ignore[attr-defined]

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder))  # type: ignore[attr-defined]
        (folder / "terms.json").write_text(json.dumps({"tokenizer": TOKENIZER_VERSION}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "BM25Index":
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        return cls(bm25s.BM25.load(str(folder), mmap=False))


def lucene_idf(df: int, n_docs: int) -> float:
    """Inverse document frequency as bm25s's "lucene" method computes it:
    ln(1 + (N - df + 0.5) / (df + 0.5)), never negative."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def saturated_tf(tf: int, doc_len: int, avg_doc_len: float) -> float:
    """The term-frequency part of a chunk's BM25 score, tf / (tf + k1 (1 - b + b |d| / avgdl)).

    A score is the sum, over the question's terms (each as often as it occurs), of
    ``lucene_idf`` times this: what ``BM25Index.scores`` returns. Back ends that store
    sparse vectors keep this part per chunk and send the idf with the question.
    """
    return tf / (tf + K1 * (1.0 - B + B * doc_len / avg_doc_len))
# ---------------------------------------------------------------- building

def _count_terms(texts: Sequence[str]) -> tuple[dict[str, int], "object", np.ndarray]:
    """The vocabulary (term -> column), the term frequencies as a chunks x terms CSR
    matrix, and each chunk's length in terms (``len(terms(text) or [""])``)."""
    from scipy.sparse import csr_matrix

    counter = _TermCounter()
    blocks = [counter.count(texts[start:start + BUILD_BLOCK]) for start in range(0, len(texts), BUILD_BLOCK)]
    n_docs = len(texts)
    per_doc = np.concatenate([b[0] for b in blocks] or [np.zeros(0, np.int64)])
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(per_doc, out=indptr[1:])
    columns = np.concatenate([b[1] for b in blocks] or [np.zeros(0, np.int32)])
    counts = np.concatenate([b[2] for b in blocks] or [np.zeros(0, np.float32)])
    doc_len = np.concatenate([b[3] for b in blocks] or [np.zeros(0, np.int64)])
    return counter.vocab, csr_matrix((counts, columns, indptr), shape=(n_docs, len(counter.vocab))), doc_len


class _TermCounter:
    """Counts the terms of blocks of texts as arrays of columns.

    A text of words w1..wn has the terms folded(w1..wn), the bigrams
    folded(wi)_folded(wi+1) and its accented words. Columns are numbered in the order
    terms are met; a term spelt the same way from two sources (a token "a_b" and the
    bigram of "a" and "b") is one column.
    """

    def __init__(self) -> None:
        self.table = WordTable()
        self.vocab: dict[str, int] = {}  # term -> column
        self._terms: list[str] = []  # column -> term
        # each word's folded column and accented column (-1: none), extended as the table grows
        self._folded_col, self._accented_col = np.zeros(0, np.int64), np.zeros(0, np.int64)

    def _column(self, term: str) -> int:
        found = self.vocab.get(term)
        if found is None:
            found = self.vocab[term] = len(self._terms)
            self._terms.append(term)
        return found

    def _columns(self, terms: Sequence[str]) -> np.ndarray:
        return np.fromiter(map(self._column, terms), dtype=np.int64, count=len(terms))

    def count(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For consecutive texts: how many distinct terms each has, their columns
        (ascending within each text) and counts, and each text's length in terms."""
        word, doc = self.table.sequences(texts)
        self._word_columns()
        n_words = np.bincount(doc, minlength=len(texts))

        folded = self._folded_col[word]
        same_text = doc[:-1] == doc[1:]
        bigram = self._bigram_columns(folded[:-1][same_text], folded[1:][same_text])
        accented = self._accented_col[word]
        has_accent = accented >= 0
        empty = np.flatnonzero(n_words == 0)
        columns = np.concatenate([folded, bigram, accented[has_accent],
                                  np.full(len(empty), self._column(""), dtype=np.int64)])
        docs = np.concatenate([doc, doc[:-1][same_text], doc[has_accent], empty])
        width = len(self._terms)
        keys, counts = _distinct(docs * width + columns)
        per_doc = np.bincount(keys // width, minlength=len(texts))
        doc_len = np.bincount(docs, minlength=len(texts))
        return per_doc, (keys % width).astype(np.int32), counts.astype(np.float32), doc_len

    def _word_columns(self) -> None:
        """Columns for the words the table met since the last call."""
        table, known = self.table, len(self._folded_col)
        if len(table.words) > known:
            accented = np.full(len(table.words) - known, -1, dtype=np.int64)
            which = np.flatnonzero(np.array(table.accented[known:], dtype=bool))
            accented[which] = self._columns([table.words[known + i] for i in which.tolist()])
            self._folded_col = np.concatenate([self._folded_col, self._columns(table.folded[known:])])
            self._accented_col = np.concatenate([self._accented_col, accented])

    def _bigram_columns(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The column of each bigram given the columns of its two folded syllables;
        each distinct bigram's string is made once."""
        pairs, which = distinct_pairs(first, second)
        terms = self._terms
        made = self._columns([f"{terms[a]}_{terms[b]}" for a, b in zip(pairs[0].tolist(), pairs[1].tolist())])
        return made[which]


def _ragged(ptr: np.ndarray, flat: np.ndarray, items: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``flat[ptr[i]:ptr[i + 1]]`` for every i of ``items``, concatenated, and the
    ``owner`` of each item repeated for each of its elements."""
    starts = ptr[items]
    lengths = ptr[items + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    offsets = np.cumsum(lengths) - lengths
    return flat[np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)], np.repeat(owner, lengths)


def _extend_ragged(ptr: np.ndarray, flat: np.ndarray, rows: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    new_flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
    return np.concatenate([ptr, ptr[-1] + np.cumsum(lengths)]), np.concatenate([flat, new_flat])


def _append_per_text(words_: np.ndarray, doc: np.ndarray, extra: np.ndarray, extra_doc: np.ndarray,
                     n_texts: int) -> tuple[np.ndarray, np.ndarray]:
    """Each text's words followed by its extra words (both given text by text)."""
    n_words = np.bincount(doc, minlength=n_texts)
    n_extra = np.bincount(extra_doc, minlength=n_texts)
    n_all = n_words + n_extra
    start = np.cumsum(n_all) - n_all
    at_word = start[doc] + np.arange(len(words_)) - (np.cumsum(n_words) - n_words)[doc]
    at_extra = start[extra_doc] + n_words[extra_doc] + np.arange(len(extra)) - (np.cumsum(n_extra) - n_extra)[extra_doc]
    out = np.empty(len(words_) + len(extra), dtype=np.int64)
    out[at_word] = words_
    out[at_extra] = extra
    return out, np.repeat(np.arange(n_texts, dtype=np.int64), n_all)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, ascending, and how often each occurs (``np.unique`` with
    ``return_counts``, which is several times slower on numpy 2.4)."""
    if len(values) == 0:
        return values, np.zeros(0, dtype=np.int64)
    ordered = np.sort(values)
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.empty(len(starts), dtype=np.int64)
    counts[:-1] = starts[1:] - starts[:-1]
    counts[-1] = len(ordered) - starts[-1]
    return ordered[starts], counts


def distinct_pairs(first: np.ndarray, second: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """The distinct (first, second) pairs and, for each pair given, which of them it is.

    One plain sort (several times faster than an argsort): the values are first
    renumbered densely, then each pair's key and its position are packed in one int64.
    """
    if len(first) == 0:
        return (first, second), np.zeros(0, dtype=np.int64)
    values = _distinct(np.concatenate([first, second]))[0]
    dense = np.zeros(int(values[-1]) + 1, dtype=np.int64)
    dense[values] = np.arange(len(values))
    n, shift = len(values), max(1, int(len(first) - 1).bit_length())
    key = dense[first] * n + dense[second]
    if (n * n) >> (62 - shift):  # too many distinct values to pack: search instead
        keys = _distinct(key)[0]
        which = np.searchsorted(keys, key)
    else:
        packed = np.sort((key << shift) | np.arange(len(key), dtype=np.int64))
        ordered = packed >> shift
        new = np.empty(len(ordered), dtype=bool)
        new[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
        which = np.empty(len(key), dtype=np.int64)
        which[packed & ((1 << shift) - 1)] = np.cumsum(new) - 1
        keys = ordered[new]
    return (values[keys // n], values[keys % n]), which


def _lucene_scores(tf: "object", doc_len: np.ndarray) -> dict:
    """bm25s's score matrix (CSC, chunks as rows) for term frequencies and lengths:
    idf(t) * tf / (k1 * (1 - b + b * len / avg_len) + tf), with Lucene's idf.

    Every operation is the one bm25s does, in the same precision (idf rounded to
    float32, the rest in float64, scores stored as float32), so the scores are
    bm25s's own to the bit.
    """
    from scipy.sparse import csr_matrix

    n_docs, n_terms = tf.shape
    df = np.bincount(tf.indices, minlength=n_terms)
    distinct_df, where = np.unique(df, return_inverse=True)
    idf_of_df = np.array([math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) if d else 0.0 for d in distinct_df.tolist()])
    idf = idf_of_df.astype(np.float32)[where.reshape(-1)]
    avg_len = doc_len.mean() if n_docs else 0.0
    # per chunk: k1 * ((1 - b) + b * len / avg_len), as bm25s computes it
    base = np.repeat(K1 * ((1 - B) + B * doc_len.astype(np.float64) / avg_len), np.diff(tf.indptr))
    data = np.empty(tf.nnz, dtype=np.float32)
    for start in range(0, tf.nnz, SCORE_SLICE):  # in slices: a few small buffers, reused
        end = min(start + SCORE_SLICE, tf.nnz)
        counts = tf.data[start:end].astype(np.float64)
        tfc = counts / (base[start:end] + counts)
        tfc *= idf[tf.indices[start:end]]
        data[start:end] = tfc
    by_term = csr_matrix((data, tf.indices, tf.indptr), shape=tf.shape).tocsc()
    return {"data": by_term.data.astype(np.float32, copy=False),
            "indices": by_term.indices.astype(np.int32, copy=False),
            "indptr": by_term.indptr.astype(np.int64), "num_docs": n_docs}
