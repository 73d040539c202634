"""One generic worker for everything slow: a QRunnable on a QThreadPool whose signals live on a QObject.

The job is a plain function; when it returns a generator (app.pipeline.process), the worker iterates
it, forwards progress at most about ten times a second, and cancels by closing the generator between
two items (the generator's own `finally` blocks run; nothing is half-saved). Workers are never
terminated: closeEvent cancels them and waits.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from core.errors import SanhuiError

log = logging.getLogger(__name__)


class WorkerSignals(QObject):
    progress = Signal(object)  # an item the generator yielded (e.g. app.pipeline.Progress)
    result = Signal(object)  # the function's return value
    failed = Signal(str)  # a one-line Chinese message for the user
    cancelled = Signal()
    done = Signal()  # always last, whatever happened


class Worker(QRunnable):
    def __init__(self, fn: Callable, *args, throttle: float = 0.1, **kwargs):
        super().__init__()
        self.setAutoDelete(False)  # the pool's Python wrapper keeps it; WorkerPool drops it on done
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.throttle = throttle
        self.signals = WorkerSignals()
        self._cancel = threading.Event()
        self.finished = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def stop_event(self) -> threading.Event:
        """Set on cancel; hand it to a job that can stop early by itself (e.g. a network sender)."""
        return self._cancel

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            value = self.fn(*self.args, **self.kwargs)
            if inspect.isgenerator(value):
                value = self._drive(value)
                if value is _CANCELLED:
                    self.signals.cancelled.emit()
                    return
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.result.emit(value)
        except SanhuiError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # never let a worker die silently
            log.exception("worker failed")
            self.signals.failed.emit(f"内部错误：{type(exc).__name__}: {exc}")
        finally:
            self.finished.set()
            self.signals.done.emit()

    def _drive(self, gen):
        last_emit = 0.0
        last_key = None
        while True:
            if self._cancel.is_set():
                gen.close()
                return _CANCELLED
            try:
                item = next(gen)
            except StopIteration as stop:
                return stop.value
            if item is None:
                continue  # a heartbeat (app.jobs.in_child): just a chance to notice a cancel
            now = time.monotonic()
            # Always pass on a stage change or a stage's end, otherwise at most ~10 per second.
            key = getattr(item, "stage", None)
            ends = getattr(item, "fraction", 0.0) >= 1.0
            if key != last_key or ends or now - last_emit >= self.throttle:
                last_key, last_emit = key, now
                self.signals.progress.emit(item)


_CANCELLED = object()


class WorkerPool(QObject):
    """Starts workers, remembers them until done, and cancels and waits for them all on close."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self.active: set[Worker] = set()

    def start(self, worker: Worker) -> Worker:
        """Run a worker. Connect its signals first: a quick job can emit them from its thread
        before a connection made after start() exists, and those emissions are lost."""
        self.active.add(worker)
        worker.signals.done.connect(lambda w=worker: self.active.discard(w))
        self.pool.start(worker)
        return worker

    def cancel_all(self) -> None:
        for worker in list(self.active):
            worker.cancel()

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Cancel every job and wait for the threads; True when all stopped in time."""
        self.cancel_all()
        stopped = self.pool.waitForDone(timeout_ms)
        # Their queued `done` signals may never be delivered now: forget finished workers here.
        self.active = {w for w in self.active if not w.finished.is_set()}
        return stopped
