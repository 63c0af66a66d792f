"""Question answering with cited passages over Vietnamese provincial digital-transformation plans.

Stages, one module each, in the order data flows: ``ingest`` (load with ``loaders``,
clean with ``clean``) -> ``chunking`` -> ``embed`` -> ``index`` -> ``retrieve`` ->
``answer``; ``pipeline.Assistant`` is the one entry point for the CLI, the chat and
the benchmark. The stages share only the dataclasses of ``types``.
"""

import os

# The embedding engine and FAISS use OpenMP. Spinning OpenMP threads make a question's
# embedding 10-100x slower whenever another process is busy on a small server (measured:
# p95 1.7 s instead of 20 ms on 2 cores); sleeping threads cost nothing measurable when
# the machine is idle. Set before any OpenMP runtime starts; a user's own value wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
