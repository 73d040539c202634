"""Keep the recogniser's memory flat over a long meeting (glibc only; elsewhere nothing to do).

glibc raises its mmap threshold each time a large block is freed, so later large buffers (CTranslate2's
per-chunk work space, Silero's batch) come from the heap, which fragments and keeps growing: peak RSS
on 15 minutes of corpus audio was 799 MB, 647 MB with the threshold pinned at 8 MB (579 MB at 1 MB, but
mapping every buffer cost ~15 % CPU), where such buffers are mapped and unmapped whole. bench/asr.py long
set: 10 min 696 -> 554 MB, 2 h 797 -> 662 MB. With Silero sliced (asr.regions.SlicedSilero) and 2 fallback samples:
10 min 544 MB, 2 h 548 MB.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
MMAP_THRESHOLD_BYTES = 8 << 20

_done = False


def pin_mmap_threshold() -> None:
    """Pin glibc's mmap threshold at MMAP_THRESHOLD_BYTES for this process (once; harmless to call again)."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return
    _done = True
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        if not libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES):
            log.debug("mallopt(M_MMAP_THRESHOLD) refused")
    except (OSError, AttributeError):  # not glibc (musl has no mallopt): nothing to pin
        pass
