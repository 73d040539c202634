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


# ------------------------------------------------------------------ one meeting per recording, 回收站, types

MEETING_META = {"type": "支部委员会", "title": "测试支委会", "date": "2026-10-12", "host": "王建国",
                "roster": ["王建国", "刘芳", "赵敏"]}
SPEECH = [
    {"start": 0.0, "end": 6.0, "speaker": "王建国", "text": "同志们，现在开会。应到三人，实到三人。"},
    {"start": 6.5, "end": 14.0, "speaker": "刘芳", "text": "我汇报一下党费收缴情况，还有两名同志没有缴纳。"},
    {"start": 14.5, "end": 24.0, "speaker": "王建国", "text": "会议决定，由刘芳同志负责，本月底前收齐党费。散会。"},
]


def _files(tmp_path, segments=SPEECH, meta=MEETING_META) -> tuple[Path, Path]:
    transcript, meta_file = tmp_path / "segments.json", tmp_path / "meta.json"
    transcript.write_text(json.dumps({"segments": segments}, ensure_ascii=False), encoding="utf-8")
    meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return transcript, meta_file


def _meeting_ids() -> list[str]:
    from core.storage import Store

    return [r["id"] for r in Store().list_meetings()]


def test_a_transcript_of_a_stored_meeting_updates_that_meeting(capsys, tmp_path):
    from core.storage import Store

    transcript, meta = _files(tmp_path)
    code, _, err = run_cli(capsys, "process", "--transcript", transcript, "--meta", meta, "--out", tmp_path / "a")
    assert code == 0, err
    (meeting_id,) = _meeting_ids()
    # The secretary corrects the result.json `process` wrote and feeds it back.
    data = json.loads((tmp_path / "a" / "result.json").read_text(encoding="utf-8"))
    data["segments"][1]["text"] = "我汇报一下党费收缴情况，还有一名同志没有缴纳。"
    edited = tmp_path / "edited-result.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = run_cli(capsys, "process", "--transcript", edited, "--out", tmp_path / "b")
    assert code == 0, err
    assert "将更新该会议" in err and _meeting_ids() == [meeting_id]
    stored = Store().load_result(meeting_id)
    assert "一名同志" in stored.segments[1].text and stored.meeting.title == "测试支委会"
    # Or by its id: the meeting's own stored transcript.
    code, out, err = run_cli(capsys, "process", "--transcript", meeting_id, "--out", tmp_path / "c")
    assert code == 0, err
    assert _meeting_ids() == [meeting_id] and f"会议编号：{meeting_id}" in out
    code, _, err = run_cli(capsys, "process", "--transcript", "20261012-nosuch", "--out", tmp_path / "d")
    assert_user_error(code, err, "20261012-nosuch")


def test_the_same_recording_updates_its_meeting_unless_new(capsys, tmp_path):
    import shutil

    transcript, meta = _files(tmp_path)
    audio = write_wav(tmp_path / "m01.wav", np.zeros(16000 * 25, dtype=np.float32))
    copy = tmp_path / "U盘" / "20261012-副本.wav"
    copy.parent.mkdir()
    shutil.copy(audio, copy)
    for recording in (audio, audio, copy):
        code, _, err = run_cli(capsys, "process", recording, "--transcript", transcript, "--meta", meta,
                               "--out", tmp_path / "out")
        assert code == 0, err
    assert len(_meeting_ids()) == 1 and "将更新该会议" in err
    code, _, err = run_cli(capsys, "process", copy, "--transcript", transcript, "--meta", meta, "--new",
                           "--out", tmp_path / "out")
    assert code == 0, err
    assert len(_meeting_ids()) == 2


def test_demo_run_twice_keeps_one_meeting(capsys, tmp_path, monkeypatch):
    """`sanhui demo` again (as `make demo` twice) updates its meeting; recognition replaced by the text."""
    import app.pipeline
    from core.types import Segment

    def transcribe(audio, duration, meeting, options):
        yield from ()
        return [Segment(s["start"], s["end"], s["text"], s["speaker"]) for s in SPEECH]

    monkeypatch.setattr(app.pipeline, "_transcribe", transcribe)
    for _ in range(2):
        code, _, err = run_cli(capsys, "demo", "--out", tmp_path / "demo")
        assert code == 0, err
    assert len(_meeting_ids()) == 1


