"""Who spoke: voiceprints for enrollment and offline diarization of a transcribed meeting.

Pipeline (see asr/speaker_clustering.py for the clustering itself):
1. Stream the recording (asr.decode.iter_chunks) and, for each transcript segment, embed 1.6 s windows
   every 0.4 s with the Resemblyzer encoder (ONNX, asr/speaker_encoder.py). Only the 256-d vectors are
   kept, so memory grows by ~1 KB per window, never with the audio.
2. Cluster the windows into speakers (count estimated; max_speakers only caps it).
3. Name clusters whose centroid matches an enrolled roster member's voiceprint above a calibrated
   threshold; the others become 发言人1, 发言人2, ... in order of first appearance.
4. Split a segment where the speaker changes inside it (text split in proportion to time, at punctuation
   when one is near).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from asr.speaker_clustering import ClusterParams, cluster_windows, normalize_rows, resegment
from asr.speaker_features import HOP, SAMPLE_RATE, mel_frames, normalize_volume
from core.errors import AudioError
from core.types import Segment

WINDOW_FRAMES = 160  # 1.6 s, the encoder's training length
STEP_FRAMES = 40  # 0.4 s between windows
MIN_WINDOW_FRAMES = 50  # shorter stretches are embedded as they are, but 0.5 s is the floor
MIN_ENROLL_SECONDS = 5.0  # speech needed for a usable voiceprint
SILENCE_RMS = 10 ** (-55 / 20)  # below -55 dBFS counts as silence
# Cosine between a speaker's centroid in a meeting and the same person's enrolled voiceprint: 0.907-0.967 on
# the corpus (truth and ASR segments); the best wrong member scored 0.83-0.93 (bench/speakers.py and the
# report of issue 4). Names are given one-to-one, best match first, and only above this, so an unknown voice
# stays anonymous unless it is very close to a member who is not otherwise matched. Calibrated on synthetic
# voices, which are closer to each other than real people's (two real speakers: about 0.6).
NAME_THRESHOLD = 0.90
AMBIGUITY_MARGIN = 0.04  # a member's voiceprint must prefer one speaker by this much over another candidate
# An enrollment clip is cut at every point; if the voice before and after a cut is less alike than this,
# it holds two people. One voice: 0.78-0.91 at its weakest cut (corpus clips, real AISHELL speakers across
# utterances); two real voices: 0.56. Synthetic voices made from one TTS voice can reach 0.94 and are not caught.
TWO_VOICES_BELOW = 0.70
# Back-to-back transcript segments whose mean voices are less alike than this are cut apart before the
# first clustering pass (a clear speaker change at a sentence boundary); subtler changes are left to
# resegmentation. Same voice: 0.85-0.97 between neighbouring sentences on the corpus; two real people 0.5-0.65.
CHANGE_BELOW = 0.80
ANONYMOUS = "发言人{}"
PUNCTUATION = "，。！？；：、,.!?;:"


@dataclass
class _Windows:
    vectors: list[np.ndarray]
    owner: list[int]  # index of the segment each window belongs to
    offset: list[float]  # window start, seconds from the start of the recording


def _embed_stretch(audio: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Embed 1.6 s windows every 0.4 s over one stretch of speech; returns vectors and window start frames."""
    from asr.speaker_encoder import embed_mels

    audio = normalize_volume(audio)
    mel = mel_frames(audio)
    if len(mel) < MIN_WINDOW_FRAMES:
        mel = np.pad(mel, ((0, MIN_WINDOW_FRAMES - len(mel)), (0, 0)))
    if len(mel) <= WINDOW_FRAMES:
        return embed_mels(mel[None]), [0]
    starts = list(range(0, len(mel) - WINDOW_FRAMES + 1, STEP_FRAMES))
    if len(mel) - (starts[-1] + WINDOW_FRAMES) > STEP_FRAMES // 2:
        starts.append(len(mel) - WINDOW_FRAMES)  # cover the tail too
    return embed_mels(np.stack([mel[s : s + WINDOW_FRAMES] for s in starts])), starts


