"""Voice pitch as a speaker feature: a YIN F0 tracker in numpy and per-window pitch statistics.

The d-vector encoder hears little difference between voices that differ mainly in pitch (the corpus's voices
are one TTS voice at other pitches; some real colleagues sound alike too), while the median F0 of a speaker
is a stable trait that classic diarization has long used. Frames are 10 ms apart and centred like the mel
frames (asr/speakers/features.py), so frame i of a stretch lies under mel frame i and a 1.6 s embedding window
covers the same 160 pitch frames.

The tracker works on the stretch low-passed to 1 kHz and decimated to 8 kHz (formants above that cause octave
errors; the F0 of speech lies in 60-420 Hz), with YIN's cumulative-mean-normalised difference function
(de Cheveigné & Kawahara 2002) computed with FFTs in blocks, so memory stays flat in the stretch's length.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from asr.speakers.features import HOP, SAMPLE_RATE

RATE = 8000  # the tracker's sample rate
DECIMATE = SAMPLE_RATE // RATE
FRAME_HOP = HOP // DECIMATE  # 10 ms at 8 kHz
FMIN, FMAX = 60.0, 420.0
TAU_MIN = int(RATE // FMAX)
TAU_MAX = int(np.ceil(RATE / FMIN))
INTEGRATION = 200  # 25 ms of signal compared with itself one period later
FFT_SIZE = 512  # >= INTEGRATION + TAU_MAX, so the correlation never wraps
# YIN's aperiodicity threshold: a frame is voiced when its normalised difference dips below this. 0.15 is the
# paper's choice for clean speech; far-room reverberation raises the dips of real voicing to about 0.25.
THRESHOLD = 0.25
QUIET_DB = 35.0  # frames this far below the stretch's loud frames are pauses, not voicing
BLOCK = 4096  # frames per FFT block
REFERENCE_HZ = 100.0  # semitones are counted from here
MIN_VOICED = 20  # voiced frames (0.2 s) a window needs for its pitch to count


@lru_cache(maxsize=1)
def _lowpass() -> np.ndarray:
    """63-tap Hamming-windowed sinc, 1 kHz cut-off at 16 kHz (also the decimation's anti-alias filter)."""
    n = np.arange(63) - 31
    taps = np.sinc(2 * 1000.0 / SAMPLE_RATE * n) * np.hamming(63)
    return taps / taps.sum()


def f0_track(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F0 in Hz of every 10 ms frame of a 16 kHz stretch (1 + len // 160 frames, centred like mel frames)
    and whether each frame is voiced (F0 of unvoiced frames is 0)."""
    audio = np.asarray(audio, dtype=np.float64).reshape(-1)
    n_frames = 1 + len(audio) // HOP
    if len(audio) < 2 * TAU_MAX * DECIMATE:
        return np.zeros(n_frames), np.zeros(n_frames, dtype=bool)
    low = np.convolve(audio, _lowpass(), mode="same")[::DECIMATE]
    span = INTEGRATION + TAU_MAX
    # Frame i is centred at sample i * FRAME_HOP: pad so every frame has its full span.
    half = span // 2
    padded = np.pad(low, (half, span))
    frames_all = np.lib.stride_tricks.sliding_window_view(padded, span)[::FRAME_HOP][:n_frames]
    f0 = np.zeros(n_frames)
    aperiodic = np.ones(n_frames)
    energy = np.zeros(n_frames)
    taus = np.arange(TAU_MAX + 1)
    for start in range(0, n_frames, BLOCK):
        frames = frames_all[start : start + BLOCK]
        head = np.zeros((len(frames), FFT_SIZE))
        head[:, :INTEGRATION] = frames[:, :INTEGRATION]
        corr = np.fft.irfft(np.conj(np.fft.rfft(head, axis=1)) * np.fft.rfft(frames, FFT_SIZE, axis=1),
                            FFT_SIZE, axis=1)[:, : TAU_MAX + 1]
        squares = np.concatenate([np.zeros((len(frames), 1)), np.cumsum(frames**2, axis=1)], axis=1)
        e0 = squares[:, INTEGRATION][:, None]
        e_tau = squares[:, taus + INTEGRATION] - squares[:, taus]
        diff = np.maximum(e0 + e_tau - 2 * corr, 0.0)
        # Cumulative mean normalisation: d'(tau) = d(tau) * tau / sum_{j<=tau} d(j); d'(0) = 1.
        cum = np.cumsum(diff[:, 1:], axis=1)
        norm = np.ones_like(diff)
        norm[:, 1:] = diff[:, 1:] * taus[1:] / np.maximum(cum, 1e-12)
        search = norm[:, TAU_MIN : TAU_MAX]
        below = search < THRESHOLD
        # YIN: the first dip below the threshold, followed to its local minimum (not the global minimum,
        # which is often a multiple of the period: an octave too low).
        first = np.where(below.any(axis=1), below.argmax(axis=1), search.argmin(axis=1))
        idx = first.copy()
        rows = np.arange(len(frames))
        for _ in range(TAU_MAX):
            step = (idx + 1 < search.shape[1]) & (search[rows, np.minimum(idx + 1, search.shape[1] - 1)]
                                                  < search[rows, idx])
            if not step.any():
                break
            idx = idx + step
        tau = idx + TAU_MIN
        # Parabolic interpolation of the dip for a sub-sample period.
        left = norm[rows, np.maximum(tau - 1, 1)]
        mid = norm[rows, tau]
        right = norm[rows, np.minimum(tau + 1, TAU_MAX)]
        denom = left - 2 * mid + right
        shift = np.where(np.abs(denom) > 1e-12, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0.0)
        period = tau + np.clip(shift, -0.5, 0.5)
        f0[start : start + len(frames)] = RATE / period
        aperiodic[start : start + len(frames)] = mid
        energy[start : start + len(frames)] = e0[:, 0]
    level = 10 * np.log10(energy + 1e-12)
    loud = np.percentile(level, 95)
    voiced = (aperiodic < THRESHOLD) & (level > loud - QUIET_DB) & (f0 >= FMIN) & (f0 <= FMAX)
    return np.where(voiced, f0, 0.0), voiced


def semitones(f0: np.ndarray) -> np.ndarray:
    """Hz -> semitones above 100 Hz (a speaker's pitch spread is about the same on this scale, high or low)."""
    return 12.0 * np.log2(np.maximum(f0, 1e-6) / REFERENCE_HZ)


def window_pitch(audio: np.ndarray, starts: list[int], window_frames: int, context: int = 0) -> np.ndarray:
    """(n, 2) per embedding window of a stretch: median pitch in semitones over the voiced frames of the window
    widened by `context` frames each side within the stretch (NaN when fewer than MIN_VOICED), and the number
    of those voiced frames. starts: the windows' first mel frames."""
    f0, voiced = f0_track(audio)
    st = semitones(f0)
    out = np.full((len(starts), 2), np.nan)
    for i, s in enumerate(starts):
        lo, hi = max(0, s - context), s + window_frames + context
        v = voiced[lo:hi]
        out[i, 1] = int(v.sum())
        if out[i, 1] >= MIN_VOICED:
            out[i, 0] = float(np.median(st[lo:hi][v]))
    return out


def fill_missing(pitch: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Median pitch per window with gaps (NaN) filled from the nearest window of the same region that has one;
    windows of a region with no voiced window stay NaN."""
    values = pitch[:, 0].copy()
    for region in np.unique(owner):
        idx = np.flatnonzero(owner == region)
        known = idx[~np.isnan(values[idx])]
        if len(known) == 0 or len(known) == len(idx):
            continue
        missing = idx[np.isnan(values[idx])]
        nearest = known[np.abs(missing[:, None] - known[None, :]).argmin(axis=1)]
        values[missing] = values[nearest]
    return values


def pitch_vectors(values: np.ndarray, weight: float, scale: float) -> np.ndarray:
    """(n, 2) pitch part of each window's feature vector: the pitch as an angle on a circle of radius `weight`.

    The dot product of two such vectors is weight^2 * cos((p1 - p2) / scale), a similarity that falls with the
    pitch difference, so appended to the unit d-vector it adds a pitch term to every cosine the clustering
    computes (centroids average it like the rest). Pitch is taken relative to the meeting's median and clipped
    to +-1.5 scale radians, so no two windows are more than pi apart. Windows without pitch get zeros (only
    their d-vector speaks).
    """
    out = np.zeros((len(values), 2))
    ok = ~np.isnan(values)
    if weight <= 0 or not ok.any():
        return out
    angle = np.clip((values[ok] - np.median(values[ok])) / scale, -1.5, 1.5)
    out[ok, 0] = weight * np.cos(angle)
    out[ok, 1] = weight * np.sin(angle)
    return out
