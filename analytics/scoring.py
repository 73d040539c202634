"""The effectiveness score: named parts on 0-100, fixed weights, a formula printed in the report.

A part that cannot be measured (no speaker labels, no resolutions ...) is left out and the
remaining weights are renormalised, so a missing input never reads as a poor meeting.
The score is a pure function of its inputs: the same transcript always gets the same score.
"""

from __future__ import annotations

from core.meeting_rules import expect
from core.types import Score, ScorePart

WEIGHTS = {
    "participation": 0.20,
    "balance": 0.15,
    "interaction": 0.15,
    "topic": 0.15,
    "resolutions": 0.15,
    "compliance": 0.15,
    "atmosphere": 0.05,
}
NAMES = {
    "participation": "参与度",
    "balance": "发言均衡",
    "interaction": "讨论互动",
    "topic": "第一议题与议程",
    "resolutions": "决议完备",
    "compliance": "程序合规",
    "atmosphere": "讨论氛围",
}
CHAIR_SHARE_LIMIT = 0.5  # above this the chair's share starts to lower the balance part
FIRST_TOPIC_TARGET = 0.15  # share of speaking time on the 第一议题 that counts as full marks
MEMBER_REPLY_TARGET = 0.3  # share of turn transitions between two members (not the chair)
HEAT_TARGET = 1 / 3  # heat of about two speaker changes a minute
NEGATIVE_TOLERATED = 0.3  # candid discussion: up to 30 % negative utterances is not penalised
FORMULA = "总分 = Σ(分项得分 × 权重) ÷ Σ(参与计算的分项权重)；无法计算的分项不计入。"


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _clip(x: float) -> float:
    return max(0.0, min(100.0, x))


_Part = tuple[float | None, str]  # (value on 0-100 or None when not computed, how it was computed)


def parts(m: dict, meeting_type: str) -> dict[str, _Part]:
    """(value, how it was computed) per part, from the measures assess() collected."""
    return {
        "participation": _participation(m, meeting_type),
        "balance": _balance(m, meeting_type),
        "interaction": _interaction(m),
        "topic": _topic(m, meeting_type),
        "resolutions": _resolutions(m),
        "compliance": _compliance(m),
        "atmosphere": _atmosphere(m, meeting_type),
    }


def _participation(m: dict, meeting_type: str) -> _Part:
    """Share of present members who spoke, against the target for the meeting type."""
    spoke = m.get("spoke_share")
    target = expect(meeting_type).speak_target  # a 支委会 is small: all should speak
    if spoke is None:
        return (None, "无法判断到会人数或说话人，未计算。")
    return (
        _clip(100 * spoke / target),
        f"发言人数占实到人数的{_pct(spoke)}，{meeting_type or '本类会议'}的目标为{_pct(target)}。",
    )


def _balance(m: dict, meeting_type: str) -> _Part:
    """1 - Gini of speaking time, reduced when the chair talks beyond the limit."""
    gini, chair = m.get("gini"), m.get("chair_share")
    if gini is None or m.get("speakers", 0) < 2 or expect(meeting_type).lecture:
        return (None, "党课以主讲为主或说话人不足两人，未计算。")
    value = 100 * (1 - gini)
    detail = f"发言时长基尼系数{gini:.2f}（0为完全均衡）"
    if chair is not None and chair > CHAIR_SHARE_LIMIT:
        factor = max(0.0, 1 - (chair - CHAIR_SHARE_LIMIT) / (1 - CHAIR_SHARE_LIMIT))
        value *= factor
        detail += f"；主持人发言占{_pct(chair)}，超过{_pct(CHAIR_SHARE_LIMIT)}部分按比例扣减"
    return (_clip(value), detail + "。")