def _speech_regions(audio: np.ndarray) -> list[tuple[int, int]]:
    """Sample ranges of speech (Silero VAD as shipped by faster-whisper)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    stamps = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=300, speech_pad_ms=100))
    return [(int(s["start"]), int(s["end"])) for s in stamps]


def _weakest_split(x: np.ndarray) -> float:
    """Lowest cosine between the mean voice before and after any cut that leaves a fifth on each side."""
    n = len(x)
    margin = max(3, n // 5)
    if n < 2 * margin:
        return 1.0
    before = np.cumsum(x, axis=0)
    total = before[-1]
    cuts = np.arange(margin, n - margin + 1)
    left = normalize_rows(before[cuts - 1])
    right = normalize_rows(total - before[cuts - 1])
    return float(np.min(np.sum(left * right, axis=1)))


def embed_voice(audio: np.ndarray) -> np.ndarray:
    """One L2-normalised 256-d voiceprint from one person's speech (float32 mono 16 kHz, >= ~5 s of speech).

    Raises AudioError for audio that is too short, silent, or holds two clearly different voices.
    """
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    seconds = len(audio) / SAMPLE_RATE
    if seconds < MIN_ENROLL_SECONDS:
        raise AudioError(f"声纹录音太短（{seconds:.1f} 秒），请录制至少 {MIN_ENROLL_SECONDS:.0f} 秒本人的连续讲话。")
    if float(np.sqrt(np.mean(audio**2))) < SILENCE_RMS:
        raise AudioError("声纹录音几乎是静音，请检查麦克风后重新录制。")
    regions = _speech_regions(audio)
    speech = sum(b - a for a, b in regions) / SAMPLE_RATE
    if speech < MIN_ENROLL_SECONDS:
        raise AudioError(
            f"声纹录音中的讲话太少（约 {speech:.1f} 秒），请录制至少 {MIN_ENROLL_SECONDS:.0f} 秒本人的连续讲话。"
        )
    vectors, runs = [], []
    for a, b in regions:
        v, _ = _embed_stretch(audio[a:b])
        runs.append(slice(sum(len(x) for x in vectors), sum(len(x) for x in vectors) + len(v)))
        vectors.append(v)
    x = normalize_rows(np.concatenate(vectors).astype(np.float64))
    if _weakest_split(x) < TWO_VOICES_BELOW:
        raise AudioError("声纹录音中似乎有两个人的声音，请只录本人讲话后重新登记。")
    voiceprint = x.mean(axis=0)
    return (voiceprint / np.linalg.norm(voiceprint)).astype(np.float32)


def _collect_windows(audio_path: Path, segments: Sequence[Segment], chunk_seconds: float = 30.0,
                     progress: Callable[[float], None] | None = None) -> _Windows:
    """Stream the recording once and embed windows inside every segment (segments sorted by start)."""
    from asr.decode import iter_chunks

    out = _Windows([], [], [])
    order = sorted(range(len(segments)), key=lambda i: (segments[i].start, segments[i].end))
    buffer = np.zeros(0, dtype=np.float32)
    buffer_start = 0  # sample index of buffer[0]
    next_seg = 0
    total = max((s.end for s in segments), default=0.0)

    def flush(final: bool) -> None:
        nonlocal next_seg
        buffer_end = buffer_start + len(buffer)
        while next_seg < len(order):
            seg = segments[order[next_seg]]
            a, b = int(seg.start * SAMPLE_RATE), int(seg.end * SAMPLE_RATE)
            if b > buffer_end and not final:
                return
            piece = buffer[max(0, a - buffer_start) : max(0, min(b, buffer_end) - buffer_start)]
            if len(piece) >= HOP:
                vectors, starts = _embed_stretch(piece)
                out.vectors.append(vectors)
                out.owner.extend([order[next_seg]] * len(vectors))
                out.offset.extend(seg.start + s * HOP / SAMPLE_RATE for s in starts)
            next_seg += 1

    for chunk in iter_chunks(audio_path, chunk_seconds):
        buffer = np.concatenate([buffer, chunk])
        flush(final=False)
        # Keep only what unprocessed segments still need (segments may overlap a little).
        keep_from = min((int(segments[order[i]].start * SAMPLE_RATE) for i in range(next_seg, len(order))),
                        default=buffer_start + len(buffer))
        drop = max(0, min(keep_from - buffer_start, len(buffer)))
        buffer, buffer_start = buffer[drop:], buffer_start + drop
        if progress and total:
            progress(min(1.0, buffer_start / SAMPLE_RATE / total))
        if next_seg >= len(order):
            break
    flush(final=True)
    return out


def _name_clusters(centroids: np.ndarray, voiceprints: dict[str, np.ndarray], roster: Sequence[str],
                   threshold: float) -> dict[int, str]:
    """One-to-one names for clusters whose centroid is close enough to a roster member's voiceprint."""
    allowed = [n for n in voiceprints if not roster or n in roster]
    if not allowed or not len(centroids):
        return {}
    prints = normalize_rows(np.stack([np.asarray(voiceprints[n], dtype=np.float64) for n in allowed]))
    sim = centroids @ prints.T
    names: dict[int, str] = {}
    skipped: set[int] = set()
    # Greedy on the highest similarity: with a handful of speakers this equals the optimal assignment
    # in practice and needs no scipy.
    for flat in np.argsort(-sim, axis=None):
        c, p = divmod(int(flat), len(allowed))
        if sim[c, p] < threshold:
            break
        if c in names or allowed[p] in names.values() or p in skipped:
            continue
        # Two still-unnamed speakers both close to this member: too close to call, name neither.
        rivals = [sim[other, p] for other in range(len(centroids)) if other != c and other not in names]
        if rivals and sim[c, p] - max(rivals) < AMBIGUITY_MARGIN and max(rivals) >= threshold:
            skipped.add(p)
            continue
        names[c] = allowed[p]
    return names


