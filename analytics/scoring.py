"""The effectiveness score: named parts on 0-100, fixed weights, a formula printed in the report.

A part that cannot be measured (no speaker labels, no resolutions ...) is left out and the
remaining weights are renormalised, so a missing input never reads as a poor meeting.
The score is a pure function of its inputs: the same transcript always gets the same score.
"""

from __future__ import annotations

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
# Share of present members expected to speak, by meeting type (a 支委会 is small: all should speak).
SPEAK_TARGET = {"支部委员会": 1.0, "党小组会": 0.8, "组织生活会": 1.0, "支部党员大会": 0.4, "主题党日": 0.4, "党课": 0.2}
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


def parts(m: dict, meeting_type: str) -> dict[str, tuple[float | None, str]]:
    """(value, how it was computed) per part, from the measures assess() collected."""
    out: dict[str, tuple[float | None, str]] = {}

    spoke = m.get("spoke_share")
    target = SPEAK_TARGET.get(meeting_type, 0.6)
    if spoke is None:
        out["participation"] = (None, "无法判断到会人数或说话人，未计算。")
    else:
        out["participation"] = (
            _clip(100 * spoke / target),
            f"发言人数占实到人数的{_pct(spoke)}，{meeting_type or '本类会议'}的目标为{_pct(target)}。",
        )

    gini, chair = m.get("gini"), m.get("chair_share")
    if gini is None or m.get("speakers", 0) < 2 or meeting_type == "党课":
        out["balance"] = (None, "党课以主讲为主或说话人不足两人，未计算。")
    else:
        value = 100 * (1 - gini)
        detail = f"发言时长基尼系数{gini:.2f}（0为完全均衡）"
        if chair is not None and chair > CHAIR_SHARE_LIMIT:
            factor = max(0.0, 1 - (chair - CHAIR_SHARE_LIMIT) / (1 - CHAIR_SHARE_LIMIT))
            value *= factor
            detail += f"；主持人发言占{_pct(chair)}，超过{_pct(CHAIR_SHARE_LIMIT)}部分按比例扣减"
        out["balance"] = (_clip(value), detail + "。")

    reply, heat = m.get("member_reply_share"), m.get("mean_heat")
    if heat is None:
        out["interaction"] = (None, "没有可分析的发言，未计算。")
    elif reply is None:
        out["interaction"] = (
            _clip(100 * heat / HEAT_TARGET),
            f"平均讨论热度{heat:.2f}（目标{HEAT_TARGET:.2f}，约每分钟轮换2次）；无法识别主持人，未计算成员间回应。",
        )
    else:
        value = 60 * min(1.0, reply / MEMBER_REPLY_TARGET) + 40 * min(1.0, heat / HEAT_TARGET)
        out["interaction"] = (
            _clip(value),
            f"成员之间直接回应占发言轮换的{_pct(reply)}（目标{_pct(MEMBER_REPLY_TARGET)}，占60分）；"
            f"平均讨论热度{heat:.2f}（目标{HEAT_TARGET:.2f}，约每分钟轮换2次，占40分）。",
        )

    ft_share, fit = m.get("first_topic_share"), m.get("agenda_fit")
    pieces, details = [], []
    if ft_share is not None and meeting_type != "党课":
        pieces.append(100 * min(1.0, ft_share / FIRST_TOPIC_TARGET))
        details.append(f"第一议题用时占{_pct(ft_share)}（目标不少于{_pct(FIRST_TOPIC_TARGET)}）")
    elif meeting_type != "党课" and m.get("first_topic_required"):
        pieces.append(0.0)
        details.append("未发现第一议题")
    if fit is not None:
        pieces.append(100 * fit)
        details.append(f"围绕议程的发言占{_pct(fit)}")
    out["topic"] = (
        (_clip(sum(pieces) / len(pieces)), "；".join(details) + "。") if pieces else (None, "没有议程信息，未计算。")
    )

    total, complete = m.get("resolutions", 0), m.get("resolutions_complete", 0)
    out["resolutions"] = (
        (100 * complete / total, f"{total}项决议中{complete}项有责任人和完成时限。")
        if total
        else (None, "未识别到决议事项，未计算。")
    )

    checked, ok = m.get("compliance_checked", 0), m.get("compliance_ok", 0)
    out["compliance"] = (
        (100 * ok / checked, f"可判断的{checked}项程序要求中{ok}项符合。") if checked else (None, "没有可判断的项目。")
    )

    neg = m.get("negative_share")
    if neg is None:
        out["atmosphere"] = (None, "没有可分析的发言，未计算。")
    elif meeting_type == "组织生活会":
        crit = m.get("criticism", False)
        out["atmosphere"] = (
            100.0 if crit else 60.0,
            "组织生活会开展批评和自我批评是应有之义，批评性发言不扣分；"
            + ("发言中有批评和自我批评。" if crit else "未发现批评和自我批评。"),
        )
    else:
        value = 100.0 if neg <= NEGATIVE_TOLERATED else 100 * (1 - (neg - NEGATIVE_TOLERATED) / (1 - NEGATIVE_TOLERATED))
        out["atmosphere"] = (_clip(value), f"消极情绪发言占{_pct(neg)}（{_pct(NEGATIVE_TOLERATED)}以内为坦诚讨论，不扣分）。")
    return out


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
