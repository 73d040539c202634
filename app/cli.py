"""The `sanhui` command line. Every failure the user can act on is one Chinese line on stderr."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from app.argparse_zh import ChineseArgumentParser
from core import paths
from core.errors import MetaError, SanhuiError, StoreError, os_reason
from core.offline import quiet_libraries
from core.result import load_meta, meeting_from_dict
from core.settings import load_settings
from core.storage import MeetingStatus, Store
from core.types import Meeting, Result, Segment, parse_meeting_type

log = logging.getLogger("sanhui")


# ------------------------------------------------------------------ progress bar


class ProgressBar:
    """A one-line text bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream=None, width: int = 30):
        self.stream, self.width = stream or sys.stderr, width
        self.stage = ""
        self.last_draw = 0.0

    def __call__(self, event) -> None:
        now = time.monotonic()
        new_stage = event.stage != self.stage
        if new_stage and self.stage:
            self.stream.write("\n")
        if not (new_stage or event.fraction >= 1.0 or now - self.last_draw >= 0.1):
            return
        self.stage, self.last_draw = event.stage, now
        filled = int(round(self.width * max(0.0, min(event.fraction, 1.0))))
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r{event.label:<8} {bar} {event.fraction * 100:5.1f}%")
        self.stream.flush()

    def close(self) -> None:
        if self.stage:
            self.stream.write("\n")
            self.stream.flush()


# ------------------------------------------------------------------ commands


def _sample_dir() -> Path:
    return Path(str(resources.files("resources") / "sample"))


def default_meeting(audio: Path | None, meeting_type: str = "支部委员会") -> Meeting:
    """Without a meta file: the recording's file date and name stand in for the meeting's."""
    day = dt.date.today()
    if audio is not None and audio.exists():
        day = dt.date.fromtimestamp(audio.stat().st_mtime)
    title = f"会议记录（{audio.stem}）" if audio else "会议记录"
    return Meeting(type=meeting_type, title=title, date=day.isoformat())


def meeting_type_arg(value: str | None) -> str | None:
    """--type as typed: a known type or alias, or a Chinese error with a suggestion."""
    if value is None:
        return None
    try:
        return parse_meeting_type(value)
    except ValueError as exc:
        raise MetaError(str(exc)) from None


@dataclass
class Source:
    """What `process` works from: the meeting, where the transcript comes from, the meeting it replaces."""

    meeting: Meeting | None = None
    transcript: Path | None = None
    segments: list[Segment] | None = None
    replace_id: str = ""
    note: str = ""


def _live_meeting(store: Store, meeting_id: str) -> Result | None:
    """The stored meeting with this id, or None; one in the 回收站 is an error, not a new meeting."""
    try:
        state = store.working_state(meeting_id)
    except StoreError:
        return None
    if state.deleted_at:
        raise StoreError(f"会议“{meeting_id}”在回收站中：请先用 sanhui restore {meeting_id} 恢复。")
    return store.load_result(meeting_id)


def transcript_source(value: str, store: Store) -> Source:
    """--transcript takes a JSON file with a "segments" list, or a meeting's id. A result.json of a
    stored meeting (it has that meeting's "id") and a meeting id update that meeting; a file of
    segments alone becomes a new meeting."""
    path = Path(value)
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise MetaError(f"转写文件“{path.name}”不是有效的 JSON。") from None
        source = Source(transcript=path)
        if isinstance(data, dict):
            stored = _live_meeting(store, data["id"]) if isinstance(data.get("id"), str) and data["id"] else None
            if stored is not None:
                source.replace_id, source.meeting = stored.id or data["id"], stored.meeting
                source.note = f"转写文件来自会议 {source.replace_id}（{stored.meeting.title}）：将更新该会议。"
            if isinstance(data.get("meeting"), dict):
                source.meeting = meeting_from_dict(data["meeting"], strict=True)
        return source
    stored = _live_meeting(store, value)
    if stored is None:
        raise MetaError(f"找不到转写文件“{value}”，也没有编号为“{value}”的会议。")
    return Source(meeting=stored.meeting, segments=stored.segments, replace_id=value,
                  note=f"使用会议 {value}（{stored.meeting.title}）保存的转写：将更新该会议。")


