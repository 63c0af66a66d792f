"""Stage 2, indexing: embed chunks, build and open the index folder (FAISS vectors, BM25, spellings), and the search back ends over it (local files or Milvus)."""
