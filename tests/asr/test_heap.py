"""asr.heap: large buffers freed by the recogniser go back to the system instead of fragmenting the heap."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from asr import heap


def vm_rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_freed_large_buffers_leave_the_process():
    heap.pin_mmap_threshold()
    heap.pin_mmap_threshold()  # idempotent
    before = vm_rss_mb()
    # Buffers just over the pinned threshold, touched and freed: with the threshold pinned each is
    # mapped and unmapped whole; glibc's moving threshold would keep them in the heap instead.
    kept = []
    for _ in range(20):
        blocks = [np.ones(heap.MMAP_THRESHOLD_BYTES // 8 + 1024) for _ in range(10)]
        kept.append(np.ones(1000))  # small allocations in between pin the heap's top (80 MB kept without the pin)
        del blocks
    assert vm_rss_mb() - before < 2 * heap.MMAP_THRESHOLD_BYTES / 2**20 + 10
