"""Dev-time only: export the Resemblyzer speaker encoder (Apache-2.0) to ONNX for onnxruntime.

Run once by a developer, never by the installer or at run time:

    .venv/bin/pip install torch==2.13.0 'setuptools>=77,<81' resemblyzer onnx
    .venv/bin/python installers/export_speaker_encoder.py

Writes resources/models/speaker_encoder.onnx (the 3-layer LSTM + linear + ReLU + L2 norm on
40-channel mel frames) and checks on a few corpus clips that the numpy mel front end in
asr/speakers/features.py plus the ONNX model give the same embeddings as torch Resemblyzer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "models" / "speaker_encoder.onnx"


def export() -> None:
    import torch
    from resemblyzer import VoiceEncoder

    encoder = VoiceEncoder(device="cpu", verbose=False).eval()

    class Encoder(torch.nn.Module):
        """Same maths as VoiceEncoder.forward, written so the legacy exporter keeps it simple."""

        def __init__(self) -> None:
            super().__init__()
            self.lstm, self.linear = encoder.lstm, encoder.linear

        def forward(self, mels: torch.Tensor) -> torch.Tensor:
            _, (hidden, _) = self.lstm(mels)
            raw = torch.relu(self.linear(hidden[-1]))
            # Epsilon only guards an all-zero ReLU output; identical otherwise.
            return raw / (torch.linalg.vector_norm(raw, dim=1, keepdim=True) + 1e-12)

    dummy = torch.rand(2, 160, 40)
    torch.onnx.export(
        Encoder().eval(), (dummy,), str(OUT), dynamo=False, opset_version=17,
        input_names=["mels"], output_names=["embeddings"],
        dynamic_axes={"mels": {0: "batch", 1: "frames"}, "embeddings": {0: "batch"}},
    )
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


def verify() -> None:
    """Compare torch Resemblyzer and our runtime on corpus audio (same preprocessed waveform)."""
    import librosa
    from resemblyzer import VoiceEncoder, preprocess_wav
    from resemblyzer.audio import wav_to_mel_spectrogram

    from asr.speakers import encoder as speaker_encoder
    from asr.speakers import features as speaker_features

    corpus = ROOT.parent / "shared" / "corpus"
    clips = sorted((corpus / "synthetic").glob("*.enroll.*.wav")) + sorted((corpus / "real" / "aishell1").glob("*.wav"))
    if not clips:
        print("corpus not found: skipped verification")
        return
    # Mel filterbank identical to librosa's (Slaney scale and norm).
    ours = speaker_features.mel_filterbank()
    ref = librosa.filters.mel(sr=16000, n_fft=400, n_mels=40)
    print(f"mel filterbank max abs diff {np.abs(ours - ref).max():.2e}")
    torch_encoder = VoiceEncoder(device="cpu", verbose=False)
    worst_mel, cosines = 0.0, []
    for clip in clips:
        wav = preprocess_wav(clip)
        a = wav_to_mel_spectrogram(wav)
        b = speaker_features.mel_frames(wav)
        worst_mel = max(worst_mel, float(np.abs(a - b).max() / (np.abs(a).max() + 1e-9)))
        e_torch = torch_encoder.embed_utterance(wav)
        e_ours = speaker_encoder.embed_utterance(wav)
        cosines.append(float(e_torch @ e_ours))
        print(f"  {clip.name}: cosine {cosines[-1]:.6f}")
    print(f"mel max relative diff {worst_mel:.2e}; embedding cosine min {min(cosines):.6f} over {len(clips)} clips")
    if min(cosines) < 0.99:
        sys.exit("ONNX embeddings differ from torch Resemblyzer")


if __name__ == "__main__":
    if "--verify-only" not in sys.argv:
        export()
    verify()
