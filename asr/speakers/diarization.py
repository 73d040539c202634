"""Who spoke: voiceprints for enrollment and offline diarization of a transcribed meeting.

Speaker turns come from the audio, not from the transcript's timings (Whisper's segments span pauses and
drift by seconds):
1. find_turns: stream the recording once (asr/speakers/turns.py): Silero VAD speech regions, 1.6 s
   Resemblyzer windows every 0.4 s inside them (ONNX, asr/speakers/encoder.py; only the 256-d vectors are
   kept, so memory grows by ~1 KB per window, never with the audio), change points inside continuous
   speech; cluster the windows into speakers (asr/speakers/clustering.py: count estimated, max_speakers
   only caps it); name clusters whose centroid matches an enrolled roster member's voiceprint above a
   calibrated threshold.
2. label_segments (asr/speakers/attribution.py): each transcript segment takes the speaker heard under it,
   trimmed to the speech (no margin unless collar is given) and split where it covers two speakers' turns; its text
   is cut in proportion to each speaker's speech time, at punctuation when one is near. Unnamed speakers
   become 发言人1, 发言人2, ... in order of first appearance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from asr.speakers.attribution import attribute, pad_into_silence
from asr.speakers.clustering import ClusterParams, centroids_of, cluster_windows, normalize_rows, resegment
from asr.speakers.features import SAMPLE_RATE
from asr.speakers.pitch import fill_missing, pitch_vectors
from asr.speakers.roster import allowed_voiceprints, roster_segmentation
from asr.speakers.turns import (
    SpeechScan,
    bridge_pauses,
    change_points,
    embed_stretch,
    region_turns,
    scan_recording,
    speech_sample_ranges,
)
from core.errors import AudioError
from core.types import Segment

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
# One speaker's turns less than this apart are one utterance: the pause is part of it (a comma, a breath).
# Between the VAD's padded regions, pauses inside a sentence measure 0.15-0.47 s on the corpus, pauses
# between sentences 0.47-1.3 s.
BRIDGE = 0.45
# Labelled segments can be widened by up to this much into the silence around them (never past half the pause
# to the next one). None by default: a segment spans the speech as spoken (the VAD regions already keep 100 ms
# before a word onset, so playback does not clip it), which is what the report's speaking time adds up and what
# exact references score. Corpus mean DER (bench/speakers.py --collar, nothing enrolled) 0.184 / 0.194 / 0.204 /
# 0.227 at 0 / 0.05 / 0.1 / 0.22 s, on odd and even meetings alike (0.189/0.178 at 0, 0.234/0.221 at 0.22); every
# 0.1 s adds about 2 % of false speaking time. The real AISHELL file reads 0.195 at 0 against 0.091 at 0.22, all
# of it missed speech where its reference keeps the recordings' own lead-in and tail: those frames are
# unvoiced and 14 dB below the speech (room noise), none is confusion or false alarm.
COLLAR = 0.0
# The voice in the 1.6 s before and after a point of continuous speech: one speaker 0.73-1.0 on the corpus
# (4-window means, 1.2 s apart); a change of speaker without a pause dips to about 0.55.
CHANGE_INSIDE = 0.66
# Pitch next to the d-vector in each window's feature (asr/speakers/pitch.py): the pitch part's length against
# the unit d-vector, and the semitones of pitch difference that make one radian. Off: on the corpus (no
# enrolment, bench/speakers.py --pitch-weight) mean DER 0.227 at 0, 0.244 at 0.3, 0.319 at 0.5, 0.454 at 0.8,
# worse on both halves. A window's pitch varies by 1.4-2.2 semitones within one voice (intonation), more than
# many pairs of the corpus's voices differ (0.2-1.2), so it adds noise to the window scores; with the true
# speakers' centroids windows are assigned right 0.935 of the time on d-vectors alone, 0.898 with pitch at 0.3.
PITCH_WEIGHT = 0.0
PITCH_SCALE = 3.0
ANONYMOUS = "发言人{}"
PUNCTUATION = "，。！？；：、,.!?;:"


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
    regions = speech_sample_ranges(audio)
    speech = sum(b - a for a, b in regions) / SAMPLE_RATE
    if speech < MIN_ENROLL_SECONDS:
        raise AudioError(
            f"声纹录音中的讲话太少（约 {speech:.1f} 秒），请录制至少 {MIN_ENROLL_SECONDS:.0f} 秒本人的连续讲话。"
        )
    vectors = [embed_stretch(audio[a:b])[0] for a, b in regions]
    return voiceprint_from_windows(np.concatenate(vectors))


def voiceprint_from_windows(vectors: np.ndarray) -> np.ndarray:
    """The voiceprint of one person's window embeddings; AudioError when they hold two voices."""
    x = normalize_rows(np.asarray(vectors, dtype=np.float64))
    if _weakest_split(x) < TWO_VOICES_BELOW:
        raise AudioError("声纹录音中似乎有两个人的声音，请只录本人讲话后重新登记。")
    voiceprint = x.mean(axis=0)
    return (voiceprint / np.linalg.norm(voiceprint)).astype(np.float32)