def _split_text(text: str, fractions: Sequence[float]) -> list[str]:
    """Cut text at the given fractions of its length, moving each cut to a punctuation mark when one is near."""
    cuts, n = [], len(text)
    for f in fractions:
        target = int(round(f * n))
        best = target
        for d in range(0, max(3, n // 10) + 1):
            for pos in (target - d, target + d):
                if 0 < pos <= n and text[pos - 1] in PUNCTUATION:
                    best = pos
                    break
            else:
                continue
            break
        cuts.append(min(max(best, cuts[-1] if cuts else 0), n))
    bounds = [0, *cuts, n]
    return [text[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]


def _segment_turns(seg: Segment, offsets: list[float], labels: list[int], min_turn: float) -> list[tuple[float, float, int]]:
    """(start, end, label) pieces of one segment from its window labels; short flickers are absorbed."""
    half = WINDOW_FRAMES * HOP / SAMPLE_RATE / 2
    centres = [o + half for o in offsets]
    pieces: list[list] = []
    for i, lab in enumerate(labels):
        if pieces and pieces[-1][2] == lab:
            continue
        cut = seg.start if not pieces else (centres[i - 1] + centres[i]) / 2
        if pieces:
            pieces[-1][1] = cut
        pieces.append([cut, seg.end, lab])
    # Absorb pieces shorter than min_turn into the longer neighbour.
    changed = True
    while changed and len(pieces) > 1:
        changed = False
        for i, (a, b, _lab) in enumerate(pieces):
            if b - a < min_turn:
                j = i - 1 if i == len(pieces) - 1 or (i > 0 and pieces[i - 1][1] - pieces[i - 1][0]
                                                      >= pieces[i + 1][1] - pieces[i + 1][0]) else i + 1
                lo, hi = min(i, j), max(i, j)
                keep = pieces[j][2]
                pieces[lo:hi + 1] = [[pieces[lo][0], pieces[hi][1], keep]]
                changed = True
                break
        # merge equal neighbours created by absorption
        merged: list[list] = []
        for p in pieces:
            if merged and merged[-1][2] == p[2]:
                merged[-1][1] = p[1]
            else:
                merged.append(p)
        pieces = merged
    return [(a, b, lab) for a, b, lab in pieces]


def diarize(audio_path: Path, segments: list[Segment], *, max_speakers: int | None = None,
            voiceprints: dict[str, np.ndarray] | None = None, roster: Sequence[str] = (),
            name_threshold: float = NAME_THRESHOLD, min_turn: float = 1.2, run_gap: float = 0.3,
            change_below: float = CHANGE_BELOW, voiceprint_weight: float = 1.0,
            params: ClusterParams | None = None,
            progress: Callable[[float], None] | None = None) -> list[Segment]:
    """New segments with .speaker set (roster names where voiceprints match, else 发言人N); see module doc."""
    segments = list(segments)
    if not segments:
        return []
    windows = _collect_windows(Path(audio_path), segments, progress=progress)
    if not windows.vectors:
        return [replace(s, speaker=ANONYMOUS.format(1)) for s in segments]
    x = normalize_rows(np.concatenate(windows.vectors).astype(np.float64))
    owner = np.array(windows.owner)
    # Runs: windows of back-to-back segments (the recogniser often cuts one stretch of speech into
    # sentences, and a speaker change can fall inside or between them); windows are in time order.
    runs = [slice(int(i), int(j)) for i, j in _run_bounds(owner, segments, run_gap)]
    segment_runs = [slice(int(i), int(j)) for i, j in _run_bounds(owner, segments, 0.0)]
    unit_runs = _cut_at_voice_changes(x, runs, segment_runs, change_below)
    labels = cluster_windows(x, runs, max_speakers=max_speakers, params=params, unit_runs=unit_runs,
                             segments=segment_runs)
    k = int(labels.max()) + 1
    centroids = normalize_rows(np.stack([x[labels == c].mean(axis=0) for c in range(k)]))
    names = _name_clusters(centroids, voiceprints or {}, roster, name_threshold)
    if names and voiceprint_weight > 0:
        # A named speaker's enrolled voice is extra evidence of what they sound like: pull the centroid
        # towards it and reassign every window once more (helps where two voices are close).
        for c, name in names.items():
            vp = np.asarray(voiceprints[name], dtype=np.float64)
            centroids[c] = centroids[c] + voiceprint_weight * vp / np.linalg.norm(vp)
        centroids = normalize_rows(centroids)
        p = params or ClusterParams()
        labels = resegment(x, runs, centroids, p.switch_penalty)

    by_segment: dict[int, tuple[list[float], list[int]]] = {}
    for off, seg_index, lab in zip(windows.offset, owner, labels, strict=True):
        offs, labs = by_segment.setdefault(int(seg_index), ([], []))
        offs.append(off)
        labs.append(int(lab))

    pieces: list[tuple[Segment, float, float, int]] = []
    for index, seg in enumerate(segments):
        if index not in by_segment:
            pieces.append((seg, seg.start, seg.end, -1))
            continue
        offs, labs = by_segment[index]
        for a, b, lab in _segment_turns(seg, offs, labs, min_turn):
            pieces.append((seg, a, b, lab))
    _fill_unlabelled(pieces)

    # Anonymous numbering in order of first appearance in time.
    order: dict[int, str] = {}
    for _seg, _a, _b, lab in sorted(pieces, key=lambda p: p[1]):
        if lab not in names and lab not in order:
            order[lab] = ANONYMOUS.format(len(order) + 1)
    label_name = {**order, **names}

    result: list[Segment] = []
    for seg, group in _group_by_segment(pieces):
        if len(group) == 1:
            result.append(replace(seg, speaker=label_name[group[0][3]]))
            continue
        span = seg.end - seg.start
        fractions = [(g[2] - seg.start) / span for g in group[:-1]] if span > 0 else [0.0] * (len(group) - 1)
        texts = _split_text(seg.text, fractions)
        for (_s, a, b, lab), text in zip(group, texts, strict=True):
            result.append(replace(seg, start=round(a, 3), end=round(b, 3), text=text, speaker=label_name[lab]))
    return result


def _run_bounds(owner: np.ndarray, segments: Sequence[Segment], gap: float) -> Iterable[tuple[int, int]]:
    """Index ranges of windows whose segments follow each other with less than `gap` seconds of pause."""
    start = 0
    for i in range(1, len(owner) + 1):
        if i < len(owner) and owner[i] == owner[i - 1]:
            continue
        if i < len(owner) and segments[owner[i]].start - segments[owner[i - 1]].end < gap:
            continue
        yield start, i
        start = i


def _cut_at_voice_changes(x: np.ndarray, runs: list[slice], segment_runs: list[slice], below: float) -> list[slice]:
    """Split runs at the segment boundaries where the voice clearly changes."""
    starts = {r.start for r in runs}
    out: list[slice] = []
    current = segment_runs[0].start if segment_runs else 0
    for prev, nxt in zip(segment_runs, segment_runs[1:], strict=False):
        if nxt.start in starts:
            out.append(slice(current, nxt.start))
            current = nxt.start
            continue
        a = x[prev].mean(axis=0)
        b = x[nxt].mean(axis=0)
        if float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))) < below:
            out.append(slice(current, nxt.start))
            current = nxt.start
    if segment_runs:
        out.append(slice(current, segment_runs[-1].stop))
    return out


def _fill_unlabelled(pieces: list[tuple[Segment, float, float, int]]) -> None:
    """Segments too short to embed take the label of the nearest labelled piece in time."""
    labelled = [(p[1], p[2], p[3]) for p in pieces if p[3] >= 0]
    if not labelled:
        for i, p in enumerate(pieces):
            pieces[i] = (p[0], p[1], p[2], 0)
        return
    for i, p in enumerate(pieces):
        if p[3] < 0:
            mid = (p[1] + p[2]) / 2
            nearest = min(labelled, key=lambda q: min(abs(mid - q[0]), abs(mid - q[1])))
            pieces[i] = (p[0], p[1], p[2], nearest[2])


def _group_by_segment(pieces: list[tuple[Segment, float, float, int]]):
    group: list[tuple[Segment, float, float, int]] = []
    for p in pieces:
        if group and p[0] is not group[0][0]:
            yield group[0][0], group
            group = []
        group.append(p)
    if group:
        yield group[0][0], group

