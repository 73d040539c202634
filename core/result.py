"""The result.json contract (design.md): conversion between dataclasses and JSON.

Field names here are public: the platform sync sends them and score.py reads them.
Add fields freely, never rename the contract's.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from core.errors import MetaError
from core.types import (
    Absence,
    Assessment,
    Attendance,
    ComplianceItem,
    FirstTopic,
    FollowupEntry,
    Meeting,
    Minutes,
    Participation,
    Resolution,
    Result,
    Risk,
    Score,
    ScorePart,
    Segment,
    SpeechPoint,
    Vote,
    canonical_meeting_type,
    parse_meeting_type,
)

SCHEMA = "sanhui.result/1"
_CLOCK = re.compile(r"(?P<h>[01]?\d|2[0-3])[:：](?P<m>[0-5]\d)(?:[:：][0-5]\d)?")  # 14:30, 9:05, 14:30:00


def _pick(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Keep only the keys the dataclass knows, so extra fields in files never break loading."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


# ---------------------------------------------------------------- meeting / meta


def meeting_from_dict(data: dict[str, Any], strict: bool = False) -> Meeting:
    """strict (a meta file the secretary wrote): the type must be a known type or alias. Stored
    results load as they are, whatever type an older version accepted."""
    if not isinstance(data, dict):
        raise MetaError("会议信息格式不正确：应为 JSON 对象。")
    meeting = Meeting(**_pick(Meeting, data))
    if not isinstance(meeting.type, str):
        raise MetaError("会议信息中的“type”（会议类型）应为文字，如“支部委员会”。")
    meeting.type = canonical_meeting_type(meeting.type)
    if strict:
        try:
            meeting.type = parse_meeting_type(meeting.type)
        except ValueError as exc:
            raise MetaError(str(exc)) from None
    if not isinstance(meeting.roster, list) or not all(isinstance(n, str) for n in meeting.roster):
        raise MetaError("会议信息中的“roster”（参会名单）应为姓名列表。")
    if not isinstance(meeting.agenda, list):
        raise MetaError("会议信息中的“agenda”（议程）应为列表。")
    meeting.roster = [n.strip() for n in meeting.roster if n.strip()]
    if not isinstance(meeting.attendees_nonvoting, list) or not all(isinstance(n, str) for n in meeting.attendees_nonvoting):
        raise MetaError("会议信息中的“attendees_nonvoting”（列席人员）应为姓名列表。")
    meeting.attendees_nonvoting = [n.strip() for n in meeting.attendees_nonvoting if n.strip()]
    for key, label in (("start_time", "开始时间"), ("end_time", "结束时间")):
        value = getattr(meeting, key)
        if not isinstance(value, str):
            raise MetaError(f"会议信息中的“{key}”（{label}）应为“时:分”，如 14:30。")
        clock = _CLOCK.fullmatch(value.strip())
        if value.strip() and not clock:
            raise MetaError(f"会议{label}“{value}”格式不正确，应为“时:分”，如 14:30。")
        setattr(meeting, key, f"{int(clock['h']):02d}:{clock['m']}" if clock else "")
    if meeting.date:
        import datetime as dt

        try:
            dt.date.fromisoformat(meeting.date)
        except (TypeError, ValueError):
            raise MetaError(f"会议日期“{meeting.date}”格式不正确，应为 YYYY-MM-DD。") from None
    return meeting


def load_meta(path: Path) -> Meeting:
    """Read a meta file as the secretary wrote it; every failure is a MetaError in Chinese."""
    path = Path(path)
    if not path.is_file():
        raise MetaError(f"找不到会议信息文件“{path}”。")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise MetaError(f"会议信息文件“{path.name}”不是 UTF-8 文本。") from None
    except json.JSONDecodeError as exc:
        raise MetaError(f"会议信息文件“{path.name}”不是有效的 JSON（第 {exc.lineno} 行）。") from None
    try:
        return meeting_from_dict(data, strict=True)
    except MetaError as exc:
        raise MetaError(f"会议信息文件“{path.name}”：{exc}") from None


# ---------------------------------------------------------------- segments


def segments_from_list(items: Any) -> list[Segment]:
    if not isinstance(items, list):
        raise MetaError("转写文件中缺少“segments”列表。")
    segments = []
    for i, item in enumerate(items, 1):
        try:
            segments.append(
                Segment(
                    start=float(item["start"]),
                    end=float(item["end"]),
                    text=str(item.get("text", "")),
                    speaker=str(item.get("speaker") or item.get("name") or ""),
                )
            )
        except (KeyError, TypeError, ValueError):
            raise MetaError(f"转写文件第 {i} 段缺少有效的 start/end 时间。") from None
    return segments


def load_transcript(path: Path) -> list[Segment]:
    path = Path(path)
    if not path.is_file():
        raise MetaError(f"找不到转写文件“{path}”。")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise MetaError(f"转写文件“{path.name}”不是有效的 JSON。") from None
    if isinstance(data, dict):
        data = data.get("segments")
    return segments_from_list(data)


# ---------------------------------------------------------------- minutes


def minutes_to_dict(m: Minutes) -> dict[str, Any]:
    return {
        "attendance": asdict(m.attendance),
        "agenda": list(m.agenda),
        "first_topic": asdict(m.first_topic) if m.first_topic else None,
        "resolutions": [asdict(r) for r in m.resolutions],
        "votes": [
            {
                "matter": v.matter,
                "for": v.in_favor,
                "against": v.against,
                "abstain": v.abstain,
                "passed": v.passed,
                "start": v.start,
                "end": v.end,
            }
            for v in m.votes
        ],
        "points": [asdict(p) for p in m.points],
        "followup": [asdict(f) for f in m.followup],
    }


def minutes_from_dict(d: dict[str, Any]) -> Minutes:
    att = d.get("attendance") or {}
    attendance = Attendance(**_pick(Attendance, att))
    attendance.absent = [Absence(**_pick(Absence, a)) for a in att.get("absent", [])]
    ft = d.get("first_topic")
    return Minutes(
        attendance=attendance,
        agenda=list(d.get("agenda") or []),
        first_topic=FirstTopic(**_pick(FirstTopic, ft)) if ft else None,
        resolutions=[Resolution(**_pick(Resolution, r)) for r in d.get("resolutions") or []],
        votes=[
            Vote(
                matter=v.get("matter", ""),
                in_favor=int(v.get("for", 0)),
                against=int(v.get("against", 0)),
                abstain=int(v.get("abstain", 0)),
                passed=v.get("passed"),
                start=float(v.get("start", 0.0)),
                end=float(v.get("end", 0.0)),
            )
            for v in d.get("votes") or []
        ],
        points=[SpeechPoint(**_pick(SpeechPoint, p)) for p in d.get("points") or []],
        followup=[FollowupEntry(**_pick(FollowupEntry, f)) for f in d.get("followup") or []],
    )


# ---------------------------------------------------------------- analytics


def _score_to_dict(s: Score) -> dict[str, Any]:
    out = asdict(s)
    if not s.errors:
        del out["errors"]
    return out


def _score_from_dict(d: dict[str, Any]) -> Score:
    parts = [ScorePart(**_pick(ScorePart, p)) for p in d.get("parts") or [] if isinstance(p, dict) and {"key", "name"} <= p.keys()]
    return Score(**{**_pick(Score, d), "parts": parts})


def assessment_to_dict(a: Assessment) -> dict[str, Any]:
    return {
        "participation": [asdict(p) for p in a.participation],
        "risks": [asdict(r) for r in a.risks],
        "sentiment": a.sentiment,
        "score": _score_to_dict(a.score),
        "compliance": [asdict(c) for c in a.compliance],
        "interaction": a.interaction,
    }


def assessment_from_dict(d: dict[str, Any]) -> Assessment:
    return Assessment(
        participation=[Participation(**_pick(Participation, p)) for p in d.get("participation") or []],
        risks=[Risk(**_pick(Risk, r)) for r in d.get("risks") or []],
        sentiment=dict(d.get("sentiment") or {}),
        score=_score_from_dict(d.get("score") or {}),
        compliance=[ComplianceItem(**_pick(ComplianceItem, c)) for c in d.get("compliance") or [] if isinstance(c, dict) and "item" in c],
        interaction=dict(d.get("interaction") or {}),
    )


# ---------------------------------------------------------------- whole result


def result_to_dict(r: Result) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "id": r.id,
        "meeting": asdict(r.meeting),
        "audio": {"path": r.audio_path, "duration": round(r.duration, 3)},
        "segments": [
            {"start": round(s.start, 3), "end": round(s.end, 3), "speaker": s.speaker, "text": s.text}
            for s in r.segments
        ],
        "minutes": minutes_to_dict(r.minutes),
        "analytics": assessment_to_dict(r.assessment),
        "timings": {k: round(v, 3) for k, v in r.timings.items()},
    }


def result_from_dict(d: dict[str, Any]) -> Result:
    audio = d.get("audio") or {}
    return Result(
        meeting=meeting_from_dict(d.get("meeting") or {}),
        segments=segments_from_list(d.get("segments") or []),
        minutes=minutes_from_dict(d.get("minutes") or {}),
        assessment=assessment_from_dict(d.get("analytics") or {}),
        audio_path=audio.get("path", ""),
        duration=float(audio.get("duration", 0.0)),
        id=d.get("id", ""),
        timings=dict(d.get("timings") or {}),
    )


def dumps(r: Result) -> str:
    return json.dumps(result_to_dict(r), ensure_ascii=False, indent=2)
