"""diarize: labels, change points inside a segment, names from voiceprints."""

from __future__ import annotations

import json

import numpy as np

from asr.speakers import diarize, embed_voice
from asr.speakers.clustering import viterbi_many
from asr.speakers.diarization import _split_text
from core.types import Segment
from tests.conftest import CORPUS

from .conftest import write_wav


def test_viterbi_ignores_a_one_window_flicker():
    scores = np.array([[1.0, 0.0]] * 5 + [[0.4, 0.6]] + [[1.0, 0.0]] * 5 + [[0.0, 1.0]] * 5)
    assert viterbi_many([scores], penalty=0.5)[0].tolist() == [0] * 11 + [1] * 5


def test_split_text_prefers_punctuation():
    parts = _split_text("我们先学习文件。下面请刘芳同志汇报工作", [0.45])
    assert parts == ["我们先学习文件。", "下面请刘芳同志汇报工作"]
    assert "".join(_split_text("一二三四五六", [0.5])) == "一二三四五六"


def test_one_speaker_gets_one_label(tmp_path, enroll_clips):
    """The host's turns from m01, many segments, one voice: one label, no segment split."""
    from asr.decode import read_audio

    truth = json.loads((CORPUS / "synthetic" / "m01.truth.json").read_text(encoding="utf-8"))
    audio = read_audio(CORPUS / "synthetic" / "m01.wav")
    pieces, segments, t = [], [], 0.0
    for s in [s for s in truth["segments"] if s["name"] == "王建国"][:6]:
        clip = audio[int(s["start"] * 16000) : int(s["end"] * 16000)]
        pieces += [clip, np.zeros(8000, dtype=np.float32)]
        segments.append(Segment(t, t + len(clip) / 16000, s["text"]))
        t += len(clip) / 16000 + 0.5
    path = write_wav(tmp_path / "one.wav", np.concatenate(pieces))
    out = diarize(path, segments, max_speakers=5)
    assert {s.speaker for s in out} == {"发言人1"}
    assert len(out) == len(segments)


def test_change_point_inside_one_segment(tmp_path, enroll_clips):
    a, b = enroll_clips["王建国"], enroll_clips["赵敏"]
    path = write_wav(tmp_path / "two.wav", np.concatenate([a, b]))
    junction = len(a) / 16000
    seg = Segment(0.0, (len(a) + len(b)) / 16000, "第一位同志的发言内容。第二位同志的发言内容")
    out = diarize(path, [seg])
    assert [s.speaker for s in out] == ["发言人1", "发言人2"]
    assert abs(out[0].end - junction) < 1.0
    assert out[0].end == out[1].start
    assert "".join(s.text for s in out) == seg.text