def voiceprint_from_scan(scan: SpeechScan) -> np.ndarray:
    """The voiceprint of an enrolment clip already scanned (scan_recording), without the length checks."""
    return voiceprint_from_windows(np.concatenate(scan.vectors))


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


@dataclass
class SpeakerTurns:
    """Who spoke when, found in the audio: (start, end, label) turns in time order and the enrolled names."""

    turns: list[tuple[float, float, int]] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # label -> roster member, for matched voiceprints
    duration: float | None = None  # seconds of audio, when known


def find_turns(audio_path: Path, *, max_speakers: int | None = None,
               voiceprints: dict[str, np.ndarray] | None = None, roster: Sequence[str] = (),
               name_threshold: float = NAME_THRESHOLD, min_turn: float = 1.2, run_gap: float = 0.3,
               change_below: float = CHANGE_BELOW, voiceprint_weight: float = 1.0, bridge: float = BRIDGE,
               change_inside: float = CHANGE_INSIDE, params: ClusterParams | None = None, total_seconds: float | None = None,
               progress: Callable[[float], None] | None = None, roster_states: bool = False,
               pitch_weight: float = PITCH_WEIGHT, pitch_scale: float = PITCH_SCALE,
               checkpoint: Path | None = None, scan: SpeechScan | None = None) -> SpeakerTurns:
    """Speaker turns of a recording from its speech regions, independent of any transcript. checkpoint: the
    scan made while it was recorded (asr.speakers.turns.SpeechScanner.save), taken up where it stopped;
    scan: the recording's scan made already (beside recognition, app.pipeline)."""
    if scan is None:
        scan = scan_recording(Path(audio_path), progress=progress, total_seconds=total_seconds,
                              pitch=scan_uses_pitch(pitch_weight, params), checkpoint=checkpoint)
    return turns_from_scan(scan, max_speakers=max_speakers, voiceprints=voiceprints, roster=roster,
                           name_threshold=name_threshold, min_turn=min_turn, run_gap=run_gap,
                           change_below=change_below, voiceprint_weight=voiceprint_weight, bridge=bridge,
                           change_inside=change_inside, params=params, roster_states=roster_states,
                           pitch_weight=pitch_weight, pitch_scale=pitch_scale)


def scan_uses_pitch(pitch_weight: float = PITCH_WEIGHT, params: ClusterParams | None = None) -> bool:
    """Whether the scan must track pitch for these settings (a scan made while recording asks the same)."""
    return pitch_weight > 0 or (params is not None and params.pitch_penalty > 0)


def window_pitch_values(scan: SpeechScan) -> np.ndarray | None:
    """Each window's median pitch in semitones (gaps filled within a region; NaN where a region has none), or
    None for a scan made without pitch."""
    if not scan.pitch or len(scan.pitch) != len(scan.vectors):
        return None
    return fill_missing(np.concatenate(scan.pitch), np.array(scan.owner))


