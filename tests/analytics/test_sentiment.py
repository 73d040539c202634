"""Calibrated sentiment against raw snownlp on labelled meeting sentences kept in this folder."""

from __future__ import annotations

from analytics import sentiment
from tests.analytics.conftest import read_tsv


def test_labelled_set_is_large_and_balanced():
    rows = read_tsv("sentiment_labelled.tsv")
    assert len(rows) >= 60
    assert {lbl for lbl, _ in rows} == {"pos", "neu", "neg"}
    assert min(sum(lbl == x for lbl, _ in rows) for x in ("pos", "neu", "neg")) >= 20


def test_calibrated_beats_raw_snownlp_on_labelled_sentences():
    acc = sentiment.accuracy(read_tsv("sentiment_labelled.tsv"))
    assert acc["calibrated"] >= 0.9
    assert acc["calibrated"] - acc["raw"] >= 0.3


def test_calibrated_beats_raw_snownlp_on_held_out_sentences():
    acc = sentiment.accuracy(read_tsv("sentiment_heldout.tsv"))
    assert acc["n"] >= 30
    assert acc["calibrated"] >= 0.8
    assert acc["calibrated"] > acc["raw"]


def test_negation_flips_or_neutralises():
    assert sentiment.label(sentiment.score("我不同意这个方案。")) == "negative"
    assert sentiment.label(sentiment.score("我同意这个方案。")) == "positive"
    assert sentiment.label(sentiment.score("这项工作落实得不到位。")) == "negative"
    assert sentiment.label(sentiment.score("大家没有不同意见。")) != "negative"


def test_procedural_speech_stays_neutral_even_when_snownlp_says_positive():
    text = "下面进行第二个议题。"
    assert sentiment.utterance(text)["label"] == "neutral"


def test_garbage_does_not_raise():
    for text in ("", "   ", "？？？", "😀", "a" * 5000):
        result = sentiment.utterance(text)
        assert -1.0 <= result["score"] <= 1.0


def test_words_inside_other_words_do_not_count():
    # 差 in 出差, 同意 in 不同意见 handled by the longest match; attendance reports stay neutral.
    assert sentiment.utterance("今天应到五人，实到四人，孙磊同志出差请假。")["label"] == "neutral"
    assert sentiment.label(sentiment.score("这批产品质量很差。")) == "negative"
    assert sentiment.utterance("第三个议题，讨论确定入党积极分子人选。")["label"] == "neutral"
    assert sentiment.utterance("下面进行表决，同意的请举手。")["label"] == "neutral"
