"""`sanhui ledger`: the 决议落实台账 on the command line (list, --overdue, --export, set, confirm, reject)."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.errors import SanhuiError
from core.followup import KINDS, OVERDUE, STATUSES
from core.storage import Store
from summarizer.minutes_docx import cn_date


def _int(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise SanhuiError(f"{what}应为数字，例如 12（sanhui ledger 列出编号）。") from None


def cmd_ledger(args: argparse.Namespace) -> int:
    from app import followup
    from app.followup_xlsx import write_ledger_xlsx

    store = Store()
    rest = args.rest
    if args.action in ("set", "confirm", "reject"):
        try:
            if args.action == "set":
                if len(rest) != 2:
                    raise SanhuiError("用法：sanhui ledger set 事项编号 状态（" + "、".join(s for s in STATUSES if s != OVERDUE) + "）")
                item = followup.set_status(store, _int(rest[0], "事项编号"), rest[1], who=args.who)
                print(f"事项 {item.id}（{item.content}）状态已设为“{item.status}”。")
            elif args.action == "confirm":
                for value in rest or [""]:
                    item = followup.confirm(store, _int(value, "进展编号"), who=args.who)
                    print(f"已确认：事项 {item.id}（{item.content}）状态改为“{item.status}”。")
            else:
                for value in rest or [""]:
                    followup.reject(store, _int(value, "进展编号"))
                    print(f"已驳回进展 {value}，事项状态不变。")
        except ValueError as exc:
            raise SanhuiError(str(exc)) from None
        return 0
    if args.action == "criticism":
        from summarizer.criticism import check_criticism

        if len(rest) != 1:
            raise SanhuiError("用法：sanhui ledger criticism 会议编号（组织生活会、民主评议）")
        result = store.load_result(rest[0])
        checks = check_criticism(result.segments, result.meeting, result.minutes.attendance)
        print(f"{result.meeting.title}：批评与自我批评情况（到会 {len(checks)} 人）")
        for c in checks:
            gave = "、".join(c.gave_to) or "—"
            got = "、".join(c.received_from) or "—"
            mark = "✓" if c.ok else "✗ 待补充"
            print(f"  {mark}  {c.name}  自我批评：{'有' if c.self_criticism else '没有'}  批评了：{gave}  被批评：{got}")
        return 0 if all(c.ok for c in checks) else 1
    if args.action == "notice":
        from app.followup_notice import write_notice

        if not (args.branch and args.body and args.out):
            raise SanhuiError("用法：sanhui ledger notice --branch 支部名称 --body 会议类型 --out 通知.docx [--date 日期]")
        path, meeting, n = write_notice(store, args.branch, args.body, Path(args.out), args.date)
        print(f"已生成{cn_date(meeting.date)}{meeting.type}的会议通知（上次会议决议落实情况 {n} 项）：{path}")
        return 0
    followup.refresh(store)
    status = OVERDUE if args.overdue else args.status
    items = followup.ledger_items(store, status=status, owner=args.owner, body=args.body, quarter=args.quarter,
                                  branch=args.branch)
    if args.kind:
        items = [i for i in items if i.kind == args.kind]
    if args.export:
        title = "整改清单" if args.kind == "整改措施" else "决议落实台账"
        path = write_ledger_xlsx(Path(args.export), items, title=title)
        print(f"已导出{title}（{len(items)} 项）：{path}")
        return 0
    if not items:
        print("没有逾期的事项。" if args.overdue else "台账中没有符合条件的事项。")
    for i in items:
        due = cn_date(i.deadline) if i.deadline else "未定"
        print(f"{i.id:>4}  {i.current_status():<3}  {i.content}  责任人：{i.owner or '待人工补齐'}  完成时限：{due}"
              f"  来源：{cn_date(i.meeting_date)}{i.meeting_title}")
    pending = followup.proposals(store)
    if pending and not args.overdue:
        print("\n后续会议中听到的进展（待确认：sanhui ledger confirm 编号；驳回：sanhui ledger reject 编号）：")
        for p in pending:
            print(f"{p.id:>4}  事项 {p.item_id} → {p.status}  {cn_date(p.meeting_date)}{p.meeting_title}：{p.evidence_text}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("ledger", help="决议落实台账：列出、逾期、导出 Excel、设置状态、确认会上听到的进展")
    p.add_argument("action", nargs="?", choices=["list", "set", "confirm", "reject", "notice", "criticism"],
                   default="list", help="list 列出（默认）；set 事项编号 状态；confirm／reject 进展编号；notice 下次会议通知；criticism 会议编号：组织生活会的批评与自我批评")
    p.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    p.add_argument("--overdue", action="store_true", help="只列逾期的事项")
    p.add_argument("--status", choices=STATUSES, help="按状态筛选")
    p.add_argument("--owner", help="按责任人筛选")
    p.add_argument("--body", help="按会议类型筛选，例如 支部委员会；notice：下次开哪种会")
    p.add_argument("--quarter", help="按季度筛选，例如 2026Q4")
    p.add_argument("--kind", choices=KINDS, help="按事项类别筛选（整改措施：组织生活会的整改清单）")
    p.add_argument("--export", metavar="文件.xlsx", help="导出为 Excel 台账")
    p.add_argument("--branch", help="按支部筛选；notice：哪个支部")
    p.add_argument("--date", help="notice：下次会议日期，例如 2026-11-16（默认按会议周期推算）")
    p.add_argument("--out", help="notice：会议通知 Word 文件")
    p.add_argument("--who", default="书记", help="谁做的更改（记入变更记录，默认“书记”）")
    p.set_defaults(func=cmd_ledger)
