"""Slow jobs the UI starts, and a runner that executes any of them in a child process.

Why a child process: recognition, dictionary loading (jieba), chart rendering and imports of large
native libraries hold Python's GIL for hundreds of milliseconds at a time, which froze the window
when they ran in a thread. A spawned child has its own interpreter; it talks to the parent only in
typed messages over a pipe ("progress" / "result" / "error" / "cancelled"), never through stderr.

`in_child(job, *args)` is a generator: it yields each item the job yields (or None as a heartbeat
about ten times a second, so a caller can cancel between messages) and returns the job's value.
Closing it asks the child to stop between two items; a child that does not stop in time is killed,
which is safe because every database write is one SQLite transaction.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import multiprocessing as mp
import os
import re
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from app.session import snapshot  # noqa: F401  (the window's jobs take snapshots from here)
from core import errors
from core.errors import SanhuiError
from core.storage import Store
from core.types import Meeting, Result

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 0.1
CHILD_NICENESS = 5
CANCEL_GRACE_SECONDS = 3.0  # then killed: safe, every database write is one transaction
EXIT_GRACE_SECONDS = 1.0  # a child that already answered


# ------------------------------------------------------------------ the jobs (module level: picklable)


def process_job(audio: Path | None, meeting: Meeting, options, store_path: Path):
    """app.pipeline.process with its own database connection."""
    from app.pipeline import process

    store = Store(store_path)
    try:
        return (yield from process(audio, meeting, options, store))
    finally:
        store.close()


def reextract_job(segments, meeting: Meeting):
    from summarizer import extract_minutes

    return extract_minutes(segments, meeting)


def derive_job(result: Result, reextract: bool, manual: frozenset[str], options=None) -> Result:
    """app.session.derive in a child: the minutes' extracted sections and the assessment, from the
    working copy as the secretary left it."""
    from app.session import derive

    return derive(result, reextract, manual, options)


_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
DOCUMENT_SUFFIXES = {"minutes": "会议记录.docx", "report": "效能报告.docx", "transcript": "转写.txt",
                     "result": "result.json"}


def document_stem(result: Result, out_dir: Path) -> str:
    """<日期>-<标题>, the name every exported file of this meeting starts with; another meeting's
    files of the same date and title in out_dir (told by their result.json) add the meeting id."""
    m = result.meeting
    title = _UNSAFE_IN_NAME.sub("_", (m.title or m.type or "会议").strip())[:60].strip(" ._") or "会议"
    stem = f"{m.date}-{title}" if m.date else title
    other = out_dir / f"{stem}-{DOCUMENT_SUFFIXES['result']}"
    if other.is_file():
        try:
            other_id = json.loads(other.read_text(encoding="utf-8")).get("id", "")
        except (OSError, ValueError, AttributeError):
            other_id = ""
        if other_id != result.id:
            stem = f"{stem}-{result.id or 'new'}"
    return stem


def write_named_outputs(result: Result, out_dir: Path) -> dict[str, Path]:
    """app.export.write_outputs under names of this meeting (<日期>-<标题>-会议记录.docx …), so exports of
    several meetings to one folder never overwrite each other. Written complete in a private folder
    beside them, then moved into place."""
    import shutil
    import tempfile

    from app.export import check_writable, write_outputs

    out_dir = check_writable(Path(out_dir))
    stem = document_stem(result, out_dir)
    scratch = Path(tempfile.mkdtemp(prefix=".sanhui-export-", dir=out_dir))
    try:
        written = write_outputs(result, scratch)
        files = {}
        for key in ("minutes", "report", "transcript", "result"):  # result.json last: the set is complete
            files[key] = out_dir / f"{stem}-{DOCUMENT_SUFFIXES[key]}"
            os.replace(written[key], files[key])
        return files
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def export_job(result: Result, out_dir: Path, derive: bool = False, reextract: bool = False,
               manual: frozenset[str] = frozenset(), options=None) -> dict:
    """Export what the screen shows: the working copy re-derived first (derive; a finalised meeting's
    frozen version is written as it is). Returns {"files": {kind: path}, "result": the result written}."""
    if derive:
        result = derive_job(result, reextract, manual, options)
    return {"files": write_named_outputs(result, Path(out_dir)), "result": result}


def save_job(store_path: Path, result: Result, status: str, manual: set[str] | None = None,
             pending: str | None = None) -> str:
    """Save edits with a connection of its own (rewriting 2,000 segments and their index takes ~0.5 s)."""
    store = Store(store_path)
    try:
        return store.save_result(result, status=status, manual=manual, pending=pending)
    finally:
        store.close()


def finalize_job(store_path: Path, result: Result, status: str, reextract: bool = False,
                 manual: frozenset[str] = frozenset(), options=None):
    """Re-derive the working copy, save it, then freeze it as the next ledger version: the documents
    filed are exactly the edited minutes and their report. Returns (record, the frozen result)."""
    from app.sync.ledger import finalize

    result = derive_job(result, reextract, manual, options)
    store = Store(store_path)
    try:
        store.save_result(result, status=status, manual=manual, pending="")
        return finalize(store, result.id), result
    finally:
        store.close()


def sync_job(store_path: Path, stop=None) -> str:
    """Send finalised records to the party-building platform (only when the user asks). Network
    waits release the GIL, so this runs in a thread; `stop` ends it early (closing the window)."""
    from app.sync.cli import make_client
    from app.sync.outbox import Sender

    store = Store(store_path)
    try:
        sender = Sender(store, make_client(), deadline=120.0, stop=stop)
        report = sender.run()
        if not report.error:
            report.reviews = sender.refresh_reviews()
    finally:
        store.close()
    text = f"本次送达 {len(report.delivered)} 条，仍待发送 {report.pending} 条。"
    for meeting_id, version, reason in report.refused:
        text += f"会议 {meeting_id} 第{version}版未被平台接受：{reason}。"
    if report.error:
        raise SanhuiError(text + report.error)
    return text


# ------------------------------------------------------------------ the child-process runner


def _child_main(conn, cancel, job: Callable, args: tuple, kwargs: dict) -> None:
    if hasattr(os, "nice"):  # background work yields the CPU to the window first (2-core laptops)
        with contextlib.suppress(OSError):
            os.nice(CHILD_NICENESS)
    try:
        value = job(*args, **kwargs)
        if inspect.isgenerator(value):
            gen = value
            while True:
                if cancel.is_set():
                    gen.close()
                    conn.send(("cancelled", None))
                    return
                try:
                    item = next(gen)
                except StopIteration as stop:
                    value = stop.value
                    break
                conn.send(("progress", item))
        conn.send(("result", value))
    except SanhuiError as exc:
        conn.send(("error", (type(exc).__name__, str(exc))))
    except Exception as exc:
        log.exception("job failed in child process")
        conn.send(("error", ("", f"内部错误：{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def _rebuild_error(payload: tuple[str, str]) -> SanhuiError:
    name, message = payload
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, SanhuiError)):
        cls = SanhuiError
    return cls(message)


def in_child(job: Callable, *args, **kwargs) -> Generator[Any, None, Any]:
    """Run `job(*args, **kwargs)` in a spawned process; yield its items (None = heartbeat); return its value."""
    ctx = mp.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    cancel = ctx.Event()
    proc = ctx.Process(target=_child_main, args=(sender, cancel, job, args, kwargs), daemon=True,
                       name=f"sanhui-{getattr(job, '__name__', 'job')}")
    proc.start()
    sender.close()  # the child holds the only sending end, so its exit shows up as EOF
    done = False
    try:
        while True:
            if not receiver.poll(HEARTBEAT_SECONDS):
                if not proc.is_alive() and not receiver.poll():
                    raise SanhuiError(f"处理进程意外退出（退出码 {proc.exitcode}），请查看日志后重试。")
                yield None
                continue
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise SanhuiError(f"处理进程意外退出（退出码 {proc.exitcode}），请查看日志后重试。") from None
            if kind == "progress":
                yield payload
            elif kind == "result":
                done = True
                return payload
            elif kind == "error":
                done = True
                raise _rebuild_error(payload)
            else:  # "cancelled"
                done = True
                return None
    finally:
        if not done:
            cancel.set()  # GeneratorExit (the caller cancelled) or a failure: ask the child to stop
        # After its answer the child has nothing left to save (its store is closed before it answers),
        # but its interpreter can take seconds to exit on a loaded machine: the answer waits less.
        proc.join(EXIT_GRACE_SECONDS if done else CANCEL_GRACE_SECONDS)
        if proc.is_alive():
            log.info("child %s did not exit in time; killing it", proc.name)
            proc.kill()
            proc.join()
        receiver.close()
