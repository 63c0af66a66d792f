"""The collection's spellings: the most frequent accented form of each folded word and
word pair, which restores the diacritics of a question typed without them
(``qa.retrieval.query.restore_diacritics``) from the indexed plans themselves.

For every word of every chunk ("Tĩnh" -> "tĩnh", folded "tinh") and every pair of
adjacent words ("hà_tĩnh", folded "ha_tinh"), the accented forms of each folded form
are counted; the most frequent wins, and of equally frequent ones the one met first.
Only folded forms whose winner carries diacritics are kept.

The words are counted as arrays (``qa.indexing.bm25.WordTable.sequences``), not one by one:
at 100k chunks the plain loop took about half a minute, as long as the rest of the
index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qa.indexing.bm25 import BUILD_BLOCK, WordTable, distinct_pairs
from qa.text import fold


def collection_spellings(texts: Sequence[str]) -> dict[str, str]:
    """Folded word or word pair -> its most frequent accented spelling in ``texts``
    (where that spelling has diacritics), in the order the folded forms are first met."""
    table = WordTable()
    forms: dict[str, int] = {}  # every form as a string, once (a pair may spell like a word with "_")
    counts = np.zeros(0, dtype=np.int64)  # per form: occurrences
    first = np.zeros(0, dtype=np.int64)  # per form: the order of its first occurrence
    word_form: list[int] = []  # per word of the table: its form
    words_before = 0
    for begin in range(0, len(texts), BUILD_BLOCK):  # in blocks: arrays small enough to be reused
        form, order, n_words = _occurrences(table, texts[begin:begin + BUILD_BLOCK], forms, word_form, words_before)
        grown = len(forms) - len(counts)
        counts = np.concatenate([counts, np.zeros(grown, np.int64)]) + np.bincount(form, minlength=len(forms))
        first = np.concatenate([first, np.full(grown, np.iinfo(np.int64).max)])
        np.minimum.at(first, form, order)
        words_before += n_words
    spelled = list(forms)
    best: dict[str, tuple[int, str]] = {}
    for f in np.argsort(first, kind="stable").tolist():  # forms in the order they are first met
        if counts[f] == 0:
            continue
        key = fold(spelled[f])
        if key not in best or counts[f] > best[key][0]:  # a tie keeps the form met first
            best[key] = (int(counts[f]), spelled[f])
    return {key: form for key, (_, form) in best.items() if form != key}


def _occurrences(table: WordTable, texts: Sequence[str], forms: dict[str, int], word_form: list[int],
                 words_before: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The form of every word and word pair of consecutive texts, the order in which
    the plain loop meets each (a text's words, then its pairs; counted from
    ``words_before``, the words of the texts before), and the number of words."""
    word, text = table.sequences(texts, expand=False)
    n_words = np.bincount(text, minlength=len(texts))
    start = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(n_words[:-1], out=start[1:])
    start += words_before
    position = np.arange(len(word), dtype=np.int64) + words_before - start[text]
    word_order = 2 * start[text] + position  # a text's j-th word: 2 start + j; its j-th pair: 2 start + n + j
    same_text = text[:-1] == text[1:]
    pair_text = text[:-1][same_text]
    pair_order = 2 * start[pair_text] + n_words[pair_text] + position[:-1][same_text]
    pairs, which = distinct_pairs(word[:-1][same_text], word[1:][same_text])
    words = table.words
    word_form.extend(forms.setdefault(w, len(forms)) for w in words[len(word_form):])
    pair_form = np.fromiter((forms.setdefault(f"{words[a]}_{words[b]}", len(forms))
                             for a, b in zip(pairs[0].tolist(), pairs[1].tolist())), np.int64, len(pairs[0]))
    form = np.concatenate([np.asarray(word_form, dtype=np.int64)[word], pair_form[which]])
    return form, np.concatenate([word_order, pair_order]), len(word)
