"""Enrolled voiceprints as speaker states (asr/speakers/roster.py), on real AISHELL speakers."""

from __future__ import annotations

import json

import numpy as np

from asr.speakers import diarize, embed_voice
from core.types import Segment
from tests.conftest import CORPUS


def _clips(names: list[str]) -> np.ndarray:
    from asr.decode import read_audio

    return np.concatenate([read_audio(CORPUS / "real" / "aishell1" / f"BAC009{n}.wav") for n in names])


def _turns() -> tuple[list[Segment], list[str]]:
    path = CORPUS / "real" / "aishell1_2spk_turns.json"
    turns = json.loads(path.read_text(encoding="utf-8"))["segments"]
    return [Segment(s["start"], s["end"], s["text"]) for s in turns], [s["speaker"] for s in turns]


def test_enrolled_members_named_and_an_unknown_voice_stays_anonymous(aishell_turns, enroll_clips):
    path = CORPUS / "real" / "aishell1_2spk_turns.wav"
    segs, who = _turns()
    a = embed_voice(_clips(["S0724W0123", "S0724W0124", "S0724W0125"]))
    b = embed_voice(_clips(["S0764W0121", "S0764W0122"]))
    out = diarize(path, segs, voiceprints={"甲": a, "乙": b}, roster=["甲", "乙"], roster_states=True)
    assert [s.speaker for s in out] == ["甲" if w.startswith("SPK_A") else "乙" for w in who]
    # 乙 not enrolled; a synthetic member's voiceprint on the roster must not take 乙's turns.
    stranger = embed_voice(enroll_clips["王建国"])
    out = diarize(path, segs, voiceprints={"甲": a, "王建国": stranger}, roster=["甲", "王建国"], roster_states=True)
    assert {s.speaker for s, w in zip(out, who, strict=True) if w.startswith("SPK_B")} == {"发言人1"}
    assert {s.speaker for s, w in zip(out, who, strict=True) if w.startswith("SPK_A")} == {"甲"}