def _interaction(m: dict) -> _Part:
    """Member-to-member replies (60 points) and discussion heat (40); heat alone without a chair."""
    reply, heat = m.get("member_reply_share"), m.get("mean_heat")
    if heat is None:
        return (None, "没有可分析的发言，未计算。")
    if reply is None:
        return (
            _clip(100 * heat / HEAT_TARGET),
            f"平均讨论热度{heat:.2f}（目标{HEAT_TARGET:.2f}，约每分钟轮换2次）；无法识别主持人，未计算成员间回应。",
        )
    value = 60 * min(1.0, reply / MEMBER_REPLY_TARGET) + 40 * min(1.0, heat / HEAT_TARGET)
    return (
        _clip(value),
        f"成员之间直接回应占发言轮换的{_pct(reply)}（目标{_pct(MEMBER_REPLY_TARGET)}，占60分）；"
        f"平均讨论热度{heat:.2f}（目标{HEAT_TARGET:.2f}，约每分钟轮换2次，占40分）。",
    )


def _topic(m: dict, meeting_type: str) -> _Part:
    """The mean of the 第一议题's share of time (not for a 党课) and the on-agenda share."""
    ft_share, fit = m.get("first_topic_share"), m.get("agenda_fit")
    has_first_topic = expect(meeting_type).first_topic
    pieces, details = [], []
    if ft_share is not None and has_first_topic:
        pieces.append(100 * min(1.0, ft_share / FIRST_TOPIC_TARGET))
        details.append(f"第一议题用时占{_pct(ft_share)}（目标不少于{_pct(FIRST_TOPIC_TARGET)}）")
    elif has_first_topic and m.get("first_topic_required"):
        pieces.append(0.0)
        details.append("未发现第一议题")
    if fit is not None:
        pieces.append(100 * fit)
        details.append(f"围绕议程的发言占{_pct(fit)}")
    return (
        (_clip(sum(pieces) / len(pieces)), "；".join(details) + "。") if pieces else (None, "没有议程信息，未计算。")
    )


def _resolutions(m: dict) -> _Part:
    """Share of resolutions with both an owner and a deadline."""
    total, complete = m.get("resolutions", 0), m.get("resolutions_complete", 0)
    return (
        (100 * complete / total, f"{total}项决议中{complete}项有责任人和完成时限。")
        if total
        else (None, "未识别到决议事项，未计算。")
    )


def _compliance(m: dict) -> _Part:
    """Share of the checklist items that could be judged and were met."""
    checked, ok = m.get("compliance_checked", 0), m.get("compliance_ok", 0)
    return (100 * ok / checked, f"可判断的{checked}项程序要求中{ok}项符合。") if checked else (None, "没有可判断的项目。")


def _atmosphere(m: dict, meeting_type: str) -> _Part:
    """Negative utterances beyond a candid share; a 组织生活会 is judged on criticism instead."""
    neg = m.get("negative_share")
    if neg is None:
        return (None, "没有可分析的发言，未计算。")
    if expect(meeting_type).criticism:
        crit = m.get("criticism", False)
        return (
            100.0 if crit else 60.0,
            "组织生活会开展批评和自我批评是应有之义，批评性发言不扣分；"
            + ("发言中有批评和自我批评。" if crit else "未发现批评和自我批评。"),
        )
    value = 100.0 if neg <= NEGATIVE_TOLERATED else 100 * (1 - (neg - NEGATIVE_TOLERATED) / (1 - NEGATIVE_TOLERATED))
    return (_clip(value), f"消极情绪发言占{_pct(neg)}（{_pct(NEGATIVE_TOLERATED)}以内为坦诚讨论，不扣分）。")


def score(measures: dict, meeting_type: str) -> Score:
    computed = parts(measures, meeting_type)
    rows = []
    num = den = 0.0
    for key, weight in WEIGHTS.items():
        value, detail = computed[key]
        rows.append(ScorePart(key, NAMES[key], None if value is None else round(value, 1), weight, detail))
        if value is not None:
            num += value * weight
            den += weight
    overall = round(num / den) if den else None
    return Score(overall=overall, grade=grade(overall), parts=rows, weights=dict(WEIGHTS), formula=FORMULA,
                 measures=measures)


def grade(overall: float | None) -> str:
    if overall is None:
        return "无法评价"
    if overall >= 85:
        return "好"
    if overall >= 70:
        return "较好"
    if overall >= 55:
        return "一般"
    return "需改进"
