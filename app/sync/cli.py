"""`sanhui` subcommands for the platform: platform, finalize, sync, export-package, verify, audit.

register(sub) adds them to the main parser (app/cli.py). Imports of the sync machinery happen
inside the commands, so building the parser stays cheap.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from core.errors import SanhuiError


def _store():
    from core.storage import Store

    return Store()


def make_client(timeout: float = 20.0):
    """A PlatformClient from the saved settings and the token (keyring or SANHUI_PLATFORM_TOKEN)."""
    from app.sync.client import PlatformClient, check_url, get_token
    from core.settings import load_settings

    settings = load_settings()
    url = check_url(settings.platform_url)
    return PlatformClient(url, get_token(), ca_file=settings.platform_ca or None, timeout=timeout)


def cmd_platform(args: argparse.Namespace) -> int:
    from app.sync.client import check_url, set_token, ssl_context
    from app.sync.ledger import audit
    from core.settings import load_settings, save_settings

    settings = load_settings()
    changed = []
    if args.url is not None:
        settings.platform_url = check_url(args.url)
        changed.append(f"地址 {settings.platform_url}")
    if args.ca is not None:
        ca = str(Path(args.ca).expanduser().resolve()) if args.ca else ""
        if ca:
            ssl_context(ca)  # refuse a file that is not a readable certificate now, not at sync time
        settings.platform_ca = ca
        changed.append(f"根证书 {ca or '（使用系统证书）'}")
    if changed:
        save_settings(settings)
        audit(_store(), "platform-config", detail="设置党建平台：" + "，".join(changed))
    if args.token:
        prompt = "请输入党建平台访问令牌（输入时不显示）："
        token = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
        token = token.strip()
        if not token:
            raise SanhuiError("令牌为空，未保存。")
        set_token(token)
        print("令牌已保存到系统密钥环。")
    print(f"党建平台地址：{settings.platform_url or '（未设置，同步已关闭）'}")
    print(f"根证书文件：{settings.platform_ca or '（使用系统证书）'}")
    return 0


def cmd_finalize(args: argparse.Namespace) -> int:
    from app.sync.ledger import finalize

    record = finalize(_store(), args.meeting_id)
    print(f"已定稿：会议 {record.meeting_id} 第 {record.version} 版，校验值 {record.content_sha256}")
    print("已加入待发送队列，运行 sanhui sync 发送到党建平台。")
    return 0


def cmd_revise(args: argparse.Namespace) -> int:
    from app.sync.ledger import reopen

    reopen(_store(), args.meeting_id)
    print(f"已进入修订：会议 {args.meeting_id} 可以更改了；改完请运行 sanhui finalize {args.meeting_id} 重新定稿（记为新的版本）。")
    return 0


def print_status(store) -> None:
    from app.sync.outbox import outbox_items

    items = outbox_items(store)
    if not items:
        print("待发送队列为空：还没有定稿的会议。")
        return
    for i in items:
        line = f"{i.meeting_id}  第{i.version}版  {i.state_label}"
        if i.state == "queued" and i.attempts:
            line += f"（已尝试 {i.attempts} 次）"
        if i.review_status:
            line += f"  平台审核：{i.review_status}"
            if i.review_reason:
                line += f"（{i.review_reason}）"
        print(line)
        if i.last_error and i.state != "delivered":
            print(f"    原因：{i.last_error}")
    counts: dict[str, int] = {}
    for i in items:
        counts[i.state_label] = counts.get(i.state_label, 0) + 1
    print("合计：" + "，".join(f"{k} {v} 条" for k, v in counts.items()))


def cmd_sync(args: argparse.Namespace) -> int:
    from app.sync.outbox import Sender, requeue

    store = _store()
    if args.status:
        print_status(store)
        return 0
    if args.version is not None and not args.retry:
        raise SanhuiError("--version 须与 --retry 一起使用，例如：sanhui sync --retry 会议编号 --version 2")
    client = make_client(timeout=args.timeout)  # settings checked before anything is requeued
    if args.retry:
        version = requeue(store, args.retry, args.version)
        print(f"已将会议 {args.retry} 第 {version} 版重新排队。")
    # A few quick retries, so a secretary whose platform is down hears so within seconds; the app's
    # background sender keeps trying on the longer schedule.
    sender = Sender(store, client, base_delay=1.0, max_attempts=4, deadline=args.deadline)
    report = sender.run()
    if report.busy:
        print(f"错误：{report.error}", file=sys.stderr)
        return 2
    if not report.error:
        report.reviews = sender.refresh_reviews()
    print(f"本次送达 {len(report.delivered)} 条，仍待发送 {report.pending} 条。")
    for meeting_id, version, reason in report.refused:
        print(f"  会议 {meeting_id} 第{version}版未被平台接受：{reason}", file=sys.stderr)
    if report.error:
        print(f"错误：{report.error}", file=sys.stderr)
        return 2
    return 1 if report.refused else 0


def cmd_export_package(args: argparse.Namespace) -> int:
    from app.sync.package import export_package

    out = Path(args.out)
    if out.suffix.lower() != ".zip":
        out = out.with_name(out.name + ".zip")
    path = export_package(_store(), args.meeting_id, out, version=args.version)
    print(f"已导出离线上报包：{path}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    if args.package:
        from app.sync.package import check_against_ledger, verify_package
        from core.paths import database_path

        package = verify_package(Path(args.package))
        print(f"上报包完好：会议 {package.meeting_id} 第 {package.version} 版，{len(package.files)} 个文件的 SHA-256 均一致。")
        if database_path().exists() and check_against_ledger(package, _store()):
            print("与本机账本核对一致：定稿记录相同，导出时的链头仍在账本中。")
        return 0
    from app.sync.ledger import verify_chain

    report = verify_chain(_store())
    for note in report.notes:
        print(note)
    if report.ok:
        print(f"哈希链完好：{report.branches} 个支部的 {report.records} 条定稿记录均未被改动；审计日志、待发送队列与"
              "链头锚点一致，已定稿会议的工作副本与定稿版本相同。")
        return 0
    print(f"账本检查发现 {len(report.problems)} 处问题：", file=sys.stderr)
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    return 3


def cmd_audit(args: argparse.Namespace) -> int:
    from app.sync.ledger import audit_log

    for row in reversed(audit_log(_store(), args.limit)):
        what = f" {row['meeting_id']}" if row["meeting_id"] else ""
        what += f" 第{row['version']}版" if row["version"] else ""
        print(f"{row['at']}  {row['action']}{what}  {row['detail']}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("platform", help="设置党建平台地址、根证书和访问令牌")
    p.add_argument("--url", help="平台地址，例如 https://dj.example.com（http 仅限本机测试）")
    p.add_argument("--ca", help="单位自建的根证书文件（PEM）；传空字符串恢复使用系统证书")
    p.add_argument("--token", action="store_true", help="录入访问令牌，保存到系统密钥环")
    p.set_defaults(func=cmd_platform)

    p = sub.add_parser("finalize", help="定稿会议：生成不可更改的版本并加入待发送队列")
    p.add_argument("meeting_id")
    p.set_defaults(func=cmd_finalize)

    p = sub.add_parser("revise", help="修订已定稿的会议：重新打开以便更改，改完须重新定稿")
    p.add_argument("meeting_id")
    p.set_defaults(func=cmd_revise)

    p = sub.add_parser("sync", help="立即把定稿记录发送到党建平台")
    p.add_argument("--status", action="store_true", help="只查看各会议的发送和审核状态，不联网")
    p.add_argument("--retry", metavar="会议编号", help="先把该会议被退回的版本（默认最新一版）重新排队")
    p.add_argument("--version", type=int, help="与 --retry 一起：重发该会议的第几版")
    p.add_argument("--timeout", type=float, default=20.0, help="每次请求的超时秒数（默认 20）")
    p.add_argument("--deadline", type=float, default=300.0, help="本次同步最长秒数（默认 300）")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("export-package", help="导出离线上报包（zip，含 SHA-256 清单）")
    p.add_argument("meeting_id")
    p.add_argument("--out", required=True, help="输出的 zip 文件")
    p.add_argument("--version", type=int, help="定稿版本（默认最新）")
    p.set_defaults(func=cmd_export_package)

    p = sub.add_parser("verify", help="检查本机账本（哈希链、审计日志、待发送队列、链头锚点、已定稿会议），或检查一个离线上报包")
    p.add_argument("package", nargs="?", help="要检查的上报包（zip）；省略则检查本机哈希链")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("audit", help="查看定稿、导出和同步的审计日志")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_audit)
