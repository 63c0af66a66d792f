"""The benchmark runner: ``python -m eval`` measures retrieval, answers, citations,
abstention and latency of the assistant on ``eval/questions.jsonl``, per retrieval mode.

Modules, in the order data flows: :mod:`eval.runner` asks and times,
:mod:`eval.metrics` computes the figures (pure functions), :mod:`eval.report` writes
the tables, the target check, the Markdown report and its chart.
"""