def test_enrolled_names_and_unknown_voice(tmp_path, enroll_clips):
    a, b = enroll_clips["王建国"], enroll_clips["赵敏"]
    path = write_wav(tmp_path / "two.wav", np.concatenate([a, np.zeros(8000, np.float32), b]))
    segs = [Segment(0.0, len(a) / 16000, "甲"), Segment(len(a) / 16000 + 0.5, (len(a) + len(b)) / 16000 + 0.5, "乙")]
    # Enrollment from other audio than the meeting: each clip's second half only.
    prints = {name: embed_voice(np.tile(clip[len(clip) // 2 :], 2)) for name, clip in enroll_clips.items()}
    out = diarize(path, segs, voiceprints=prints, roster=["王建国", "赵敏", "孙磊"])
    assert [s.speaker for s in out] == ["王建国", "赵敏"]
    # 赵敏 not on the roster: her voice stays anonymous, never takes someone else's name.
    out = diarize(path, segs, voiceprints=prints, roster=["王建国", "刘芳", "陈志强"])
    assert [s.speaker for s in out] == ["王建国", "发言人1"]


def test_real_speaker_alone_is_one_label(aishell_turns):
    """A real voice drifts between sentences; five sentences of one AISHELL speaker are still one speaker."""
    path = CORPUS / "real" / "aishell1_2spk_turns.wav"
    turns = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["segments"]
    for who in ("SPK_A", "SPK_B"):
        segs = [Segment(s["start"], s["end"], s["text"]) for s in turns if s["speaker"].startswith(who)]
        assert {s.speaker for s in diarize(path, segs)} == {"发言人1"}, who


def test_real_two_speakers_found(aishell_turns):
    path = CORPUS / "real" / "aishell1_2spk_turns.wav"
    turns = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["segments"]
    out = diarize(path, [Segment(s["start"], s["end"], s["text"]) for s in turns])
    mapping = {}
    for seg, ref in zip(out, turns, strict=True):
        mapping.setdefault(ref["speaker"], set()).add(seg.speaker)
    assert mapping == {"SPK_A_S0724": {"发言人1"}, "SPK_B_S0764": {"发言人2"}}


def test_m01_speakers_from_the_audio_with_roster_cap_and_voiceprints(enroll_clips):
    """A whole meeting: four voices found (the roster of five only caps the count), every reference
    utterance one speaker, and with voiceprints each takes its member's name."""
    from asr.speakers import SpeakerTurns, find_turns, label_segments

    folder = CORPUS / "synthetic"
    truth = json.loads((folder / "m01.truth.json").read_text(encoding="utf-8"))
    roster = json.loads((folder / "m01.meta.json").read_text(encoding="utf-8"))["roster"]
    segs = [Segment(s["start"], s["end"], s["text"]) for s in truth["segments"]]
    prints = {name: embed_voice(clip) for name, clip in enroll_clips.items()}
    found = find_turns(folder / "m01.wav", max_speakers=len(roster), voiceprints=prints, roster=roster)
    out = label_segments(segs, found, collar=0.0)
    assert len(out) == len(segs)  # no reference utterance split
    assert [s.speaker for s in out] == [s["name"] for s in truth["segments"]]
    anonymous = label_segments(segs, SpeakerTurns(found.turns, {}, found.duration), collar=0.0)
    mapping = {(s.speaker, t["name"]) for s, t in zip(anonymous, truth["segments"], strict=True)}
    assert len(mapping) == 4 and len({a for a, _ in mapping}) == 4
    # By default a segment spans the speech as spoken: the speaking time the report adds up is the reference's
    # (exact synthetic timings), not inflated by padding into the pauses.
    spoken = sum(s.end - s.start for s in label_segments(segs, found))
    assert abs(spoken / sum(s.end - s.start for s in segs) - 1) < 0.01


def test_runs_stepped_together_get_the_paths_each_gets_alone():
    rng = np.random.default_rng(0)
    runs = [np.round(rng.normal(size=(n, 4)), 1) for n in (1, 2, 7, 30, 3, 30, 12)]  # rounded: ties too
    together = viterbi_many(runs, penalty=0.8)
    assert [p.tolist() for p in together] == [viterbi_many([r], penalty=0.8)[0].tolist() for r in runs]
    assert [len(p) for p in together] == [len(r) for r in runs]


def test_isolated_pair_is_the_closest_pair_that_stands_apart_from_the_rest():
    from asr.speakers.clustering import isolated_pair

    def by_scan(sim, loose, gap):  # every pair in turn, as the rule reads
        k, best = len(sim), None
        for a in range(k):
            for b in range(a + 1, k):
                others = [sim[i, c] for i in (a, b) for c in range(k) if c not in (a, b)]
                if sim[a, b] >= loose and (best is None or sim[a, b] > sim[best]) \
                        and (not others or sim[a, b] - max(others) >= gap):
                    best = (a, b)
        return best

    rng = np.random.default_rng(1)
    found = 0
    for _ in range(2000):
        k = int(rng.integers(1, 8))
        x = rng.normal(size=(k, 3))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        sim = np.round(x @ x.T, 1)
        np.fill_diagonal(sim, -np.inf)
        loose, gap = rng.uniform(-0.5, 0.8), rng.uniform(0.0, 0.5)
        assert isolated_pair(sim, loose, gap) == by_scan(sim, loose, gap)
        found += by_scan(sim, loose, gap) is not None
    assert found > 100
