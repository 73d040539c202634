"""asr.transcribe on real speech: the first 20 s of the bundled 支委会 sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from asr.decode import SAMPLE_RATE, iter_chunks, read_audio
from asr.models import ModelRegistry
from asr.text import has_traditional
from asr.transcribe import TranscribeOptions, Transcriber, quietest_cut, windows
from tests.conftest import CORPUS, SAMPLE_AUDIO, SAMPLE_META, require_shared, write_wav


@pytest.fixture(scope="module")
def base_model(tmp_path_factory) -> Path:
    return ModelRegistry(tmp_path_factory.mktemp("models")).find("base")


def test_first_20_seconds_of_the_sample_meeting(tmp_path, base_model):
    clip = write_wav(tmp_path / "clip.wav", next(iter_chunks(SAMPLE_AUDIO, seconds=20.0)))
    roster = json.loads(SAMPLE_META.read_text(encoding="utf-8"))["roster"]
    segments = list(Transcriber(base_model).transcribe(clip, hotwords=[*roster, "支委会", "第一议题"]))
    text = "".join(s.text for s in segments)
    assert segments and all(not s.speaker for s in segments)
    assert all(0 <= s.start < s.end <= 20.5 for s in segments)
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    assert not has_traditional(text)
    for word in ("同志", "开会", "议题", "习近平"):
        assert word in text, text


def test_windows_cut_in_pauses_and_keep_absolute_offsets(tmp_path):
    # 1 s bursts of tone separated by 0.5 s of silence, 40 s in all
    period = np.concatenate([0.3 * np.sin(np.linspace(0, 2 * np.pi * 300, SAMPLE_RATE)),
                             np.zeros(SAMPLE_RATE // 2)]).astype(np.float32)
    audio = np.tile(period, 27)[: 40 * SAMPLE_RATE]
    path = write_wav(tmp_path / "bursts.wav", audio)
    parts = list(windows(path, window_seconds=12.0))
    assert all(len(w) <= 12 * SAMPLE_RATE for _, w in parts)
    offsets = [o for o, _ in parts]
    assert offsets[0] == 0 and offsets == sorted(offsets)
    for start, _window in parts[1:]:  # every cut falls in a silent gap (offsets are in samples)
        assert np.max(np.abs(audio[start - 800: start + 800])) < 1e-3
    total = sum(len(w) for _, w in parts)
    assert total == pytest.approx(len(audio), abs=2)
    assert quietest_cut(np.zeros(10, dtype=np.float32)) == 10


def test_options_choose_hotwords_or_prompt():
    t = Transcriber(Path("unused"), TranscribeOptions(hotword_mode="prompt", max_hotword_chars=8))
    kwargs = t.decode_kwargs(["刘芳", "刘芳", "陈志强", "第一议题", "党费收缴"])
    assert kwargs["initial_prompt"] == "刘芳，陈志强。" and "hotwords" not in kwargs
    assert "hotwords" not in Transcriber(Path("x"), TranscribeOptions(hotword_mode="none")).decode_kwargs(["刘芳"])


def test_segments_are_tight_to_speech_and_never_span_a_pause(tmp_path, base_model):
    speech = next(iter_chunks(SAMPLE_AUDIO, seconds=20.0))
    # 6 s of the sample meeting, 2 s of silence, the next 6 s: the pause is where a speaker would change
    audio = np.concatenate([speech[: 6 * SAMPLE_RATE], np.zeros(2 * SAMPLE_RATE, np.float32),
                            speech[6 * SAMPLE_RATE: 12 * SAMPLE_RATE]])
    path = write_wav(tmp_path / "pause.wav", audio)
    segments = list(Transcriber(base_model).transcribe(path, names=[]))
    assert segments
    assert not any(s.start < 7.8 and s.end > 6.2 for s in segments), segments  # the pause is nobody's
    assert any(s.end <= 6.2 for s in segments) and any(s.start >= 7.8 for s in segments)
    # and nothing was lost: the words of both halves are there
    plain = "".join(s.text for s in Transcriber(base_model).transcribe(
        write_wav(tmp_path / "whole.wav", speech[: 12 * SAMPLE_RATE]), names=[]))
    text = "".join(s.text for s in segments)
    assert abs(len(text) - len(plain)) <= 0.2 * len(plain), (text, plain)


def test_prompt_recited_alone_is_dropped_but_names_in_speech_are_kept():
    from asr.transcribe import _only_prompt

    prompt = {"李红梅", "张伟"}
    assert _only_prompt("李红梅，张伟，张伟，", prompt)
    assert not _only_prompt("李红梅，张伟，张伟，", set())  # no prompt given: a roll call is speech
    assert not _only_prompt("请张伟同志发言", prompt)


def test_without_vad_the_window_is_cut_in_fixed_pieces():
    from asr.transcribe import _fixed_regions

    regions = _fixed_regions(65.0, 29.0)
    assert [(r.start, r.end) for r in regions] == [(0.0, 29.0), (29.0, 58.0), (58.0, 65.0)]


def test_a_broken_gpu_falls_back_to_the_cpu(shared_models_dir):
    """device="cuda" on a machine without working CUDA still loads the model (on the CPU)."""
    from asr.models import ModelRegistry
    from asr.transcribe import TranscribeOptions, Transcriber

    path = ModelRegistry(shared_models_dir).find("base")
    model = Transcriber(path, TranscribeOptions(device="cuda", compute_type="float16", correct=False)).model
    assert model.model.device == "cpu"


def test_a_region_whisper_cut_short_is_decoded_again_in_pieces(tmp_path, base_model):
    """m14, 154–174 s: one speech region, a short reply then 15 s of the secretary's tasks. Whisper
    returned the reply alone (8 characters for 20 s); the pieces between the region's pauses bring
    the tasks back (手册 and the 简报 due next Tuesday)."""
    audio = read_audio(require_shared(CORPUS / "synthetic" / "m14.m4a", "the corpus meeting m14"))
    clip = write_wav(tmp_path / "m14-140.wav", audio[140 * SAMPLE_RATE: 200 * SAMPLE_RATE])  # as cut there
    text = "".join(s.text for s in Transcriber(base_model).transcribe(clip, names=["巫晨阳", "计明轩"]))
    assert "手册" in text and "下周二" in text, text
