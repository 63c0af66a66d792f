"""The collection's spellings: the most frequent accented form of each folded word and
word pair, which restores the diacritics of a question typed without them
(``qa.query.restore_diacritics``) from the indexed plans themselves.

For every word of every chunk ("Tĩnh" -> "tĩnh", folded "tinh") and every pair of
adjacent words ("hà_tĩnh", folded "ha_tinh"), the accented forms of each folded form
are counted; the most frequent wins, and of equally frequent ones the one met first.
Only folded forms whose winner carries diacritics are kept.

The words are counted as arrays (``qa.bm25.WordTable.sequences``), not one by one:
at 100k chunks the plain loop took about half a minute, as long as the rest of the
index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .bm25 import WordTable, distinct_pairs
from .text import fold


def collection_spellings(texts: Sequence[str]) -> dict[str, str]:
    """Folded word or word pair -> its most frequent accented spelling in ``texts``
    (where that spelling has diacritics), in the order the folded forms are first met."""
    table = WordTable()
    word, text = table.sequences(texts, expand=False)
    if not len(word):
        return {}
    # Occurrences, in the order the plain loop meets them: each text's words, then its pairs.
    n_words = np.bincount(text, minlength=len(texts))
    start = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(n_words, out=start[1:])
    position = np.arange(len(word), dtype=np.int64) - start[text]
    word_order = 2 * start[text] + position  # text d's j-th word: 2 start(d) + j
    same_text = text[:-1] == text[1:]
    pair_text = text[:-1][same_text]
    pair_order = 2 * start[pair_text] + n_words[pair_text] + position[:-1][same_text]  # after its words
    pairs, which = distinct_pairs(word[:-1][same_text], word[1:][same_text])
    # Every form as a string, once: words, then pairs (a pair may spell like a word with "_").
    forms: dict[str, int] = {}
    word_form = np.fromiter((forms.setdefault(w, len(forms)) for w in table.words), np.int64, len(table.words))
    pair_form = np.fromiter((forms.setdefault(f"{table.words[a]}_{table.words[b]}", len(forms))
                             for a, b in zip(pairs[0].tolist(), pairs[1].tolist())), np.int64, len(pairs[0]))
    occurrence_form = np.concatenate([word_form[word], pair_form[which]])
    occurrence_order = np.concatenate([word_order, pair_order])
    counts = np.bincount(occurrence_form, minlength=len(forms))
    first = np.full(len(forms), np.iinfo(np.int64).max)
    np.minimum.at(first, occurrence_form, occurrence_order)
    spelled = list(forms)
    best: dict[str, tuple[int, str]] = {}
    for f in np.argsort(first, kind="stable").tolist():  # forms in the order they are first met
        if counts[f] == 0:
            continue
        form = spelled[f]
        key = fold(form)
        if key not in best or counts[f] > best[key][0]:  # a tie keeps the form met first
            best[key] = (int(counts[f]), form)
    return {key: form for key, (_, form) in best.items() if form != key}