def cmd_process(args: argparse.Namespace) -> int:
    from app import export
    from app.pipeline import ProcessOptions, audio_sha256, run

    store = Store()
    audio = Path(args.audio) if args.audio else None
    source = transcript_source(args.transcript, store) if args.transcript else Source()
    meeting = load_meta(Path(args.meta)) if args.meta else source.meeting or default_meeting(audio)
    if args.type:
        meeting.type = meeting_type_arg(args.type)
    out_dir = export.check_writable(Path(args.out))
    save = not args.no_save
    overrides: dict = {"transcript": source.transcript, "save": save}
    if audio is not None and audio.is_file():
        overrides["audio_sha256"] = sha = audio_sha256(audio)
        same = [] if args.new or source.replace_id else store.find_by_audio(str(audio.resolve()), sha)
        if same:  # the same recording again (sanhui demo twice, a copy under another name): that meeting
            first = same[0]
            if first["status"] == MeetingStatus.FINALIZED:
                if not getattr(args, "demo", False) or not save:
                    raise StoreError(f"这段录音已处理为会议 {first['id']}（{first['title']}），该会议已定稿：如需更正，"
                                     "请在窗口中点击“修订”后再处理；如要另存为新的会议，请加 --new。")
                save = overrides["save"] = False
                source.note = f"示例会议 {first['id']} 已定稿：本次演示只输出文件，不再保存。"
            else:
                source.replace_id = first["id"]
                source.note = (f"这段录音已处理为会议 {first['id']}（{first['title']}）：将更新该会议；"
                               "如要另存为新的会议，请加 --new。")
                if not args.meta:
                    meeting = store.load_result(first["id"]).meeting
    if source.replace_id and save:
        overrides.update(replace_id=source.replace_id, keep_names_from=source.replace_id)
    if args.keep_names_from:
        overrides["keep_names_from"] = args.keep_names_from
    if source.note:
        print(source.note, file=sys.stderr)
    settings = load_settings()  # --model and --no-speakers change this run's copy, never the saved settings
    settings.model = args.model or settings.model
    settings.diarize = settings.diarize and not args.no_speakers
    options = ProcessOptions.from_settings(settings, **overrides)
    bar = ProgressBar()
    try:
        result = run(audio, meeting, options, store=store, on_progress=bar, segments=source.segments)
    finally:
        bar.close()
    m = result.minutes
    print(f"完成：{len(result.segments)} 段发言，{len(m.resolutions)} 项决议，用时 {result.timings.get('total', 0):.1f} 秒")
    if result.id:  # before the documents: a full output disk must not hide that the meeting is saved
        print(f"会议编号：{result.id}（已保存，可用 sanhui export {result.id} 重新导出）", flush=True)
    files = export.write_outputs(result, out_dir)
    for path in files.values():
        print(f"  {path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    sample = _sample_dir()
    print("演示：处理内置的示例会议（第一党支部 2026年10月支委会）", file=sys.stderr)
    # Parsed like a typed command, so the demo always carries every option `process` reads.
    process_args = build_parser().parse_args([
        "process", str(sample / "sample_meeting.ogg"), "--meta", str(sample / "sample_meeting.meta.json"), "--out", args.out,
    ])
    process_args.demo = True  # run again, it updates its meeting (the same recording) instead of adding one
    return cmd_process(process_args)


def cmd_models(args: argparse.Namespace) -> int:
    from asr import ModelRegistry

    registry = ModelRegistry()
    if args.action == "import":
        if not args.path:
            raise SanhuiError("请指定要导入的模型文件夹，例如：sanhui models import /media/usb/faster-whisper-small")
        path = registry.import_folder(Path(args.path), name=args.name)
        print(f"已导入模型：{path}")
    elif args.action == "download":
        if not args.path:
            raise SanhuiError("请指定模型名称，例如：sanhui models download small")
        print("正在联网下载模型（仅在您要求时联网）…", file=sys.stderr)
        path = registry.download(args.path)
        print(f"已下载模型：{path}")
    else:
        from asr import MODEL_COSTS, cuda_device_count
        from core.settings import load_settings

        registry.find()  # assembles the bundled base model on first use
        installed = {info.name: info for info in registry.installed()}
        settings = load_settings()
        gpus = cuda_device_count()
        print(f"模型文件夹：{registry.root}")
        print(f"运行设备：{'检测到 NVIDIA 显卡（CUDA，float16）' if gpus else '未检测到 NVIDIA 显卡，使用 CPU（int8）'}"
              f"；当前设置：{settings.device}，模型 {settings.model}")
        for name in dict.fromkeys([*MODEL_COSTS, *installed]):
            info = installed.get(name)
            state = f"已安装（{info.source}）" if info else "未安装"
            cost = MODEL_COSTS.get(name) or f"磁盘 {info.size_bytes / 1e6:.0f} MB"
            print(f"  {name:<10} {state:<16} {cost}")
        if settings.asr_engine == "remote":
            print(f"语音识别：使用服务器 {settings.asr_endpoint or '（未设置地址）'}，模型 {settings.asr_remote_model or '服务器默认'}")
        print("未安装的模型可用 sanhui models download 名称 下载，或 sanhui models import 文件夹 从 U 盘导入。")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    rows = Store().list_meetings(meeting_type=meeting_type_arg(args.type), month=args.month, trash=args.trash)
    if not rows:
        print("回收站是空的。" if args.trash else "还没有会议记录。")
    for r in rows:
        deleted = f"  删除于 {r['deleted_at'].replace('T', ' ')}" if r.get("deleted_at") else ""
        print(f"{r['id']}  {r['date']}  {r['type']:<6}  {r['status']}  {r['title']}{deleted}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from app.sync import ledger

    store = Store()
    title, status = store.load_result(args.meeting_id).meeting.title, store.status(args.meeting_id)
    kept = "已定稿的版本仍保留在台账中（台账不可删除）。" if status == MeetingStatus.FINALIZED else ""
    if args.purge:
        ledger.purge(store, args.meeting_id)
        print(f"已永久删除会议 {args.meeting_id}（{title}）。{kept}")
    else:
        ledger.trash(store, args.meeting_id)
        print(f"已把会议 {args.meeting_id}（{title}）删除到回收站，可用 sanhui restore {args.meeting_id} 恢复。{kept}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app.sync import ledger

    store = Store()
    ledger.restore(store, args.meeting_id)
    print(f"已恢复会议 {args.meeting_id}（{store.load_result(args.meeting_id).meeting.title}）。")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from app.export import clock

    hits = Store().search(args.query)
    if not hits:
        print(f"没有找到“{args.query}”。")
    for h in hits:
        print(f"{h.date}  {h.title}  [{clock(h.start)}] {h.speaker or '发言人'}：{h.text}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """The documents, named by meeting (<日期>-<标题>-会议记录.docx …), of the working copy with what
    its last edits left pending re-derived (a finalised meeting: its frozen version as it is)."""
    from app.jobs import derive_job, write_named_outputs
    from app.meeting_copy import meeting_copy
    from app.pipeline import ProcessOptions
    from app.session import FRESH, MINUTES

    store = Store()
    result, status = meeting_copy(store, args.meeting_id)
    state = store.working_state(args.meeting_id)
    if status != MeetingStatus.FINALIZED and state.pending != FRESH:
        result = derive_job(result, state.pending == MINUTES, frozenset(state.manual),
                            ProcessOptions.from_settings(load_settings()))
        if not state.deleted_at:
            store.save_result(result, status=status, pending=FRESH)
    for path in write_named_outputs(result, Path(args.out)).values():
        print(path)
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    from asr import embed_voice, read_audio

    if not args.consent:
        raise SanhuiError("登记声纹须经本人同意：确认已取得同意后，请加上 --consent 再运行。")
    vector = embed_voice(read_audio(Path(args.audio)))
    samples = Store().save_voiceprint(args.name, vector, consent=True)
    print(f"已登记“{args.name}”的声纹（共 {samples} 段样本）。")
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    store = Store()
    if args.delete:
        if not store.delete_voiceprint(args.delete):
            raise SanhuiError(f"没有“{args.delete}”的声纹。")
        print(f"已删除“{args.delete}”的声纹。")
        return 0
    infos = store.list_voiceprints()
    if not infos:
        print("还没有登记声纹。")
    for v in infos:
        print(f"{v.name}  样本 {v.samples} 段  登记于 {v.enrolled_at}  更新于 {v.updated_at}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    if args.smoke_test:
        from app.gui import smoke_test

        return smoke_test(screenshot=Path(args.screenshot) if args.screenshot else None)
    from app.gui import main as gui_main

    return gui_main(sys.argv[:1])


# ------------------------------------------------------------------ parser and entry point


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="sanhui", description="三会一课会议助手：离线转写、纪要、效能分析")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令",
                                parser_class=ChineseArgumentParser)

    p = sub.add_parser("process", help="处理一段会议录音")
    p.add_argument("audio", nargs="?", help="录音文件（wav、mp3、m4a、flac、ogg、mp4 …）")
    p.add_argument("--meta", help="会议信息 JSON（类型、标题、日期、主持人、记录人、名单）")
    p.add_argument("--out", required=True, help="输出文件夹")
    p.add_argument("--transcript", metavar="文件或会议编号",
                   help="已校对的转写（跳过语音识别）：含 segments 的 JSON 文件，或会议编号；"
                        "本机会议的 result.json 或会议编号会更新该会议，而不是新增一个")
    p.add_argument("--type", help="会议类型，例如 支部委员会（覆盖会议信息中的类型）")
    p.add_argument("--new", action="store_true", help="同一段录音已处理过时，仍另存为新的会议（默认更新原会议）")
    p.add_argument("--model", help="语音模型名称（默认见设置，通常为 base）")
    p.add_argument("--no-speakers", action="store_true", help="不区分发言人")
    p.add_argument("--no-save", action="store_true", help="不保存到本地会议库")
    p.add_argument("--keep-names-from", metavar="会议编号", help="重新处理时沿用该会议记录中已确认的发言人姓名")
    p.set_defaults(func=cmd_process)

    p = sub.add_parser("demo", help="处理内置示例会议")
    p.add_argument("--out", default="out/demo", help="输出文件夹（默认 out/demo）")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("models", help="查看、导入或下载语音模型")
    p.add_argument("action", nargs="?", choices=["list", "import", "download"], default="list")
    p.add_argument("path", nargs="?", help="import：模型文件夹；download：模型名称")
    p.add_argument("--name", help="导入后使用的模型名称")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("list", help="列出已处理的会议")
    p.add_argument("--type", help="会议类型，例如 支部委员会")
    p.add_argument("--month", help="月份，例如 2026-10")
    p.add_argument("--trash", action="store_true", help="列出回收站中的会议")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("delete", help="把会议删除到回收站（可恢复；已定稿的版本仍留在台账中）")
    p.add_argument("meeting_id", metavar="会议编号")
    p.add_argument("--purge", action="store_true", help="永久删除回收站中的这个会议")
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("restore", help="从回收站恢复会议")
    p.add_argument("meeting_id", metavar="会议编号")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("search", help="在所有会议的转写中搜索")
    p.add_argument("query", help="关键词")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", help="重新导出已保存会议的文档")
    p.add_argument("meeting_id")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("enroll", help="登记党员声纹")
    p.add_argument("audio", help="本人朗读约 10 秒以上的录音")
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--consent", action="store_true", help="确认已取得本人同意")
    p.set_defaults(func=cmd_enroll)

    p = sub.add_parser("voices", help="查看或删除已登记的声纹")
    p.add_argument("--delete", metavar="姓名")
    p.set_defaults(func=cmd_voices)

    p = sub.add_parser("gui", help="打开桌面程序")
    p.add_argument("--smoke-test", action="store_true",
                   help="自检：打开主窗口，显示后输出一行并退出（无显示器时使用 offscreen）")
    p.add_argument("--screenshot", metavar="PNG", help="自检时把主窗口截图保存到该文件")
    p.set_defaults(func=cmd_gui)

    # platform, finalize, sync, export-package, verify, audit (app/sync/cli.py)
    from app.sync.cli import register as register_sync

    register_sync(sub)
    from app.followup_cli import register as register_ledger  # sanhui ledger: the 决议落实台账

    register_ledger(sub)
    return parser


def _setup_logging() -> Path | None:
    try:
        log_dir = paths.data_dir() / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = log_dir / "sanhui.log"
        logging.basicConfig(
            filename=log_file,
            level=logging.INFO,
            format="%(asctime)s %(name)s %(levelname)s %(message)s",
        )
        return log_file
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    quiet_libraries()  # before any library loads (core/offline.py)
    paths.private_files()  # meetings and voiceprints are personal data (core/paths.py)
    args = build_parser().parse_args(argv)
    log_file = _setup_logging()
    try:
        return args.func(args)
    except SanhuiError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a disk or device the user can see to: full, read-only, unplugged
        log.exception("system error")
        where = f"“{exc.filename}”" if getattr(exc, "filename", None) else ""
        print(f"错误：{where}{os_reason(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已取消。", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: never show a traceback to the user
        log.exception("unexpected failure")
        where = f"，详情见日志 {log_file}" if log_file else ""
        print(f"内部错误：{type(exc).__name__}: {exc}{where}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
