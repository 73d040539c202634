"""Qt fixtures: the application with its CJK font, a main window on a fresh store, sample meetings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.flags import Flag
from core.storage import Store
from core.types import (
    Assessment,
    Attendance,
    ComplianceItem,
    FirstTopic,
    Meeting,
    Minutes,
    Participation,
    Resolution,
    Result,
    Risk,
    Score,
    ScorePart,
    Segment,
    Vote,
)
from tests.conftest import REPO, SAMPLE_AUDIO

SCREENSHOTS = REPO / "docs" / "screenshots"


@pytest.fixture(scope="session")
def qapp():
    """pytest-qt's application, made by the app's own factory (bundled font, style, high-DPI)."""
    from app.gui import make_app

    return make_app([])


_shots_dir: list[Path] = []  # the current test's folder, set by the autouse fixture below


@pytest.fixture(autouse=True)
def screenshots_dir(tmp_path: Path) -> Path:
    """Screenshots go to the test's tmp_path; with SANHUI_SCREENSHOTS=1 they refresh the README's
    docs/screenshots (tracked files: a plain test run must leave the working tree clean)."""
    folder = SCREENSHOTS if os.environ.get("SANHUI_SCREENSHOTS") == "1" else tmp_path / "screenshots"
    _shots_dir[:] = [folder]
    yield folder
    _shots_dir.clear()


def shoot(widget, name: str) -> Path:
    """Save a screenshot of a widget as NAME.png (always taken, so painting errors still surface)."""
    folder = _shots_dir[0] if _shots_dir else SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path


SPEECH = [
    ("王建国", "同志们，现在开会。今天召开第一党支部十月份支委会，应到五人，实到四人，赵敏同志出差请假。"),
    ("王建国", "第一项议程，学习习近平总书记关于安全生产的重要指示精神，由我领学。"),
    ("刘芳", "我谈一点体会，安全生产要落实到每一个班组，不能走过场。"),
    ("陈志强", "我补充一下，十一月份要开展一次隐患排查，我建议由设备部牵头。"),
    ("王建国", "第二项议程，研究年度发展党员工作。"),
    ("孙磊", "目前有两名入党积极分子，培养考察已经满一年。"),
    ("王建国", "会议决定，由刘芳同志负责发展党员材料的审核，本月底前完成。"),
    ("王建国", "会议决定，开展安全隐患专项排查。"),
    ("王建国", "同意的请举手。四票赞成，没有反对，没有弃权，通过。"),
    ("王建国", "今天的会就到这里，散会。"),
]


def make_result(title: str = "第一党支部2026年10月支委会", date: str = "2026-10-12", meeting_type: str = "支部委员会",
                audio: Path | None = SAMPLE_AUDIO, n_segments: int | None = None) -> Result:
    meeting = Meeting(type=meeting_type, title=title, branch="第一党支部", date=date, location="三楼党员活动室",
                      host="王建国", recorder="刘芳", roster=["王建国", "刘芳", "陈志强", "赵敏", "孙磊"])
    speech = SPEECH if n_segments is None else [SPEECH[i % len(SPEECH)] for i in range(n_segments)]
    segments = [Segment(start=i * 6.0, end=i * 6.0 + 5.5, speaker=s, text=t) for i, (s, t) in enumerate(speech)]
    minutes = Minutes(
        attendance=Attendance(expected=5, present=4, absent=[], quorum_met=True),
        agenda=["学习习近平总书记关于安全生产的重要指示精神", "研究年度发展党员工作"],
        first_topic=FirstTopic(content="习近平总书记关于安全生产的重要指示精神", leader="王建国", form="领学"),
        resolutions=[
            Resolution("由刘芳同志负责发展党员材料的审核", owner="刘芳", deadline="2026-10-31", start=36.0, end=41.5),
            Resolution("开展安全隐患专项排查", owner=None, deadline=None, start=42.0, end=47.5,
                       flags=[Flag.NEEDS_FILLING.value, Flag.NO_OWNER.value, Flag.NO_DEADLINE.value]),
        ],
        votes=[Vote("发展党员工作安排", in_favor=4, against=0, abstain=0, passed=True)],
    )
    assessment = Assessment(
        participation=[Participation("王建国", 33.0, 0.6, 6), Participation("刘芳", 5.5, 0.1, 1),
                       Participation("陈志强", 5.5, 0.1, 1), Participation("孙磊", 5.5, 0.1, 1)],
        risks=[Risk("刘芳", "不能走过场", 12.0, 17.5, "形式主义风险表述", cue="走过场")],
        score=Score(overall=82, grade="较好", parts=[ScorePart("participation", "参与度", 75.0, 0.2, "发言人数占实到人数的75%"),
                                                   ScorePart("balance", "发言均衡", None, 0.15, "未计算")]),
        compliance=[ComplianceItem("第一议题", True, "已学习"),
                    ComplianceItem("决议要素", False, "1 项决议缺少责任人和时限")],
    )
    return Result(meeting, segments, minutes, assessment, audio_path=str(audio) if audio else "",
                  duration=len(segments) * 6.0)


@pytest.fixture
def store(sanhui_home) -> Store:
    s = Store()
    yield s
    s.close()


@pytest.fixture
def window(qtbot, store):
    from app.ui.main_window import MainWindow

    w = MainWindow(store=store)
    w.setProperty("quiet_errors", True)  # no modal boxes in tests; errors land in last_error
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def wait_saved(qtbot, window) -> None:
    """Edits are saved in a worker thread: wait until none is running or queued."""
    qtbot.waitUntil(lambda: window.save_worker is None and not window._save_again, timeout=30000)


def wait_done(qtbot, window, worker, timeout: int = 60000) -> None:
    """Wait until a worker the window already started is done and its signals were delivered.

    Not `qtbot.waitSignal(worker.signals.done)`: a quick job can emit `done` from its thread before
    the test connects to it, and that emission is lost. The pool forgets a worker in its own `done`
    slot, connected after the window's, so by then the window's result/failed slots have run too.
    """
    qtbot.waitUntil(lambda: worker not in window.pool.active, timeout=timeout)
