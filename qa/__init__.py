"""Question answering with cited passages over Vietnamese provincial digital-transformation plans.

Stages, one module each, in the order data flows: ``ingest`` (load with ``loaders``,
clean with ``clean``) -> ``chunking`` -> ``embed`` -> ``index`` -> ``retrieve`` ->
``answer``; ``pipeline.Assistant`` is the one entry point for the CLI, the chat and
the benchmark. The stages share only the dataclasses of ``types``.
"""

__version__ = "0.1.0"