def test_meeting_types_are_checked_on_the_command_line(capsys, tmp_path):
    code, _, err = run_cli(capsys, "list", "--type", "支委会议")
    assert_user_error(code, err, "支委会议", "是否指“支部委员会”")
    code, _, err = run_cli(capsys, "list", "--type", "支委会")
    assert code == 0, err
    transcript, meta = _files(tmp_path, meta={**MEETING_META, "type": "党小组会议吧"})
    code, _, err = run_cli(capsys, "process", "--transcript", transcript, "--meta", meta, "--out", tmp_path / "o")
    assert_user_error(code, err, "meta.json", "党小组会议吧", "是否指“党小组会”")
    code, _, err = run_cli(capsys, "process", "--transcript", transcript, "--type", "zhiweihui", "--out", tmp_path / "o")
    assert_user_error(code, err, "是否指“支部委员会”")
    assert _meeting_ids() == []


def test_delete_restore_and_the_trash(capsys, tmp_path):
    from app.sync.ledger import finalize, records
    from core.storage import Store

    transcript, meta = _files(tmp_path)
    for title in ("测试支委会", "误建的会议"):
        _, meta = _files(tmp_path, meta={**MEETING_META, "title": title})
        assert run_cli(capsys, "process", "--transcript", transcript, "--meta", meta, "--new", "--out", tmp_path / title)[0] == 0
    keep, wrong = (r["id"] for r in sorted(Store().list_meetings(), key=lambda r: r["title"] != "测试支委会"))
    code, out, _ = run_cli(capsys, "delete", wrong)
    assert code == 0 and "回收站" in out and f"sanhui restore {wrong}" in out
    assert run_cli(capsys, "list")[1].count("\n") == 1
    code, out, _ = run_cli(capsys, "list", "--trash")
    assert wrong in out and "误建的会议" in out and "删除于" in out
    assert run_cli(capsys, "restore", wrong)[0] == 0 and wrong in run_cli(capsys, "list")[1]
    code, _, err = run_cli(capsys, "delete", wrong, "--purge")
    assert_user_error(code, err, "请先删除到回收站")
    # A finalised meeting: the working copy goes to the trash, its ledger version stays.
    store = Store()
    finalize(store, keep, with_documents=False)
    code, out, _ = run_cli(capsys, "delete", keep)
    assert code == 0 and "台账" in out
    assert [r.version for r in records(store, keep)] == [1]
    # Deleting, restoring and purging are in the audit log, and the ledger still verifies.
    from app.sync.ledger import audit_log, verify_chain

    actions = [row["action"] for row in audit_log(Store(), 20)]
    assert {"trash", "restore"} <= set(actions)
    assert verify_chain(Store()).ok
    assert run_cli(capsys, "delete", keep, "--purge")[0] == 0
    assert [r.version for r in records(store, keep)] == [1] and run_cli(capsys, "list", "--trash")[1].strip() == "回收站是空的。"


def test_export_names_its_files_by_meeting_and_derives_pending_edits(capsys, tmp_path):
    from core.storage import Store

    segments = [{**s, "speaker": "发言人1" if s["speaker"] == "王建国" else s["speaker"]} for s in SPEECH]
    transcript, meta = _files(tmp_path, segments=segments)
    assert run_cli(capsys, "process", "--transcript", transcript, "--meta", meta, "--out", tmp_path / "p")[0] == 0
    (meeting_id,) = _meeting_ids()
    store = Store()
    result = store.load_result(meeting_id)
    for seg in result.segments:  # renamed in the window, closed before the report caught up
        seg.speaker = "王建国" if seg.speaker == "发言人1" else seg.speaker
    store.save_result(result, pending="minutes")
    code, out, err = run_cli(capsys, "export", meeting_id, "--out", tmp_path / "folder")
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "folder").iterdir())
    assert names == sorted(f"2026-10-12-测试支委会-{suffix}" for suffix in
                           ("会议记录.docx", "效能报告.docx", "转写.txt", "result.json"))
    report = Document(str(tmp_path / "folder" / "2026-10-12-测试支委会-效能报告.docx"))
    text = "".join(c.text for t in report.tables for r in t.rows for c in r.cells)
    assert "王建国" in text and "发言人1" not in text
    assert Store().working_state(meeting_id).pending == ""