def window_features(scan: SpeechScan, pitch_weight: float = PITCH_WEIGHT, pitch_scale: float = PITCH_SCALE
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(unit d-vectors, clustering features) of a scan's windows: the features are the d-vectors with each
    window's pitch appended (see speaker_pitch.pitch_vectors), renormalised; the d-vectors alone when the scan
    has no pitch or the weight is 0."""
    x = normalize_rows(np.concatenate(scan.vectors).astype(np.float64))
    values = window_pitch_values(scan)
    if pitch_weight <= 0 or values is None:
        return x, x
    return x, normalize_rows(np.hstack([x, pitch_vectors(values, pitch_weight, pitch_scale)]))


def turns_from_scan(scan: SpeechScan, *, max_speakers: int | None = None,
                    voiceprints: dict[str, np.ndarray] | None = None, roster: Sequence[str] = (),
                    name_threshold: float = NAME_THRESHOLD, min_turn: float = 1.2, run_gap: float = 0.3,
                    change_below: float = CHANGE_BELOW, voiceprint_weight: float = 1.0, bridge: float = BRIDGE,
                    change_inside: float = CHANGE_INSIDE, params: ClusterParams | None = None,
                    roster_states: bool = False, pitch_weight: float = PITCH_WEIGHT,
                    pitch_scale: float = PITCH_SCALE) -> SpeakerTurns:
    """Speaker turns from a scanned recording (the window embeddings; cheap, so tuning can reuse a scan)."""
    if not scan.vectors:
        return SpeakerTurns(duration=scan.duration)
    voice, x = window_features(scan, pitch_weight, pitch_scale)
    owner = np.array(scan.owner)
    regions = [Segment(a, b, "") for a, b in scan.regions]
    # Runs: windows of regions that follow each other closely (a speaker change can fall inside or
    # between them; Viterbi smoothing works within a run); units of the first pass never cross a clear
    # voice change between regions.
    runs = [slice(int(i), int(j)) for i, j in _run_bounds(owner, regions, run_gap)]
    region_runs = [slice(int(i), int(j)) for i, j in _run_bounds(owner, regions, 0.0)]
    unit_runs = _split_runs(_cut_at_voice_changes(x, runs, region_runs, change_below),
                            change_points(x, np.asarray(scan.offset), change_inside))
    # Same-voice reference similarity across runs, not regions: regions split sentences at short pauses,
    # and neighbours within one sentence would overstate how alike one voice is to itself.
    labels = cluster_windows(x, runs, max_speakers=max_speakers, params=params, unit_runs=unit_runs,
                             segments=runs, pitch=window_pitch_values(scan))
    k = int(labels.max()) + 1
    allowed = allowed_voiceprints(voiceprints or {}, roster)
    p = params or ClusterParams()
    names: dict[int, str] = {}
    if allowed and roster_states:
        # Voiceprints are d-vectors only: the roster states work on the windows' d-vectors.
        result = roster_segmentation(voice, runs, labels, allowed, p.switch_penalty, p.min_windows)
        labels, names = result.labels, result.names
    elif allowed:
        names = _name_clusters(centroids_of(voice, labels, k), voiceprints or {}, roster, name_threshold)
    if names and voiceprint_weight > 0 and not roster_states:
        # A named speaker's enrolled voice is extra evidence of what they sound like: pull the centroid
        # towards it and reassign every window once more (helps where two voices are close).
        centroids = centroids_of(x, labels, k)
        for c, name in names.items():
            vp = np.asarray(voiceprints[name], dtype=np.float64)
            centroids[c, : len(vp)] += voiceprint_weight * vp / np.linalg.norm(vp)
        centroids = normalize_rows(centroids)
        labels = resegment(x, runs, centroids, p.switch_penalty)
    turns: list[tuple[float, float, int]] = []
    for run in region_runs:
        a, b = scan.regions[int(owner[run.start])]
        turns += region_turns(a, b, scan.offset[run.start : run.stop], labels[run].tolist(), min_turn)
    return SpeakerTurns(bridge_pauses(turns, bridge), names, scan.duration)


def label_segments(segments: Sequence[Segment], found: SpeakerTurns, *, min_piece: float = 0.8,
                   collar: float = COLLAR) -> list[Segment]:
    """Transcript segments with .speaker set from the turns: trimmed to speech, split at speaker changes."""
    segments = list(segments)
    if not found.turns:
        return [replace(s, speaker=ANONYMOUS.format(1)) for s in segments]
    pieces = attribute(segments, found.turns, min_piece)
    # Anonymous numbering in order of first appearance in the transcript.
    order: dict[int, str] = {}
    for piece in sorted((p for group in pieces for p in group), key=lambda p: p.start):
        if piece.label not in found.names and piece.label not in order:
            order[piece.label] = ANONYMOUS.format(len(order) + 1)
    label_name = {**order, **found.names}
    result: list[Segment] = []
    for seg, group in zip(segments, pieces, strict=True):
        speech = sum(p.speech for p in group)
        fractions, done = [], 0.0
        for p in group[:-1]:
            done += p.speech
            fractions.append(done / speech if speech > 0 else 0.0)
        texts = _split_text(seg.text, fractions) if len(group) > 1 else [seg.text]
        for p, text in zip(group, texts, strict=True):
            result.append(replace(seg, start=p.start, end=p.end, text=text, speaker=label_name[p.label]))
    if collar > 0:
        order_in_time = sorted(range(len(result)), key=lambda i: (result[i].start, result[i].end))
        spans = pad_into_silence([(result[i].start, result[i].end) for i in order_in_time], collar, found.duration)
        for i, (a, b) in zip(order_in_time, spans, strict=True):
            result[i] = replace(result[i], start=a, end=b)
    return [replace(s, start=round(s.start, 3), end=round(s.end, 3)) for s in result]


def diarize(audio_path: Path, segments: list[Segment], *, max_speakers: int | None = None,
            voiceprints: dict[str, np.ndarray] | None = None, roster: Sequence[str] = (),
            min_piece: float = 0.8, collar: float = COLLAR,
            progress: Callable[[float], None] | None = None, **turn_options) -> list[Segment]:
    """New segments with .speaker set (roster names where voiceprints match, else 发言人N); see module doc.

    Turns come from the audio (find_turns); each segment is trimmed to the speech under it and split where
    the speaker changes inside it (label_segments).
    """
    segments = list(segments)
    if not segments:
        return []
    found = find_turns(Path(audio_path), max_speakers=max_speakers, voiceprints=voiceprints, roster=roster,
                       total_seconds=max(s.end for s in segments), progress=progress, **turn_options)
    return label_segments(segments, found, min_piece=min_piece, collar=collar)


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


def _split_runs(runs: list[slice], cuts: Sequence[int]) -> list[slice]:
    """Runs cut further at the given window indices."""
    out: list[slice] = []
    cuts = sorted(cuts)
    for run in runs:
        start = run.start
        for c in cuts:
            if start < c < run.stop:
                out.append(slice(start, c))
                start = c
        out.append(slice(start, run.stop))
    return out


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
