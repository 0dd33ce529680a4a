"""Batch runs: many sources -> one resumable output folder, parsed in parallel.

``run_batch(options, sources)`` reads each source in the parent (``plan``), parses it in a worker
(``pool``: in-process, worker processes, or a Dask cluster via ``cluster``), and writes the
Outcomes in input order to the output folder (``output``), committing them in parts with a
journal so that an interrupted run can be resumed (``runner`` ties them together).

This ``__init__`` imports nothing heavy: worker processes import ``batch.work`` through it and
must not pay for pyarrow, which only the parent (``output``) needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .output import ResumeError
    from .plan import Source
    from .runner import EXECUTORS, BatchOptions, Summary, run_batch

_EXPORTS = {"BatchOptions": "runner", "EXECUTORS": "runner", "Summary": "runner", "run_batch": "runner",
            "ResumeError": "output", "Source": "plan"}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EXECUTORS", "BatchOptions", "ResumeError", "Source", "Summary", "run_batch"]
