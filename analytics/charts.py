"""Charts for the report, drawn with matplotlib (Agg) and a CJK font, returned as PNG bytes.

The font is the one shipped in resources/fonts (文泉驿微米黑, Apache-2.0) or, failing that, a
CJK font found on the system, so Chinese labels never turn into empty boxes.
"""

from __future__ import annotations

import functools
import io
import logging
from pathlib import Path

from analytics.text import display_name
from core.types import Participation, Segment
from core.zh import clock

log = logging.getLogger(__name__)

SYSTEM_FONTS = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Droid Sans Fallback",
)
WIDTH_IN = 6.3  # fits an A4 page with 2.5 cm margins
DPI = 150
MAX_BARS = 15
PALETTE = ("#c0392b", "#2e86c1", "#28b463", "#d68910", "#7d3c98", "#17a589", "#a04000", "#5d6d7e")


def shipped_font() -> Path | None:
    from importlib import resources

    try:
        folder = resources.files("resources") / "fonts"
        for name in ("wqy-microhei.ttc", "wqy-microhei.ttf"):
            candidate = Path(str(folder / name))
            if candidate.is_file():
                return candidate
    except (ModuleNotFoundError, OSError):
        pass
    return None


@functools.lru_cache(maxsize=1)
def _pyplot():
    """Import matplotlib lazily, select Agg and a CJK font; returns (pyplot, font family name)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    family = None
    path = shipped_font()
    if path is not None:
        try:
            font_manager.fontManager.addfont(str(path))
            family = font_manager.FontProperties(fname=str(path)).get_name()
        except Exception:  # noqa: BLE001 - fall back to system fonts
            log.warning("cannot load shipped font %s", path, exc_info=True)
    if family is None:
        available = {f.name for f in font_manager.fontManager.ttflist}
        family = next((name for name in SYSTEM_FONTS if name in available), None)
    if family is None:
        log.warning("no CJK font found: Chinese chart labels may not render")
    else:
        matplotlib.rcParams["font.sans-serif"] = [family, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False  # the CJK font lacks U+2212
    return plt, family


def font_family() -> str | None:
    return _pyplot()[1]


def _png(fig) -> bytes:
    plt, _ = _pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _mmss(seconds: float, _pos=None) -> str:
    """Axis labels (matplotlib passes a position too): core.zh.clock."""
    return clock(round(seconds))


def speaking_time(rows: list[Participation], chair: str | None = None) -> bytes:
    """Horizontal bars: minutes spoken per speaker, labelled with the share."""
    plt, _ = _pyplot()
    rows = sorted(rows, key=lambda p: -p.seconds)
    if len(rows) > MAX_BARS:
        rest = rows[MAX_BARS - 1 :]
        rows = rows[: MAX_BARS - 1] + [
            Participation("其他", sum(p.seconds for p in rest), sum(p.share for p in rest), sum(p.turns for p in rest))
        ]
    names = [display_name(p.speaker) + ("（主持）" if chair and p.speaker == chair else "") for p in rows]
    minutes = [p.seconds / 60 for p in rows]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.45 * max(len(rows), 2) + 1.0))
    colors = [PALETTE[0] if chair and p.speaker == chair else PALETTE[1] for p in rows]
    bars = ax.barh(range(len(rows)), minutes, color=colors)
    ax.set_yticks(range(len(rows)), names)
    ax.invert_yaxis()
    ax.set_xlabel("发言时长（分钟）")
    ax.set_title("各人发言时长")
    top = max(minutes, default=0) or 1
    for bar, p in zip(bars, rows, strict=True):
        ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2,
                f"{p.share * 100:.0f}%  {p.turns}次", va="center", fontsize=9)
    ax.set_xlim(0, top * 1.25)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def timeline(segments: list[Segment], sections: list[dict] | None = None) -> bytes:
    """Who spoke when: one row per speaker, a bar per segment; agenda items shaded behind."""
    plt, _ = _pyplot()
    order: list[str] = []
    seconds: dict[str, float] = {}
    for s in segments:
        seconds[s.speaker] = seconds.get(s.speaker, 0.0) + s.duration
    order = sorted(seconds, key=lambda k: -seconds[k])[:MAX_BARS]
    row = {name: i for i, name in enumerate(order)}
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.4 * max(len(order), 2) + 1.3))
    end = max((s.end for s in segments), default=1.0)
    for k, item in enumerate(sections or []):
        if item.get("end", 0) > item.get("start", 0):
            ax.axvspan(item["start"], item["end"], color="#f2f3f4" if k % 2 == 0 else "#e5e8e8", zorder=0)
            ax.text((item["start"] + item["end"]) / 2, -0.9, f"议题{k + 1}", ha="center", fontsize=8, color="#566573")
    for name in order:
        spans = [(s.start, max(s.duration, end / 2000)) for s in segments if s.speaker == name]
        color = PALETTE[row[name] % len(PALETTE)]
        ax.broken_barh(spans, (row[name] - 0.35, 0.7), facecolors=color, zorder=2)
    ax.set_yticks(range(len(order)), [display_name(n) for n in order])
    ax.set_ylim(len(order) - 0.4, -1.3)
    ax.set_xlim(0, end)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(_mmss))
    ax.set_xlabel("会议进行时间（分:秒）")
    ax.set_title("发言时间线")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def sentiment_over_time(timeline_points: list[dict], utterances: list[dict], criticism_expected: bool = False) -> bytes:
    """Windowed mean sentiment as a line, utterances as dots; the neutral band shaded."""
    plt, _ = _pyplot()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.8))
    ax.axhspan(-0.3, 0.3, color="#f2f3f4", zorder=0)
    ax.axhline(0, color="#aab7b8", linewidth=0.8)
    colors = {"positive": "#28b463", "neutral": "#95a5a6", "negative": "#c0392b"}
    for lbl, name in (("positive", "积极"), ("neutral", "中性"), ("negative", "批评/问题" if criticism_expected else "消极")):
        pts = [u for u in utterances if u["label"] == lbl]
        if pts:
            ax.scatter([(u["start"] + u["end"]) / 2 for u in pts], [u["score"] for u in pts],
                       s=12, color=colors[lbl], alpha=0.7, label=name, zorder=2)
    if timeline_points:
        xs = [(p["start"] + p["end"]) / 2 for p in timeline_points]
        ax.plot(xs, [p["score"] for p in timeline_points], color="#2e86c1", linewidth=2, label="平均", zorder=3)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("情绪倾向")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(_mmss))
    ax.set_xlabel("会议进行时间（分:秒）")
    title = "情绪倾向随时间变化"
    if criticism_expected:
        title += "（组织生活会：批评与自我批评属正常）"
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8, ncol=4, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def discussion_heat(windows: list[dict]) -> bytes:
    """Bars of discussion heat (speaker changes per minute, scaled 0-1) per time window."""
    plt, _ = _pyplot()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.4))
    if windows:
        ax.bar([w["start"] for w in windows], [w["heat"] for w in windows],
               width=[max(w["end"] - w["start"], 1e-3) * 0.9 for w in windows], align="edge", color="#d68910")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("讨论热度")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(_mmss))
    ax.set_xlabel("会议进行时间（分:秒）")
    ax.set_title("讨论热度（发言人轮换越频繁越高）")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
