"""The offline check, one rule for the tests and for the frozen app (dist_check.py): run a command under
strace -f and list every attempt to reach the network. A namespace without network makes such an
attempt fail silently, and a Python-level guard misses native code (onnxruntime's telemetry client),
so the kernel's view is the one that counts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

# An Internet socket being connected or sent to, or the local daemons that resolve names.
_NETWORK = re.compile(r"sa_family=AF_INET6?\b|/var/run/nscd|/run/systemd/resolve")


def trace_prefix(log: Path) -> list[str]:
    """Prefix a command with this to log its network system calls into log; empty without strace."""
    if not shutil.which("strace"):
        return []
    return ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log)]


def network_calls(log: Path) -> list[str]:
    """The logged system calls that tried to reach the network (none is the only good answer)."""
    if not log.exists():
        return []
    return [line for line in log.read_text(errors="replace").splitlines() if _NETWORK.search(line)]
