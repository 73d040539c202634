"""asr.regions: speech regions, chunks of at most 30 s, and words handed back to their region."""

from __future__ import annotations

import numpy as np
import pytest

from asr.decode import SAMPLE_RATE, iter_chunks
from asr.regions import (
    VAD_BATCH_FRAMES,
    Chunk,
    Region,
    Word,
    pad_regions,
    plan_chunks,
    speech_regions,
    split_words,
)
from tests.conftest import SAMPLE_AUDIO


def test_long_pauses_are_cut_down_and_short_ones_kept_whole():
    regions = [Region(1.0, 5.0), Region(5.4, 9.0), Region(10.5, 12.0), Region(20.0, 24.0)]
    [chunk] = plan_chunks(regions, duration=30.0, context=0.3, keep_pause=1.8)
    # 0.4 s and 1.5 s pauses kept whole, the 8 s pause cut to 0.3 s after and 0.3 s before
    assert chunk.spans == [(0.7, pytest.approx(12.3)), (pytest.approx(19.7), pytest.approx(24.3))]
    assert chunk.seconds == pytest.approx(11.6 + 4.6)
    # chunk time maps back onto the audio it was cut from, and back again
    assert chunk.source_time(11.6 + 1.0) == pytest.approx(20.7)
    assert chunk.source_time(2.0) == pytest.approx(2.7)
    assert chunk.chunk_time(20.7) == pytest.approx(12.6)


def test_chunks_hold_at_most_max_seconds_and_every_region_once():
    regions = [Region(float(i * 6), float(i * 6 + 5)) for i in range(20)]  # 5 s speech, 1 s pause
    chunks = plan_chunks(regions, duration=120.0, max_seconds=30.0, keep_pause=0.5)
    assert all(c.seconds <= 30.0 + 1e-9 for c in chunks)
    assert [r for c in chunks for r in c.regions] == regions
    # a region with its context is 5.6 s (the 1 s pauses cut to 0.6 s): five of them per chunk
    assert len(chunks) == 4 and [len(c.regions) for c in chunks] == [5, 5, 5, 5]


def test_chunk_audio_is_the_concatenated_spans():
    samples = np.arange(10 * SAMPLE_RATE, dtype=np.float32)
    chunk = Chunk([Region(1, 2), Region(5, 6)], [(1.0, 2.0), (5.0, 6.0)])
    audio = chunk.audio(samples)
    assert len(audio) == 2 * SAMPLE_RATE
    assert audio[0] == SAMPLE_RATE and audio[SAMPLE_RATE] == 5 * SAMPLE_RATE


def test_padding_never_reaches_past_half_the_pause():
    padded = pad_regions([Region(0.05, 2.0), Region(2.2, 4.0)], pad=0.15, duration=4.05)
    assert padded[0].start == pytest.approx(0.025) and padded[0].end == pytest.approx(2.1)
    assert padded[1].start == pytest.approx(2.1) and padded[1].end == pytest.approx(4.025)


def test_words_go_to_the_region_they_were_spoken_in_and_sentences_stay_apart():
    regions = [Region(0.0, 4.0), Region(5.0, 9.0)]
    words = [Word(0.5, 1.0, "同志们", 0), Word(1.0, 2.0, "现在开会", 0), Word(3.8, 4.3, "。", 0),
             Word(5.1, 6.0, "我说", 1), Word(6.0, 7.0, "两句", 1), Word(7.5, 8.0, "好", 2)]
    out = split_words(words, regions)
    assert [("".join(w.text for w in ws), r.start, r.end) for r, ws in out] == [
        ("同志们现在开会。", 0.0, 4.0),
        ("我说两句", 5.0, pytest.approx(7.25)),  # two Whisper segments in one region: cut in the pause
        ("好", pytest.approx(7.25), 9.0),
    ]
    assert split_words([], regions) == [] and split_words(words, []) == []


def test_speech_regions_of_real_speech_are_separated_by_pauses():
    speech = next(iter_chunks(SAMPLE_AUDIO, seconds=20.0))
    # 6 s of the sample meeting, 1.5 s of silence, the next 6 s
    audio = np.concatenate([speech[: 6 * SAMPLE_RATE], np.zeros(3 * SAMPLE_RATE // 2, np.float32),
                            speech[6 * SAMPLE_RATE: 12 * SAMPLE_RATE]])
    regions = speech_regions(audio, min_silence=0.5)
    assert any(r.end <= 6.05 for r in regions) and any(r.start >= 7.45 for r in regions)
    assert not any(r.start < 7.4 and r.end > 6.1 for r in regions)  # nothing spans the silence
    assert all(0 <= r.start < r.end <= 13.5 for r in regions)
    assert all(b.start - a.end >= 0.5 - 0.04 for a, b in zip(regions, regions[1:], strict=False))
    # silence is no speech
    assert speech_regions(np.zeros(5 * SAMPLE_RATE, dtype=np.float32)) == []


def test_sliced_vad_gives_faster_whispers_probabilities_with_its_state_carried_across_slices():
    from faster_whisper.vad import get_vad_model

    from asr.regions import SlicedSilero, silero_timestamps

    silero_timestamps(np.zeros(SAMPLE_RATE, np.float32), None)  # installs the sliced model
    sliced = get_vad_model()
    assert isinstance(sliced, SlicedSilero)
    speech = np.concatenate(list(iter_chunks(SAMPLE_AUDIO, seconds=60.0)))[: 120 * SAMPLE_RATE]
    speech = speech[: len(speech) // 512 * 512]

    def whole_batch(audio):
        """faster-whisper's own call: every frame in one ONNX run."""
        frames = audio.reshape(-1, 512)
        context = np.roll(np.concatenate([frames[:-1, -64:], np.zeros((1, 64), np.float32)]), 1, 0)
        zeros = np.zeros((1, 1, 128), np.float32)
        return sliced.session.run(None, {"input": np.concatenate([context, frames], 1), "h": zeros, "c": zeros})[0]

    expected = whole_batch(speech)
    got = sliced(speech)
    assert len(speech) // 512 > 3 * VAD_BATCH_FRAMES  # several slices, state carried across them
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert (expected > 0.5).mean() > 0.3  # real speech, not a run of zeros
