"""The Resemblyzer speaker encoder (GE2E d-vectors, 256-d) run with onnxruntime: no torch at run time.

The ONNX file is exported once at dev time by installers/export_speaker_encoder.py from the weights that ship
in the Apache-2.0 `resemblyzer` package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from asr.speakers.features import HOP, SAMPLE_RATE, mel_frames

MODEL_PATH = Path(__file__).resolve().parents[2] / "resources" / "models" / "speaker_encoder.onnx"
PARTIAL_FRAMES = 160  # 1.6 s: the window length the encoder was trained on
EMBEDDING_SIZE = 256


@lru_cache(maxsize=1)
def _session():
    from core.offline import quiet_libraries

    quiet_libraries()  # before onnxruntime loads: no device id, no upload
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    # Two cores on the target machines; leave one for the rest of the pipeline when ASR runs alongside.
    options.intra_op_num_threads = 2
    return ort.InferenceSession(str(MODEL_PATH), sess_options=options, providers=["CPUExecutionProvider"])


def embed_mels(mels: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """(n, frames, 40) mel windows -> (n, 256) L2-normalised embeddings."""
    mels = np.ascontiguousarray(mels, dtype=np.float32)
    if len(mels) == 0:
        return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
    session = _session()
    out = [session.run(None, {"mels": mels[i : i + batch_size]})[0] for i in range(0, len(mels), batch_size)]
    return np.concatenate(out).astype(np.float32)


def partial_slices(n_samples: int, rate: float = 1.3, min_coverage: float = 0.75) -> list[slice]:
    """Resemblyzer's split of an utterance into 1.6 s mel windows (VoiceEncoder.compute_partial_slices)."""
    n_frames = int(np.ceil((n_samples + 1) / HOP))
    frame_step = max(1, int(np.round((SAMPLE_RATE / rate) / HOP)))
    steps = max(1, n_frames - PARTIAL_FRAMES + frame_step + 1)
    slices = [slice(i, i + PARTIAL_FRAMES) for i in range(0, steps, frame_step)]
    last = slices[-1]
    coverage = (n_samples - last.start * HOP) / (PARTIAL_FRAMES * HOP)
    if coverage < min_coverage and len(slices) > 1:
        slices = slices[:-1]
    return slices


def embed_utterance(wav: np.ndarray, rate: float = 1.3, min_coverage: float = 0.75) -> np.ndarray:
    """Same as Resemblyzer's VoiceEncoder.embed_utterance on an already preprocessed waveform."""
    slices = partial_slices(len(wav), rate, min_coverage)
    needed = slices[-1].stop * HOP
    if needed >= len(wav):
        wav = np.pad(wav, (0, needed - len(wav)))
    mel = mel_frames(wav)
    partials = embed_mels(np.stack([mel[s] for s in slices]))
    mean = partials.mean(axis=0)
    return (mean / np.linalg.norm(mean)).astype(np.float32)
