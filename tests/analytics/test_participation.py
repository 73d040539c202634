"""Participation: speaking time, shares, turns, Gini, who spoke, who stayed silent."""

from __future__ import annotations

import pytest

from analytics import assess
from analytics.participation import gini, per_speaker, summary, turns, union_seconds
from core.types import Absence, Attendance, Meeting, Minutes, Segment


def test_union_counts_overlapping_own_segments_once():
    assert union_seconds([(0, 10), (5, 12), (20, 21)]) == pytest.approx(13.0)
    assert union_seconds([]) == 0.0


def test_per_speaker_shares_are_fractions_of_all_speaking_time():
    segs = [
        Segment(0, 30, "同志们，现在开会。", "王建国"),
        Segment(31, 41, "我同意。", "刘芳"),
        Segment(42, 52, "我补充一点。", "刘芳"),  # same speaker again: one turn
        Segment(53, 63, "好。", "王建国"),
    ]
    rows = {p.speaker: p for p in per_speaker(segs)}
    assert rows["王建国"].seconds == pytest.approx(40.0)
    assert rows["王建国"].share == pytest.approx(40 / 60, abs=1e-4)
    assert rows["刘芳"].share == pytest.approx(20 / 60, abs=1e-4)
    assert rows["刘芳"].turns == 1 and rows["王建国"].turns == 2
    assert rows["刘芳"].chars == len("我同意我补充一点")
    assert len(turns(segs)) == 3


def test_gini_is_zero_for_equal_time_and_high_when_one_dominates():
    assert gini([10, 10, 10, 10]) == pytest.approx(0.0)
    assert gini([100, 1, 1, 1]) > 0.7
    assert gini([]) is None


def test_summary_names_silent_members_and_chair_share():
    meeting = Meeting(type="支部委员会", host="王建国", roster=["王建国", "刘芳", "陈志强", "孙磊"])
    minutes = Minutes(attendance=Attendance(expected=4, present=3, absent=[Absence("孙磊", "出差")]))
    segs = [Segment(0, 60, "开会。", "王建国"), Segment(61, 81, "我说两句。", "刘芳")]
    s = summary(per_speaker(segs), meeting, minutes)
    assert s["silent"] == ["陈志强"]  # present, never spoke; the absent 孙磊 is not listed
    assert s["spoke_share"] == pytest.approx(2 / 3, abs=1e-3)
    assert s["chair"] == "王建国" and s["chair_share"] == pytest.approx(0.75)


def test_anonymous_labels_do_not_claim_silent_members():
    meeting = Meeting(host="王建国", roster=["王建国", "刘芳"])
    segs = [Segment(0, 5, "开会。", "SPEAKER_00"), Segment(6, 9, "好。", "SPEAKER_01")]
    s = summary(per_speaker(segs), meeting, Minutes())
    assert s["silent"] is None and s["chair"] is None
    assert s["speakers"] == 2


def test_synthetic_shares_match_truth(synthetic):
    for name in ("m01", "m02"):
        truth, meeting, segs, minutes = synthetic(name)
        rows = {p.speaker: p.share for p in assess(segs, minutes, meeting).participation}
        totals: dict[str, float] = {}
        for s in truth["segments"]:
            totals[s["name"]] = totals.get(s["name"], 0.0) + s["end"] - s["start"]
        whole = sum(totals.values())
        for speaker, seconds in totals.items():
            assert rows[speaker] == pytest.approx(seconds / whole, abs=0.001)


def test_aishell4_speaking_time_matches_rttm_within_one_percent(corpus_dir, bench):
    folder = corpus_dir / "text" / "aishell4_meeting"
    segments = bench.aishell_segments(folder)
    reference = bench.rttm_seconds(folder)
    rows = {p.speaker: p for p in per_speaker(segments)}
    assert set(rows) == set(reference)
    for speaker, seconds in reference.items():
        assert rows[speaker].seconds == pytest.approx(seconds, rel=0.01)
    assert sum(p.share for p in rows.values()) == pytest.approx(1.0, abs=1e-3)


def test_chair_is_inferred_from_the_opener_when_labels_are_anonymous():
    meeting = Meeting(host="李红梅", roster=["李红梅", "何军"])
    segs = [
        Segment(0, 20, "同志们，现在开会。", "发言人1"),
        Segment(21, 30, "我说两句。", "发言人2"),
        Segment(31, 50, "下面进行表决。", "发言人1"),
    ]
    a = assess(segs, Minutes(), meeting)
    s = a.interaction["participation"]
    assert s["chair"] == "发言人1" and s["chair_inferred"] is True
    assert s["chair_share"] == pytest.approx(39 / 48, abs=1e-3)
    # An opener who neither spoke most nor took most turns is not taken for the chair.
    segs2 = [Segment(0, 2, "喂。", "发言人3"), Segment(3, 40, "开会。", "发言人1"), Segment(41, 60, "好。", "发言人2"),
             Segment(61, 70, "嗯。", "发言人1")]
    assert assess(segs2, Minutes(), meeting).interaction["participation"]["chair"] is None
