"""The sanhui command line end to end: real model, real files, and the bad inputs of issue 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from docx import Document

from app.cli import main
from tests.app.contract import check_result_contract
from tests.conftest import SAMPLE_AUDIO, SAMPLE_META, write_wav


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_user_error(code: int, err: str, *words: str) -> None:
    assert code == 2
    message = [line for line in err.splitlines() if line.startswith("错误：")]
    assert len(message) == 1, err
    assert "Traceback" not in err
    for w in words:
        assert w in message[0], message[0]


@pytest.fixture(scope="module")
def opening_clip(tmp_path_factory) -> Path:
    """The first 33 s of the sample meeting: greeting, attendance, agenda, the 第一议题 leader."""
    from asr.decode import read_audio

    audio = read_audio(SAMPLE_AUDIO)[: 33 * 16000]
    return write_wav(tmp_path_factory.mktemp("clip") / "opening.wav", audio)


def test_process_real_audio_writes_complete_outputs(capsys, tmp_path, opening_clip):
    out = tmp_path / "out"
    code, stdout, err = run_cli(capsys, "process", opening_clip, "--meta", SAMPLE_META, "--out", out)
    assert code == 0, err
    assert "Traceback" not in err
    assert "语音转写" in err  # the progress bar was drawn
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    check_result_contract(data)
    text = "".join(s["text"] for s in data["segments"])
    assert "支委会" in text or "议题" in text
    from opencc import OpenCC

    assert OpenCC("s2t").convert(text) != text or not text  # sanity: the converter is live
    assert OpenCC("t2s").convert(text) == text, "no Traditional character in the transcript"
    assert data["minutes"]["attendance"]["expected"] == 5
    transcript = (out / "transcript.txt").read_text(encoding="utf-8")
    assert data["segments"][0]["text"] in transcript
    doc = Document(out / "minutes.docx")
    body = "\n".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "第一党支部2026年10月支委会" in body and "2026年10月12日" in body
    Document(out / "report.docx")
    assert data["id"] in stdout
    code, stdout, _ = run_cli(capsys, "list")
    assert data["id"] in stdout
    code, stdout, _ = run_cli(capsys, "search", data["segments"][0]["text"][:4])
    assert code == 0 and data["meeting"]["title"] in stdout


def test_transcript_mode_skips_recognition(capsys, tmp_path, corpus_dir):
    truth = json.loads((corpus_dir / "synthetic" / "m01.truth.json").read_text(encoding="utf-8"))
    edited = tmp_path / "edited.json"
    segments = [{"start": s["start"], "end": s["end"], "speaker": s["name"], "text": s["text"]} for s in truth["segments"]]
    edited.write_text(json.dumps({"segments": segments}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli(
        capsys, "process", "--transcript", edited, "--meta", corpus_dir / "synthetic" / "m01.meta.json", "--out", out
    )
    assert code == 0, err
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    check_result_contract(data)
    assert [s["text"] for s in data["segments"]] == [s["text"] for s in segments]
    assert {p["speaker"] for p in data["analytics"]["participation"]} == {"王建国", "刘芳", "陈志强", "赵敏"}
    assert data["minutes"]["attendance"]["present"] == 4


def test_full_output_disk_still_says_the_meeting_is_saved(capsys, tmp_path, corpus_dir, monkeypatch):
    """The documents fail to write (a full USB stick): the user still learns the meeting is saved and its id."""
    import errno

    import app.export
    from core.storage import Store

    truth = json.loads((corpus_dir / "synthetic" / "m01.truth.json").read_text(encoding="utf-8"))
    edited = tmp_path / "edited.json"
    segments = [{"start": s["start"], "end": s["end"], "speaker": s["name"], "text": s["text"]} for s in truth["segments"]]
    edited.write_text(json.dumps({"segments": segments}, ensure_ascii=False), encoding="utf-8")

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(app.export, "write_outputs", full)
    code, out, err = run_cli(capsys, "process", "--transcript", edited, "--meta", corpus_dir / "synthetic" / "m01.meta.json",
                             "--out", tmp_path / "out")
    assert_user_error(code, err, "磁盘空间已满")
    saved = Store().list_meetings()
    assert len(saved) == 1 and f"会议编号：{saved[0]['id']}" in out


@pytest.mark.parametrize("args", [["process"], ["nothing"], ["process", "x.wav", "--out"], ["list", "--bogus"]])
def test_command_line_mistakes_are_told_in_chinese(capsys, args):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith("错误：") and len(err.strip().splitlines()) == 1, err
    assert not any(word in err for word in ("usage", "error", "required", "invalid", "arguments")), err


def test_help_is_in_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["process", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：") and "选项" in out and "显示本帮助并退出" in out
    assert "usage" not in out and "options" not in out and "show this help" not in out


def test_missing_audio(capsys, tmp_path):
    code, _, err = run_cli(capsys, "process", tmp_path / "nope.wav", "--out", tmp_path / "out")
    assert_user_error(code, err, "nope.wav")
    assert not (tmp_path / "out" / "result.json").exists()


def test_text_file_named_wav(capsys, tmp_path):
    fake = tmp_path / "fake.wav"
    fake.write_text("这不是录音文件\n" * 50, encoding="utf-8")
    code, _, err = run_cli(capsys, "process", fake, "--out", tmp_path / "out")
    assert_user_error(code, err)
    assert not (tmp_path / "out" / "result.json").exists()


def test_zero_length_file(capsys, tmp_path):
    empty = tmp_path / "empty.m4a"
    empty.touch()
    code, _, err = run_cli(capsys, "process", empty, "--out", tmp_path / "out")
    assert_user_error(code, err)


def test_silent_recording(capsys, tmp_path):
    silent = write_wav(tmp_path / "silent.wav", np.zeros(16000 * 8, dtype=np.float32))
    code, _, err = run_cli(capsys, "process", silent, "--out", tmp_path / "out")
    assert_user_error(code, err, "没有检测到讲话")
    assert not (tmp_path / "out" / "result.json").exists()


@pytest.mark.parametrize(
    "content, words",
    [
        ("{not json", ("不是有效的 JSON",)),
        ('["a list"]', ("JSON 对象",)),
        ('{"roster": "王建国"}', ("roster",)),
        ('{"date": "2026年10月12日"}', ("日期",)),
    ],
)
def test_bad_meta(capsys, tmp_path, opening_clip, content, words):
    meta = tmp_path / "meta.json"
    meta.write_text(content, encoding="utf-8")
    code, _, err = run_cli(capsys, "process", opening_clip, "--meta", meta, "--out", tmp_path / "out")
    assert_user_error(code, err, *words)


def test_meta_not_utf8(capsys, tmp_path, opening_clip):
    meta = tmp_path / "meta.json"
    meta.write_bytes('{"title": "支委会"}'.encode("gbk"))
    code, _, err = run_cli(capsys, "process", opening_clip, "--meta", meta, "--out", tmp_path / "out")
    assert_user_error(code, err, "UTF-8")


def test_unwritable_output(capsys, tmp_path, opening_clip):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, err = run_cli(capsys, "process", opening_clip, "--out", blocker / "out")
    assert_user_error(code, err, "无法写入")


def test_entry_point_is_installed():
    bindir = Path(sys.executable).parent
    proc = subprocess.run([bindir / "sanhui", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "三会一课" in proc.stdout


def test_demo_processes_the_bundled_sample(capsys, tmp_path):
    """What `make demo` runs: the whole sample meeting, real model, every output written."""
    code, out, err = run_cli(capsys, "demo", "--out", tmp_path / "demo")
    assert code == 0, err
    result = json.loads((tmp_path / "demo" / "result.json").read_text(encoding="utf-8"))
    check_result_contract(result)
    assert result["minutes"]["resolutions"]
    assert Document(str(tmp_path / "demo" / "minutes.docx")).paragraphs
