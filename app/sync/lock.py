"""One sender at a time: a lease in the database, so two `sanhui sync` (or the app and the CLI) never
both send. The row names its owner (a random id, the pid and the host) and an expiry; the sender
renews it before every request and stops when it lost it. A holder that died is replaced at once
when it ran on this machine (its pid is gone), otherwise when its lease expires.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
import uuid
from collections.abc import Callable

from core.errors import SanhuiError
from core.storage import Store

DEFAULT_LEASE = 120.0  # seconds; renewed before each request, so it only has to outlast one


class SyncBusy(SanhuiError):
    """Another sender holds the lease; str() says which, in Chinese."""


def _ensure(store: Store) -> None:
    store.db.execute(
        "CREATE TABLE IF NOT EXISTS sync_lock (name TEXT PRIMARY KEY, owner TEXT NOT NULL, pid INTEGER NOT NULL,"
        " host TEXT NOT NULL, acquired_at REAL NOT NULL, expires_at REAL NOT NULL)"
    )


def _alive(pid: int, host: str) -> bool:
    """False only when the holder surely died: it ran here and its process is gone."""
    if host != socket.gethostname() or os.name != "posix":  # os.kill(pid, 0) would terminate on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class SendLease:
    """Held while sending. acquire() raises SyncBusy; renew() raises SyncBusy when the lease was lost."""

    def __init__(self, store: Store, name: str = "platform", lease: float = DEFAULT_LEASE,
                 clock: Callable[[], float] = time.time):
        self.store, self.name, self.lease, self.clock = store, name, lease, clock
        self.owner = uuid.uuid4().hex
        self.held = False

    def acquire(self) -> SendLease:
        _ensure(self.store)
        now = self.clock()
        with self.store.transaction() as conn:
            row = conn.execute("SELECT owner, pid, host, acquired_at, expires_at FROM sync_lock WHERE name = ?",
                               [self.name]).fetchone()
            if row and row[0] != self.owner and row[4] > now and _alive(row[1], row[2]):
                since = dt.datetime.fromtimestamp(row[3]).strftime("%H:%M:%S")
                raise SyncBusy(f"另一个同步正在进行（{row[2]} 上的进程 {row[1]}，{since} 开始），本次没有发送，"
                               "以免同一记录发送两次；请等它结束后再同步。")
            conn.execute("INSERT OR REPLACE INTO sync_lock (name, owner, pid, host, acquired_at, expires_at)"
                         " VALUES (?, ?, ?, ?, ?, ?)",
                         [self.name, self.owner, os.getpid(), socket.gethostname(), now, now + self.lease])
        self.held = True
        return self

    def renew(self) -> None:
        with self.store.transaction() as conn:
            cur = conn.execute("UPDATE sync_lock SET expires_at = ? WHERE name = ? AND owner = ?",
                               [self.clock() + self.lease, self.name, self.owner])
        if cur.rowcount != 1:
            self.held = False
            raise SyncBusy("同步等待过久，已由另一个同步接手；本次同步停止，以免同一记录发送两次。")

    def release(self) -> None:
        if self.held:
            with self.store.transaction() as conn:
                conn.execute("DELETE FROM sync_lock WHERE name = ? AND owner = ?", [self.name, self.owner])
            self.held = False

    def __enter__(self) -> SendLease:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
