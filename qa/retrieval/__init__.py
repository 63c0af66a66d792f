"""Stage 3, retrieval: understand the question (provinces, years, glossary, spellings) and find the passages (hybrid dense + BM25)."""
