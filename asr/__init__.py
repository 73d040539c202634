"""Speech in, text and speakers out: the recorder, decoding, recognition (faster-whisper), the pass run
while recording, and the speaker step (asr/speakers/).

The front door: app/ imports asr's names from here only (tests/test_layout.py checks it). Each name is
loaded from its module on first use, so `import asr` stays cheap (faster-whisper, onnxruntime and
sounddevice load only when a recording is decoded or made).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asr.decode import SAMPLE_RATE, iter_chunks, probe_duration, read_audio
    from asr.decoded import DecodedLog, log_path
    from asr.incremental import LiveLine, decode_while_recording
    from asr.lexicon import meeting_hotwords
    from asr.live import LiveText, follow_recording
    from asr.models import MODEL_COSTS, MODEL_SPECS, ModelRegistry, cuda_device_count, resolve_device
    from asr.recorder import Recorder, StreamFactory, list_input_devices, recover_wav, unfinished_recordings
    from asr.remote import RemoteTranscriber, check_endpoint, get_token, set_token
    from asr.speakers import checkpoint_path, diarize, embed_voice, scan_recording, scan_uses_pitch
    from asr.transcribe import TranscribeOptions, Transcriber

_HOME = {
    **dict.fromkeys(["SAMPLE_RATE", "iter_chunks", "probe_duration", "read_audio"], "asr.decode"),
    **dict.fromkeys(["DecodedLog", "log_path"], "asr.decoded"),
    **dict.fromkeys(["LiveLine", "decode_while_recording"], "asr.incremental"),
    "meeting_hotwords": "asr.lexicon",
    **dict.fromkeys(["LiveText", "follow_recording"], "asr.live"),
    **dict.fromkeys(["MODEL_COSTS", "MODEL_SPECS", "ModelRegistry", "cuda_device_count", "resolve_device"], "asr.models"),
    **dict.fromkeys(["Recorder", "StreamFactory", "list_input_devices", "recover_wav", "unfinished_recordings"],
                    "asr.recorder"),
    **dict.fromkeys(["RemoteTranscriber", "check_endpoint", "get_token", "set_token"], "asr.remote"),
    **dict.fromkeys(["checkpoint_path", "diarize", "embed_voice", "scan_recording", "scan_uses_pitch"], "asr.speakers"),
    **dict.fromkeys(["TranscribeOptions", "Transcriber"], "asr.transcribe"),
}
__all__ = [
    "DecodedLog", "LiveLine", "LiveText", "MODEL_COSTS", "MODEL_SPECS", "ModelRegistry", "Recorder",
    "RemoteTranscriber", "SAMPLE_RATE", "StreamFactory", "TranscribeOptions", "Transcriber", "check_endpoint",
    "checkpoint_path", "cuda_device_count", "decode_while_recording", "diarize", "embed_voice", "follow_recording",
    "get_token", "iter_chunks", "list_input_devices", "log_path", "meeting_hotwords", "probe_duration", "read_audio",
    "recover_wav", "resolve_device", "scan_recording", "scan_uses_pitch", "set_token", "unfinished_recordings",
]  # the same names as _HOME (tests/test_layout.py)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'asr' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
