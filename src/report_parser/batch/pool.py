"""Executors for the parse stage: in-process, worker processes, and the in-order loop over them.

Every pool takes Tasks with ``submit`` and hands back Outcomes from ``collect`` in completion
order; ``ordered`` feeds a pool and yields Outcomes in input order, holding at most ``window``
documents between the oldest unfinished one and the newest read, so memory stays bounded.

``ProcessPool`` runs one document at a time per worker process, each with a deadline: a worker
still busy at its deadline is killed (SIGKILL), its document recorded as failed with code
``timeout``, and a fresh worker started for the next one. A worker that dies (a crash in a C
library, the OOM killer) costs only its document (code ``worker_died``). Workers are spawned
fresh (not forked from the parent, which holds pyarrow), import only the parsing modules, and are
killed by the kernel if the command dies (``work._die_with_parent``).
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Protocol

from .work import Outcome, Task, WorkSettings, run_task, stopped, worker_main


class Pool(Protocol):
    """What ``ordered`` needs of an executor."""

    capacity: int  # how many Tasks it holds at most

    def submit(self, task: Task) -> None: ...
    def has_room(self) -> bool: ...
    def collect(self) -> list[Outcome]: ...
    def close(self) -> None: ...


def timeout_message(seconds: float) -> str:
    return f"parsing took longer than {seconds:g} s (--timeout); the document was stopped"


def ordered(items: Iterator[Task | Outcome], pool: Pool, window: int) -> Iterator[Outcome]:
    """Given Tasks (and ready Outcomes) numbered in input order, yield every Outcome in that order."""
    ready: dict[int, Outcome] = {}
    next_in = next_out = 0
    exhausted = False
    while True:
        while not exhausted and next_in - next_out < window and pool.has_room():
            item = next(items, None)
            if item is None:
                exhausted = True
            elif isinstance(item, Outcome):
                ready[item.seq], next_in = item, next_in + 1
            else:
                pool.submit(item)
                next_in += 1
        while next_out in ready:
            yield ready.pop(next_out)
            next_out += 1
        if exhausted and next_out == next_in:
            return
        for outcome in pool.collect():
            ready[outcome.seq] = outcome


class _Timeout(BaseException):
    """Raised by the alarm in an in-process run; a BaseException so the parse guard lets it by."""


class InlinePool:
    """Parses in this process, one document at a time (``--jobs 1``); the time limit is a SIGALRM."""

    capacity = 1

    def __init__(self, settings: WorkSettings, timeout: float) -> None:
        self._settings, self._timeout = settings, timeout
        self._done: list[Outcome] = []

    def submit(self, task: Task) -> None:
        self._done.append(self._run(task))

    def _run(self, task: Task) -> Outcome:
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            return run_task(task, self._settings)  # signals only reach the main thread

        def alarm(signum: int, frame: object) -> None:
            raise _Timeout

        previous = signal.signal(signal.SIGALRM, alarm)
        try:
            signal.setitimer(signal.ITIMER_REAL, self._timeout)
            return run_task(task, self._settings)
        except _Timeout:
            return stopped(task, "timeout", timeout_message(self._timeout), self._settings)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def has_room(self) -> bool:
        return not self._done

    def collect(self) -> list[Outcome]:
        done, self._done = self._done, []
        return done

    def close(self) -> None:
        self._done = []


class _Worker:
    """One worker process, its end of the pipe, and the Tasks sent to it (the first is running).

    Tasks go down the pipe from a sender thread, so a large document never blocks the parent
    while the worker is busy (and the worker's answers, read by the parent, never wait on it).
    """

    def __init__(self, ctx: multiprocessing.context.BaseContext, settings: WorkSettings) -> None:
        parent, child = multiprocessing.Pipe(duplex=True)
        self.proc = ctx.Process(target=worker_main, args=(child, settings), daemon=True,  # type: ignore[attr-defined]
                                name="report-parser-worker")
        self.proc.start()
        child.close()  # so that the parent's recv() sees EOF when the worker dies
        self.conn: Connection = parent
        self.tasks: deque[Task] = deque()
        self.deadline = 0.0  # of the running Task
        self.bytes = 0  # of the Tasks sent to it
        self._outbox: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, daemon=True, name="report-parser-sender")
        self._sender.start()

    def _send_all(self) -> None:
        """Send queued Tasks down the pipe until None (or until the worker is gone)."""
        while (task := self._outbox.get()) is not None:
            try:
                self.conn.send(task)
            except OSError:  # the worker died or was killed: the parent learns it from recv()
                return

    def send(self, task: Task, timeout: float) -> None:
        if not self.tasks:
            self.deadline = time.monotonic() + timeout
        self.tasks.append(task)
        self.bytes += len(task.data)
        self._outbox.put(task)

    def done(self) -> Task:
        """Forget the Task the worker has just answered (its first); return it."""
        task = self.tasks.popleft()
        self.bytes -= len(task.data)
        return task

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()
        self._outbox.put(None)
        self._sender.join()  # a send in progress fails now that the worker is gone
        self.conn.close()

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not within a few seconds."""
        self._outbox.put(None)
        self._sender.join()
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


class ProcessPool:
    """``jobs`` worker processes, each parsing one document at a time under a time limit.

    Each worker holds up to ``DEPTH`` documents (the one it parses and the next ones) of at most
    ``QUEUE_BYTES`` together, so it never waits for the parent between small documents, even while
    the parent writes a part, and large ones are not piled up in memory. A queued document's clock
    starts when the one before it is returned; if a worker is killed, the documents it had not
    started go to other workers.
    """

    DEPTH = 16
    QUEUE_BYTES = 4 * 1024 * 1024

    def __init__(self, jobs: int, settings: WorkSettings, timeout: float) -> None:
        self.jobs, self.capacity = jobs, jobs * self.DEPTH
        self._settings, self._timeout = settings, timeout
        self._ctx = multiprocessing.get_context("spawn")
        self._workers: dict[Connection, _Worker] = {}
        self._waiting: deque[Task] = deque()

    def submit(self, task: Task) -> None:
        self._waiting.append(task)
        self._dispatch()

    def _dispatch(self) -> None:
        """Send waiting Tasks to the least busy workers, starting workers as needed."""
        while self._waiting:
            worker = self._taker()
            if worker is None:
                return
            worker.send(self._waiting.popleft(), self._timeout)

    def _taker(self) -> _Worker | None:
        """Return the worker to send the next Task to (started if need be), or None if all are full."""
        if len(self._workers) < self.jobs and all(w.tasks for w in self._workers.values()):
            worker = _Worker(self._ctx, self._settings)
            self._workers[worker.conn] = worker
            return worker
        worker = min(self._workers.values(), key=lambda w: len(w.tasks))
        return worker if self._can_take(worker) else None

    def _can_take(self, worker: _Worker) -> bool:
        return not worker.tasks or (len(worker.tasks) < self.DEPTH and worker.bytes < self.QUEUE_BYTES)

    def has_room(self) -> bool:
        if self._waiting:
            return False
        return len(self._workers) < self.jobs or any(map(self._can_take, self._workers.values()))

    def collect(self) -> list[Outcome]:
        """Wait until a worker answers or a deadline passes; return what finished."""
        busy = {c: w for c, w in self._workers.items() if w.tasks}
        if not busy:
            return []
        soonest = min(w.deadline for w in busy.values())
        ready = wait(list(busy), timeout=max(0.0, soonest - time.monotonic()))
        done = [self._receive(busy[conn]) for conn in ready]  # type: ignore[index]
        now = time.monotonic()
        for worker in list(self._workers.values()):
            if worker.tasks and now >= worker.deadline:
                done.append(self._stop(worker, "timeout", timeout_message(self._timeout)))
        self._dispatch()
        return done

    def _receive(self, worker: _Worker) -> Outcome:
        try:
            outcome: Outcome = worker.conn.recv()
        except (EOFError, OSError):
            return self._stop(worker, "worker_died", f"the worker process died (exit code {worker.proc.exitcode})")
        worker.done()
        worker.deadline = time.monotonic() + self._timeout  # the next one, if any, has started
        return outcome

    def _stop(self, worker: _Worker, code: str, message: str) -> Outcome:
        """Kill a worker; its running Task fails with ``code``, the ones it had not begun wait again."""
        del self._workers[worker.conn]
        worker.kill()
        running = worker.done()
        self._waiting.extendleft(reversed(worker.tasks))
        return stopped(running, code, message, self._settings)

    def close(self) -> None:
        """Stop every worker: idle ones are asked to exit, busy ones are killed."""
        for worker in self._workers.values():
            if worker.tasks:
                worker.kill()
            else:
                worker.stop()
        self._workers, self._waiting = {}, deque()
