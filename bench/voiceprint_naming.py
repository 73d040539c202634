"""How well enrolled voiceprints name a meeting's speakers when the clusters are right (issue 21): oracle
clusters (each reference speaker's windows), so naming is measured apart from clustering.

    .venv/bin/python bench/voiceprint_naming.py [--corpus DIR]

Per room profile, with every speaker enrolled, the share named right by:
  threshold  today's rule (asr.speakers._name_clusters: one-to-one, raw cosine >= NAME_THRESHOLD)
  assign     the best one-to-one assignment on raw cosine, no threshold
  centred    the same on cosine after subtracting each side's mean (meeting centroids, enrolled prints) and
             z-normalising each cluster's row: channel effects of the room cancel
and, for the rejection an app needs, 'unk': the meeting's first speaker left unenrolled and three voiceprints
of other meetings' people added: how often that speaker took a name under each rule. The corpus is one TTS
voice at other pitches and tempi, so the strangers are drawn from voices set apart from that speaker's
(pitch 150 cents or tempo 0.06 away): otherwise a "stranger" can be the same voice.
Scans come from bench/speakers.py's cache (/tmp/spk-cache), so a run after bench/speakers.py takes seconds.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from speakers import cached_scan  # noqa: E402

from asr.speakers import NAME_THRESHOLD, voiceprint_from_scan  # noqa: E402
from asr.speakers.diarization import _name_clusters  # noqa: E402
from bench.corpus_paths import SYNTHETIC  # noqa: E402

AUDIO = (".wav", ".m4a", ".mp3", ".flac", ".ogg")


def _unit(a: np.ndarray) -> np.ndarray:
    return a / np.linalg.norm(a, axis=-1, keepdims=True)


def _best_assignment(score: np.ndarray) -> dict[int, int]:
    """Exhaustive one-to-one assignment (clusters <= 8 here): cluster -> print."""
    n, m = score.shape
    best: tuple[float, tuple[int, ...]] | None = None
    for perm in itertools.permutations(range(m), min(n, m)):
        value = sum(score[i, p] for i, p in enumerate(perm))
        if best is None or value > best[0]:
            best = (value, perm)
    return dict(enumerate(best[1])) if best else {}


def _centred(c: np.ndarray, p: np.ndarray) -> np.ndarray:
    s = _unit(c - c.mean(0)) @ _unit(p - p.mean(0)).T
    return (s - s.mean(1, keepdims=True)) / (s.std(1, keepdims=True) + 1e-9)


def _voices(corpus: Path, name: str) -> dict[str, dict]:
    truth = json.loads((corpus / f"{name}.truth.json").read_text(encoding="utf-8"))
    return {s["name"]: s.get("voice", {}) for s in truth.get("speakers", {}).values()}


def _apart(a: dict, b: dict) -> bool:
    return abs(a.get("pitch", 0) - b.get("pitch", 0)) >= 150 or abs(a.get("tempo", 1) - b.get("tempo", 1)) >= 0.06


def _strangers(data: dict, voices: dict, meeting: str, speaker: str, k: int) -> list[tuple[str, np.ndarray]]:
    """Three enrolled voices of other meetings, each set apart from `speaker`'s, the same ones every run."""
    own = voices[meeting].get(speaker, {})
    pool = [(f"{m}:{n}", p) for m in sorted(data) if m != meeting for n, p in sorted(data[m][3].items())
            if _apart(voices[m].get(n, {}), own)]
    return [pool[i] for i in np.random.default_rng(k).choice(len(pool), 3, replace=False)]


def _meeting(corpus: Path, name: str) -> tuple[str, list[str], np.ndarray, dict[str, np.ndarray]]:
    truth = json.loads((corpus / f"{name}.truth.json").read_text(encoding="utf-8"))
    audio = next(corpus / f"{name}{x}" for x in AUDIO if (corpus / f"{name}{x}").exists())
    scan, _ = cached_scan(audio)
    x = np.concatenate(scan.vectors)
    mids = np.array(scan.offset) + 0.8  # a window's middle (1.6 s windows)
    speakers = list(dict.fromkeys(s["name"] for s in truth["segments"]))
    label = np.full(len(x), -1)
    for s in truth["segments"]:
        label[(mids >= s["start"]) & (mids < s["end"])] = speakers.index(s["name"])
    prints = {p.name.split(".")[2]: voiceprint_from_scan(cached_scan(p)[0]) for p in corpus.glob(f"{name}.enroll.*")}
    names = [n for i, n in enumerate(speakers) if n in prints and (label == i).sum() >= 3]
    centroids = _unit(np.stack([x[label == speakers.index(n)].mean(0) for n in names]))
    return truth.get("profile", "room"), names, centroids, prints


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=SYNTHETIC)
    args = ap.parse_args(argv)
    meetings = sorted(p.name[:3] for p in args.corpus.glob("m*.truth.json"))
    data = {m: _meeting(args.corpus, m) for m in meetings}
    voices = {m: _voices(args.corpus, m) for m in meetings}
    rows: dict[str, dict[str, list[float]]] = {}
    unk: dict[str, int] = {"threshold": 0, "assign": 0, "centred": 0}
    print("meeting room  threshold assign centred")
    for k, m in enumerate(meetings):
        room, names, c, prints = data[m]
        p = np.stack([prints[n] for n in names])
        rules = {
            "threshold": _name_clusters(c, {n: prints[n] for n in names}, names, NAME_THRESHOLD),
            "assign": {i: names[j] for i, j in _best_assignment(c @ p.T).items()},
            "centred": {i: names[j] for i, j in _best_assignment(_centred(c, p)).items()},
        }
        right = {rule: sum(got.get(i) == n for i, n in enumerate(names)) / len(names) for rule, got in rules.items()}
        for rule, value in right.items():
            rows.setdefault(room, {}).setdefault(rule, []).append(value)
        print(f"{m}     {room:5} {right['threshold']:.2f}      {right['assign']:.2f}   {right['centred']:.2f}")
        # the first speaker unenrolled, three strangers enrolled
        strangers = _strangers(data, voices, m, names[0], k)
        kept = {n: prints[n] for n in names[1:]} | dict(strangers)
        q = np.stack(list(kept.values()))
        keys = list(kept)
        unk["threshold"] += 0 in _name_clusters(c, kept, keys, NAME_THRESHOLD)
        unk["assign"] += 0 in _best_assignment(c @ q.T)
        unk["centred"] += 0 in _best_assignment(_centred(c, q))
    for room, by_rule in rows.items():
        print(room, " ".join(f"{rule} mean {np.mean(v):.3f} min {np.min(v):.3f}" for rule, v in by_rule.items()))
    print("unenrolled speaker named (of", len(meetings), "meetings):", unk)


if __name__ == "__main__":
    main(sys.argv[1:])
