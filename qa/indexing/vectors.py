"""The dense vector index: exact for a collection of ordinary size, approximate above
``Settings.ann_min_chunks``.

- **Exact** (``IndexFlatIP``): every question is compared with every chunk. The
  vectors are normalised, so the inner product is the cosine. Cost grows with the
  collection: 13 ms a question and 150 MB at 100k chunks, about 120-150 ms and 1.5 GB
  at 1 M on the 2-core benchmark machine (``bench/results/1m.md``).
- **Approximate** (``IndexIVFScalarQuantizer``, inverted file with float16 vectors):
  k-means splits the vectors into ``nlist`` clusters (trained on a sample of them);
  a question is compared with the chunks of the ``nprobe`` clusters whose centres are
  nearest to it. At 1 M chunks: recall@10 0.99 against exact, 12 ms a question, built
  in 40 s. Float16 halves the memory and loses nothing measurable; 8-bit codes (SQ8)
  halve it again but stopped at recall@10 0.97 however many clusters were scanned, and
  an HNSW graph (M = 32) took 224 s to build and reached 0.90. The numbers are in
  ``bench/results/1m.md`` (``python bench/bench_1m.py --alternatives``).

A question is searched on one core. FAISS splits one exact search over every core,
which on this 2-core machine bought nothing (100k chunks, idle: 11.0 ms on one
thread, 11.8 ms on two, which burnt 23 ms of CPU) and doubled the time when other
work was running (load 3.8: 12.5 ms against 25 ms; measured with OpenMP threads
sleeping while they wait). A server answers several officials at once, one core each.

A search restricted to some chunks (a province's plans) is exact in spirit with
either index: the flat index checks only the allowed chunks, and the inverted file
scans more clusters in proportion as fewer chunks are allowed (a province holding
1/60 of the collection is searched in every cluster), so a filter never starves the
search of its own chunks.
"""

from __future__ import annotations

import math

import faiss
import numpy as np

FLAT = "flat"
IVF_FP16 = "ivf-fp16"

#: Training points per cluster for k-means (FAISS warns below 39).
TRAIN_PER_CLUSTER = 40
#: Seed of the training sample, so that a build is reproducible.
TRAIN_SEED = 20250101


def kind_for(n_vectors: int, ann_min_chunks: int) -> str:
    """Which index a collection of this size gets."""
    return IVF_FP16 if n_vectors >= ann_min_chunks else FLAT


def kind(index: faiss.Index) -> str:
    """The kind of a built or loaded index."""
    return IVF_FP16 if isinstance(faiss.try_extract_index_ivf(index), faiss.IndexIVF) else FLAT


def n_clusters(n_vectors: int) -> int:
    """``nlist``: about sqrt(n) clusters, a power of two (1024 at 1 M vectors), and
    never so many that k-means lacks training points."""
    wanted = 2 ** round(math.log2(max(1.0, math.sqrt(n_vectors))))
    return max(1, min(wanted, n_vectors // TRAIN_PER_CLUSTER))


def n_probes(nlist: int) -> int:
    """``nprobe``: the clusters a question scans, 1/8 of them (at 1 M vectors, 128 of
    1024: recall@10 0.99 against exact where 1/16 gave 0.97; ``bench/results/1m.md``)."""
    return max(min(nlist, 8), nlist // 8)


def build(vectors: np.ndarray, ann_min_chunks: int) -> faiss.Index:
    """The index of these (normalised) vectors, exact or approximate by their number."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    if kind_for(n, ann_min_chunks) == FLAT:
        index = faiss.IndexFlatIP(dim)
        if n:
            index.add(vectors)
        return index
    nlist = n_clusters(n)
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_fp16,
                                          faiss.METRIC_INNER_PRODUCT)
    index.own_fields = True
    quantizer.this.disown()  # the index owns (and frees) its quantizer
    sample = np.random.default_rng(TRAIN_SEED).choice(n, min(n, TRAIN_PER_CLUSTER * nlist), replace=False)
    index.train(vectors[np.sort(sample)])
    index.add(vectors)
    index.nprobe = n_probes(nlist)
    index.make_direct_map()  # so that a chunk's vector can be read back (updates reuse it)
    return index


def search(index: faiss.Index, vector: np.ndarray, k: int,
           allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest chunks to one question vector, as (scores, chunk ids), best
    first; ``allowed`` (sorted chunk ids) restricts the search to those chunks."""
    query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
    selector = None if allowed is None else _selector(allowed, index.ntotal)
    ivf = faiss.try_extract_index_ivf(index) if kind(index) == IVF_FP16 else None
    if ivf is not None:
        nprobe = n_probes(ivf.nlist)
        if allowed is not None:  # fewer allowed chunks, more clusters: the search keeps finding them
            nprobe = math.ceil(nprobe * index.ntotal / max(1, len(allowed)))
        params = faiss.SearchParametersIVF(nprobe=min(ivf.nlist, nprobe), sel=selector)
    else:
        params = None if selector is None else faiss.SearchParameters(sel=selector)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)  # this thread's searches only (OpenMP settings are per thread)
    try:
        scores, ids = index.search(query, k, params=params)
    finally:
        faiss.omp_set_num_threads(threads)
    return scores[0], ids[0]


def _selector(allowed: np.ndarray, n: int) -> faiss.IDSelector:
    """A bitmap of the allowed ids (one bit per chunk: built in a few numpy operations
    even for 100k ids, where an ``IDSelectorBatch`` hashes every id one by one)."""
    mask = np.zeros(n, dtype=bool)
    mask[allowed] = True
    bits = np.packbits(mask, bitorder="little")
    selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bits))
    selector.bits_owner = bits  # the bitmap must live as long as the selector
    return selector


__all__ = ["FLAT", "IVF_FP16", "build", "kind", "kind_for", "search"]
