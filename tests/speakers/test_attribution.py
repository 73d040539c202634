"""label_segments / attribute: transcript segments follow the speaker turns found in the audio."""

from __future__ import annotations

from asr.speakers import SpeakerTurns, label_segments
from asr.speakers.attribution import attribute, pad_into_silence
from asr.speakers.turns import bridge_pauses
from core.types import Segment

TURNS = [(1.0, 5.0, 0), (6.0, 9.0, 1), (9.2, 12.0, 1), (13.0, 20.0, 0)]


def test_segment_spanning_a_pause_is_trimmed_to_speech():
    [[piece]] = attribute([Segment(0.0, 5.9, "好")], TURNS)
    assert (piece.start, piece.end, piece.label) == (1.0, 5.0, 0)


def test_collar_widens_into_silence_but_never_past_half_the_pause():
    spans = pad_into_silence([(1.0, 5.0), (5.2, 9.0), (10.0, 12.0)], 0.3, duration=12.1)
    assert spans == [(0.7, 5.1), (5.1, 9.3), (9.7, 12.1)]
    assert pad_into_silence([(0.1, 1.0)], 0.3) == [(0.0, 1.3)]


def test_sliver_of_the_neighbouring_turn_is_dropped():
    # The recogniser's boundary 0.2 s before the end of speaker 0's turn: not a speaker change.
    [pieces] = attribute([Segment(4.8, 9.0, "第二位")], TURNS)
    assert [(p.start, p.end, p.label) for p in pieces] == [(6.0, 9.0, 1)]


def test_speaker_change_inside_a_segment_splits_it_and_keeps_every_character():
    seg = Segment(6.0, 20.0, "我补充一点，情况就是这样。好，会议决定由刘芳同志负责")
    out = label_segments([seg], SpeakerTurns(TURNS, {0: "王建国"}), collar=0.0)
    assert [(s.start, s.end, s.speaker) for s in out] == [(6.0, 12.0, "发言人1"), (13.0, 20.0, "王建国")]
    assert "".join(s.text for s in out) == seg.text
    assert out[0].text.endswith("。")  # cut at the punctuation nearest the change


def test_short_other_voice_inside_a_segment_is_absorbed():
    turns = [(0.0, 4.0, 0), (4.0, 4.5, 1), (4.5, 9.0, 0)]
    [pieces] = attribute([Segment(0.0, 9.0, "一段话")], turns)
    assert [(p.start, p.end, p.label) for p in pieces] == [(0.0, 9.0, 0)]


def test_segment_without_speech_keeps_its_span_and_takes_the_nearest_speaker():
    [[piece]] = attribute([Segment(12.4, 12.9, "嗯")], TURNS)
    assert (piece.start, piece.end, piece.label) == (12.4, 12.9, 0)


def test_anonymous_speakers_numbered_in_order_of_appearance():
    segs = [Segment(1.0, 5.0, "甲"), Segment(6.0, 12.0, "乙"), Segment(13.0, 20.0, "丙")]
    out = label_segments(segs, SpeakerTurns(TURNS, {}))
    assert [s.speaker for s in out] == ["发言人1", "发言人2", "发言人1"]


def test_bridge_joins_one_speakers_short_pauses_only():
    assert bridge_pauses(TURNS, 0.45) == [(1.0, 5.0, 0), (6.0, 12.0, 1), (13.0, 20.0, 0)]
    assert bridge_pauses([(0.0, 1.0, 0), (1.2, 2.0, 1)], 0.45) == [(0.0, 1.0, 0), (1.2, 2.0, 1)]
