"""Data safety of the platform sync under faults (issue #19), in figures.

1. Delivery: finalised records (some corrected to a second version) sent to the stand-in platform
   (tests/sync/platform_server.py) through injected 500s, resets, timeouts and dropped answers,
   by senders killed (SIGKILL) at random moments, often two started at once. Counted on the
   platform: records lost, stored twice, POSTs repeated after the platform had acknowledged them,
   chain breaks, documents that differ from the ledger's.
2. Tampering: each case of tests/sync/tamper.py applied to a fresh ledger; is it reported by
   `verify`? Plus a forger who also rewrites the anchor, caught only by an earlier package.
3. Package verification memory: crafted packages verified in a child process.

    .venv/bin/python bench/sync_faults.py [--meetings 120] [--kills 12] [--seed 19]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TOKEN = "bench-token"
CHILD = """
import random, sys
from pathlib import Path
from app.sync.client import PlatformClient
from app.sync.outbox import Sender
from core.storage import Store
store = Store(Path(sys.argv[1]))
report = Sender(store, PlatformClient(sys.argv[2], sys.argv[3], timeout=0.3), base_delay=0.0, max_attempts=1000,
                rng=random.Random(int(sys.argv[4]))).run()
sys.exit(3 if getattr(report, "busy", False) else 0)
"""


def _home() -> Path:
    home = Path(tempfile.mkdtemp(prefix="sanhui-bench-"))
    os.environ["SANHUI_HOME"] = str(home)
    return home


def _finalised(store, meetings: int) -> list[str]:
    """`meetings` finalised meetings of three branches, every tenth corrected once (version 2)."""
    from app.sync.ledger import finalize
    from tests.sync.conftest import make_meeting, tiny_docs

    branches = ("第一党支部", "第二党支部", "机关党支部")
    ids = [make_meeting(store, i, branch=branches[i % 3]) for i in range(meetings)]
    for mid in ids:
        finalize(store, mid, render=tiny_docs)
    for mid in ids[::10]:  # a correction: version 2
        store.reopen(mid)
        result = store.load_result(mid)
        result.meeting.title += "（更正）"
        store.save_result(result)
        finalize(store, mid, render=tiny_docs)
    return ids


def _repeated_work(events: list, saved: list[tuple[int, set]], single: set[str]) -> tuple[Counter, Counter]:
    """Work repeated although the platform had already answered it with success (and the answer was not
    cut): a POST under a key, or a document of a one-version meeting, that arrives after such an answer;
    and, of those, work the outbox had saved as acknowledged before the sender was killed."""
    repeated, acked, after_save, known = Counter(), set(), Counter(), set()
    for i, (kind, method, key, outcome) in enumerate(events):
        while saved and saved[0][0] <= i:
            known |= saved.pop(0)[1]
        if kind == "out" and outcome in (200, 201):
            acked.add((method, key))
        elif kind == "in" and (method, key) in acked and (method == "POST" or key.split("/")[4] in single):
            repeated[method] += 1
            after_save[method] += (method, key) in known
    return repeated, after_save


def delivery(meetings: int, kills: int, seed: int) -> None:
    from app.sync.client import PlatformClient
    from app.sync.ledger import record_files, records, verify_chain
    from app.sync.outbox import Sender, outbox_items
    from core.storage import Store
    from tests.sync.platform_server import Faults, PlatformServer

    _home()
    rng = random.Random(seed)
    store = Store()
    ids = _finalised(store, meetings)
    expected = {(r.meeting_id, r.version): r for r in records(store)}
    # No late answers (timeout faults) here: a 2xx logged by the platform is then one the client received,
    # so a request repeated after it is repeated work. Lost answers come from "drop" and the kills.
    faults = Faults(error500=0.08, reset=0.06, drop=0.08, latency=0.005, seed=seed)
    server = PlatformServer(tokens={TOKEN: "write"}, faults=faults).start()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started, busy, killed = time.monotonic(), 0, 0
    single = {mid for (mid, version) in expected if version == 1 and (mid, 2) not in expected}
    saved: list[tuple[int, set]] = []  # after each round: (events so far, what the outbox had saved as acknowledged)
    try:
        for round_ in range(kills):
            pair = round_ % 2 == 1  # every other round two senders start at once
            children = [subprocess.Popen([sys.executable, "-c", CHILD, str(store.path), server.url, TOKEN,
                                          str(seed + round_ * 2 + k)], env=env, cwd=REPO)
                        for k in range(2 if pair else 1)]
            time.sleep(rng.uniform(0.8, 2.0))  # start-up takes ~0.5 s; then somewhere mid-queue
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGKILL)
                    killed += 1
                child.wait(10)
                busy += child.returncode == 3
            done = set()
            for item in outbox_items(store):
                if item.platform_id:
                    done.add(("POST", item.idempotency_key))
                if item.meeting_id in single:
                    done |= {("PUT", f"/api/v1/meetings/{item.meeting_id}/files/{n}") for n in item.files_sent}
            saved.append((len(server.state.events), done))
        restarted = Store(store.path)
        final = Sender(restarted, PlatformClient(server.url, TOKEN, timeout=0.3), base_delay=0.0,
                       max_attempts=1000, rng=random.Random(seed)).run()
        server.settle()
        received = [(s.id, s.body["version"]) for s in server.state.received]
        unique = set(received)
        posts = Counter()
        for key, n in server.state.posts.items():
            posts[key] = n
        repeated, after_save = _repeated_work(list(server.state.events), saved, single)
        replays = sum(1 for method, _, outcome in server.state.log if method == "POST" and outcome == 200)
        docs_differ = sum(
            1 for (mid, version), r in expected.items()
            if not any(s.body["version"] == version and s.files == record_files(restarted, r.seq)
                       for s in server.state.meetings.get(mid, []))
        )
        outcomes = Counter(o for _, _, o in server.state.log)
        print("1. 投递：注入故障并杀死发送进程")
        print(f"   定稿记录 {len(expected)} 条（{meetings} 次会议，其中 {len(ids[::10])} 次有第 2 版）")
        print(f"   发送进程 {sum(1 for r in range(kills) for _ in range(2 if r % 2 else 1))} 个，被杀死 {killed} 个，"
              f"因另一个同步正在进行而未发送 {busy} 个；最后一次不被打断的同步送达 {len(final.delivered)} 条")
        print(f"   平台收到的请求 {len(server.state.log)} 个，其中注入故障：500×{outcomes[500]}、重置×{outcomes['reset']}、"
              f"丢弃回应×{outcomes['drop']}")
        print(f"   丢失 {len(set(expected) - unique)} 条，重复存储 {len(received) - len(unique)} 条，"
              f"平台链断开 {len(server.chain_breaks())} 处，文档与账本不符 {docs_differ} 条")
        print(f"   POST 共 {sum(posts.values())} 次（记录 {len(expected)} 条），平台按幂等键重放回执 {replays} 次"
              f"（回应丢失，或进程在收到回执前后被杀）")
        print(f"   平台已作答（2xx）之后又重发：POST {repeated['POST']} 次，文档 {repeated['PUT']} 次"
              "（含进程被杀时正在途中、没收到的回答）")
        print(f"   其中本地已保存为已确认之后又重发：POST {after_save['POST']} 次，文档 {after_save['PUT']} 次")
        print(f"   本地：待发送 {final.pending} 条，全部已送达 {all(i.state == 'delivered' for i in outbox_items(restarted))}，"
              f"账本检查 {'完好' if verify_chain(restarted).ok else '有问题'}；用时 {time.monotonic() - started:.0f} 秒")
    finally:
        server.stop()


def tampering() -> None:
    from app.sync import anchor
    from app.sync.ledger import verify_chain
    from app.sync.package import PackageError, check_against_ledger, export_package, verify_package
    from core.storage import Store
    from tests.sync import tamper
    from tests.sync.platform_server import PlatformServer
    from tests.sync.test_anchor import build_ledger

    print("2. 篡改检测（每种情形一个新账本：6 条定稿记录、2 个支部、3 条已送达、1 个离线包）")
    detected = 0
    for name, case in tamper.CASES.items():
        home = _home()
        server = PlatformServer(tokens={"good-token": "write"}).start()
        try:
            os.environ["SANHUI_PLATFORM_TOKEN"] = "good-token"
            build_ledger(Store(), server.url, home)
        finally:
            server.stop()
        case(Store())
        report = verify_chain(Store())
        detected += not report.ok
        print(f"   {'已发现' if not report.ok else '未发现'}  {name}：{report.first_break or ''}")
    print(f"   合计：{len(tamper.CASES)} 种篡改发现 {detected} 种")
    # A forger who also knows the anchor's format and rewrites it: the database and its anchor agree again.
    home = _home()
    server = PlatformServer(tokens={"good-token": "write"}).start()
    try:
        build_ledger(Store(), server.url, home)
    finally:
        server.stop()
    export_package(Store(), "m0004", home / "p.zip")  # the newest record of the branch about to be rewritten
    tamper.rehash_chain(Store())
    store = Store()
    with store.transaction() as conn:
        anchor._write_anchor(store, anchor.chain_state(conn), None, [])
    alone = verify_chain(Store()).ok
    try:
        check_against_ledger(verify_package(home / "p.zip"), Store())
        by_package = False
    except PackageError:
        by_package = True
    print(f"   另：连同锚点文件一起重写（知道格式的伪造者）：本机检查{'未发现（无外部副本时无法发现）' if alone else '已发现'}；"
          f"用此前导出的离线包核对{'已发现' if by_package else '未发现'}")


def package_memory() -> None:
    from tests.sync import crafted

    print("3. 离线包校验的内存（子进程中测量，峰值 RSS 增量 / Python 分配峰值）")
    with tempfile.TemporaryDirectory() as tmp:
        for label, make in (("零字节压缩炸弹 3×200 MiB", crafted.zeros_bomb),
                            ("各项恰在上限内（4 MiB result.json、2×28 MiB 文档）", crafted.at_the_limits),
                            ("大量空对象的 result.json", crafted.many_items)):
            path = make(Path(tmp) / "p.zip")
            f = crafted.measure_verify(path)
            print(f"   {label}：文件 {path.stat().st_size / 1024:.0f} KiB，RSS +{f['rss_growth_mb']:.0f} MB，"
                  f"分配峰值 {f['traced_peak_mb']:.0f} MB；结果：{f['outcome']}")
            path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=120)
    parser.add_argument("--kills", type=int, default=12, help="sender rounds, each killed (every other with two senders)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--only", choices=("delivery", "tampering", "memory"), help="run one part")
    args = parser.parse_args()
    os.environ.setdefault("SANHUI_PLATFORM_TOKEN", TOKEN)
    if args.only in (None, "delivery"):
        delivery(args.meetings, args.kills, args.seed)
    if args.only in (None, "tampering"):
        tampering()
    if args.only in (None, "memory"):
        package_memory()


if __name__ == "__main__":
    main()
