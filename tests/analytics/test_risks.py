"""Risk cues: general beyond fixed strings, silent on exhortations, targets on m01/m02."""

from __future__ import annotations

import json

import pytest

from analytics import assess
from analytics.risks import detect, find_cues
from core.result import assessment_to_dict
from core.types import Segment
from tests.analytics.conftest import read_tsv

RISK_ROWS = read_tsv("risk_sentences.tsv")


@pytest.mark.parametrize(("label", "sentence"), RISK_ROWS, ids=[s[:12] for _, s in RISK_ROWS])
def test_risk_sentences(label, sentence):
    hits = find_cues(sentence)
    assert bool(hits) == (label == "risk"), hits


def test_unseen_verbs_with_inability_complement_are_found():
    # Not in the pattern list: found by the jieba verb + 不 + complement pass.
    assert find_cues("这批设备今年改造不完。")
    assert find_cues("整改清单太长，我们消化不了。")
    assert not find_cues("这件事少不了大家支持。")


def test_risk_fields_point_at_the_sentence_and_avoid_blame():
    seg = Segment(100.0, 120.0, "我先汇报进度。说实话，这个任务年底前肯定搞不完。其他没有了。", "陈志强")
    (risk,) = detect([seg])
    assert risk.speaker == "陈志强"
    assert risk.text.endswith("说实话，这个任务年底前肯定搞不完。")  # a short remark keeps the sentence before it
    assert 100.0 <= risk.start < risk.end <= 120.0
    assert risk.cue == "搞不完"
    assert "建议" in risk.reason and not any(w in risk.reason for w in ("错误", "处分", "问责"))


def test_one_risk_per_sentence_even_with_several_cues():
    risks = detect([Segment(0, 9, "任务太重，大家疲于应付，学习就是走个过场。", "何军")])
    assert len(risks) == 1
    assert "走个过场" in risks[0].cue and "疲于应付" in risks[0].cue
    assert risks[0].reason.startswith("形式主义")


@pytest.mark.parametrize("name", ["m01", "m02"])
def test_synthetic_meetings_meet_risk_targets(name, synthetic, scorer):
    truth, meeting, segments, minutes = synthetic(name)
    result = {
        "segments": [{"start": s.start, "end": s.end, "speaker": s.speaker, "text": s.text} for s in segments],
        "analytics": assessment_to_dict(assess(segments, minutes, meeting)),
    }
    result = json.loads(json.dumps(result, ensure_ascii=False))
    recall, false = scorer.risks(truth, result)
    assert recall == 1.0
    assert false <= 1
    _, _, mapping = scorer.diarization(truth, result)
    assert scorer.share_mae(truth, result, mapping) < 0.5


def test_real_meeting_raises_no_more_than_one_risk(corpus_dir, bench):
    segments = bench.aishell_segments(corpus_dir / "text" / "aishell4_meeting")
    assert len(detect(segments)) <= 1


def test_asr_homophones_of_cues_are_found_but_not_when_exhorted():
    assert find_cues("有时候学习就是走过厂，效果不好。")  # Whisper's 厂 for 场
    assert find_cues("这些措施落实不料。")
    assert not find_cues("我们要防止走过厂。")
    assert not find_cues("今天天气很好，大家辛苦了。")


def test_risk_found_in_real_whisper_output_and_quoted_with_the_cue_spelled_right(scorer):
    # Whisper's transcript of m02 from the audio: 走个过场 came out as 走各国场.
    heard = "我说两句，道理都懂，但是说实话，我们不门任务太重，每个月都安排学习，大家压力很大，有时候学习就是走各国场，教股不好。"
    (risk,) = detect([Segment(45.04, 57.24, heard, "发言人2")])
    assert "走个过场" in risk.text and "走各国场" in risk.cue
    assert risk.reason.startswith("形式主义")
    truth = {"gold": {"risks": [{"speaker": "何军", "cue": "学习就是走个过场"}]}}
    assert scorer.risks(truth, {"analytics": {"risks": [{"text": risk.text}]}}) == (1.0, 0)


def test_a_remark_the_next_speaker_rebuts_is_a_risk_without_any_cue_word():


    segs = [Segment(0, 5, "同志们，开会。", "甲"),
            Segment(6, 14, "说实话，台账的事交给班组长填一下，签完字就放柜子里了。", "乙"),
            Segment(15, 22, "这个不行，台账要真实记录，不能一签了之。", "甲")]
    found = detect(segs, "支部委员会", chair="甲", roster=["甲", "乙"])
    assert [r.speaker for r in found] == ["乙"]


def test_the_chairs_warnings_a_guests_talk_and_a_turned_down_proposal_are_not_risks():


    segs = [Segment(0, 5, "开会。学习不能走过场，更不能走形式。", "甲"),
            Segment(6, 14, "我讲个故事，当年有人看了一眼就签字，走个过场。", "来宾"),
            Segment(15, 20, "我建议干脆把检查都停了。", "乙"),
            Segment(21, 26, "那不行，检查有它的作用。", "甲")]
    assert detect(segs, "党课", chair="甲", roster=["甲", "乙"]) == []
