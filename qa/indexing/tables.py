"""What retrieval looks up about every chunk, worked out once per index: the province
whose plan holds it, and the years it names.

Why once, and here: the local back end's province and year filters, the comparison's
grouping of candidates by province and the retriever's year bonus all read these on
every question. Worked out per question they cost more than the search itself at 100k
chunks (``np.unique`` over every chunk id of 63 provinces: 11 ms, twice per hybrid
search); kept as arrays, a filter is one gather over the chunks (well under 1 ms).
``Index.tables`` holds the one copy that the retriever and the back end share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qa.text import years

if TYPE_CHECKING:  # the index module builds these tables; only its types are needed here
    from qa.types import Chunk, Document


@dataclass(frozen=True)
class ChunkTables:
    """Per-chunk provinces and years of one index, as arrays over chunk ids."""

    #: Every province a chunk's document is about, sorted; "" for a document about none.
    provinces: tuple[str, ...]
    #: Per chunk: its province's position in ``provinces``.
    province_code: np.ndarray
    #: Year -> sorted ids of the chunks naming it.
    chunks_of_year: Mapping[int, np.ndarray]

    @classmethod
    def build(cls, documents: Mapping[str, "Document"], chunks: Iterable["Chunk"]) -> "ChunkTables":
        names: list[str] = []
        of_year: dict[int, list[int]] = {}
        for i, chunk in enumerate(chunks):
            names.append(documents[chunk.doc_id].province or "")
            for year in set(years(chunk.text)):
                of_year.setdefault(year, []).append(i)
        provinces = tuple(sorted(set(names)))
        code = {p: n for n, p in enumerate(provinces)}
        return cls(provinces, np.fromiter((code[p] for p in names), np.int32, len(names)),
                   {y: np.array(ids, dtype=np.int64) for y, ids in of_year.items()})

    @property
    def n_chunks(self) -> int:
        return len(self.province_code)

    def province_of(self, chunk_id: int) -> str:
        """The province of the chunk's document ("" for none)."""
        return self.provinces[self.province_code[chunk_id]]

    def province_mask(self, provinces: Iterable[str]) -> np.ndarray | None:
        """Per chunk, whether its document is about one of ``provinces`` (names the index
        does not hold are ignored); None when every chunk's is."""
        chosen = set(provinces)
        wanted = np.array([p in chosen for p in self.provinces], dtype=bool)
        return None if wanted.all() else wanted[self.province_code]

    def year_mask(self, asked: Iterable[int]) -> np.ndarray:
        """Per chunk, whether it names one of the ``asked`` years."""
        mask = np.zeros(self.n_chunks, dtype=bool)
        for year in set(asked):
            if year in self.chunks_of_year:
                mask[self.chunks_of_year[year]] = True
        return mask


__all__ = ["ChunkTables"]
