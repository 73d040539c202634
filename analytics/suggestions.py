"""Plain-language suggestions for the secretary, derived only from the measured figures."""

from __future__ import annotations

from analytics.text import display_name
from core.meeting_rules import expect
from core.types import ComplianceItem, Risk


def suggest(measures: dict, checklist: list[ComplianceItem], risks: list[Risk], mtype: str) -> list[str]:
    out: list[str] = []
    for c in checklist:
        if c.ok is False:
            tail = "" if "请" in c.detail else "会后请补齐或整改。"
            out.append(f"{c.item}：{c.detail}{tail}")

    silent = measures.get("silent") or []
    if silent and expect(mtype).speak_target >= 0.8:  # small meetings where everyone should speak
        out.append(f"{'、'.join(silent[:6])}等同志到会但未发言，下次可提前分配发言任务，请每位同志都谈一谈。")
    elif silent and len(silent) <= 5:
        out.append(f"{'、'.join(silent)}同志到会但未发言，可在讨论环节主动邀请发言。")

    chair = measures.get("chair_share")
    if chair is not None and chair > 0.5:
        out.append(f"主持人发言占{chair * 100:.0f}%，可多留时间给其他同志讨论。")
    gini = measures.get("gini")
    if gini is not None and gini > 0.5 and not expect(mtype).lecture:
        out.append("发言时间集中在少数人，可采用轮流发言、限时发言等方式让更多同志参与。")
    reply = measures.get("member_reply_share")
    if reply is not None and reply < 0.15 and (measures.get("speakers") or 0) >= 3:
        out.append("成员之间相互回应较少，讨论多为“主持人—个人”问答，可鼓励同志们相互补充、交流意见。")

    ft = measures.get("first_topic_share")
    if ft is not None and ft < 0.1 and expect(mtype).first_topic:
        out.append(f"第一议题用时仅占{ft * 100:.0f}%，建议结合本单位实际深入研讨，并明确落实措施。")
    fit = measures.get("agenda_fit")
    if fit is not None and fit < 0.5:
        out.append("部分发言偏离议程，主持人可适时引导回到议题。")

    flagged = {c.item for c in checklist if c.ok is False}
    incomplete = measures.get("resolutions_complete", 0) < (measures.get("resolutions") or 0)
    if incomplete and "决议有责任人和时限" not in flagged:
        out.append("部分决议缺少责任人或完成时限，请在会议记录中补齐，便于跟踪落实。")

    by_speaker: dict[str, int] = {}
    for r in risks:
        by_speaker[r.speaker] = by_speaker.get(r.speaker, 0) + 1
    if risks:
        who = "、".join(display_name(s) for s in by_speaker)
        out.append(
            f"发现{len(risks)}处需要关注的发言（{who}），建议会后个别谈心、了解实际困难，"
            "把问题纳入整改台账跟踪解决，而不是简单批评。"
        )
    if expect(mtype).criticism:
        out.append("组织生活会上的批评性发言属正常现象，不作为消极表现评价。")
    if not out:
        out.append("会议程序规范、讨论充分，请继续保持，并按时跟踪决议落实。")
    return out
