"""The parse stage on a Dask distributed cluster: ``--executor dask --scheduler ADDRESS``.

Each Task is one Dask task running ``work.run_task`` on a worker (report_parser must be installed
there); the Outcomes come back to this process, which writes the output folder exactly as a local
run does. Tasks in flight are kept to the cluster's thread count, so a task starts soon after it is
submitted and its deadline means what it says: a task still running at its deadline is recorded
as failed with code ``timeout`` and cancelled (Dask cannot kill a running thread, so a truly hung
document keeps its thread busy until it ends; the local executor kills the process instead).
"""

from __future__ import annotations

import time
from typing import Any

from .pool import timeout_message
from .work import Outcome, Task, WorkSettings, run_task, stopped


class DaskPool:
    """Runs Tasks on the Dask cluster whose scheduler is at ``address``."""

    def __init__(self, address: str, settings: WorkSettings, timeout: float) -> None:
        from distributed import Client

        self._client = Client(address, set_as_default=False)
        self.capacity = max(1, sum(self._client.nthreads().values()))
        self._settings, self._timeout = settings, timeout
        self._running: dict[Any, tuple[Task, float]] = {}

    def submit(self, task: Task) -> None:
        future = self._client.submit(run_task, task, self._settings, pure=False, key=f"report-parser-{task.seq}-"
                                     f"{time.monotonic_ns()}")
        self._running[future] = (task, time.monotonic() + self._timeout)

    def has_room(self) -> bool:
        return len(self._running) < self.capacity

    def collect(self) -> list[Outcome]:
        """Wait until a task finishes or a deadline passes; return what finished."""
        from distributed import wait

        soonest = min(deadline for _, deadline in self._running.values())
        try:
            with self._client.as_current():
                wait(list(self._running), timeout=max(0.01, soonest - time.monotonic()), return_when="FIRST_COMPLETED")
        except TimeoutError:
            pass
        done, now = [], time.monotonic()
        for future, (task, deadline) in list(self._running.items()):
            if future.done():
                done.append(self._result(future, task))
            elif now >= deadline:
                future.cancel()
                done.append(stopped(task, "timeout", timeout_message(self._timeout), self._settings))
            else:
                continue
            del self._running[future]
        return done

    def _result(self, future: Any, task: Task) -> Outcome:
        try:
            outcome: Outcome = future.result()
        except Exception as exc:  # the worker died, or the task could not run there
            return stopped(task, "worker_died", f"the Dask task failed: {type(exc).__name__}: {exc}", self._settings)
        return outcome

    def close(self) -> None:
        for future in self._running:
            future.cancel()
        self._running = {}
        self._client.close()
