"""The open meeting, Qt-free: its working copy, its status, and what may be done in that status.

The window only reflects a MeetingSession, as napari's Qt layer reflects its ViewerModel: every
action's enabled state is `session.can(action)`, every edit is told to it, and what is derived from
the working copy (the minutes' extracted sections, the assessment behind the report) is marked
pending after an edit and re-derived by `derive()` before it is shown, saved for good or exported,
so no document is older than the screen.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from core.storage import MeetingStatus, WorkingState
from core.types import MEETING_TYPE_ALIASES, MEETING_TYPES, Meeting, Minutes, Result

# The minutes sections the secretary edits; re-extraction replaces only those not edited by hand.
SECTIONS = ("attendance", "agenda", "first_topic", "resolutions", "votes")

# What waits to be re-derived after an edit, in increasing order of work.
FRESH, REPORT, MINUTES = "", "report", "minutes"
_LEVEL = {FRESH: 0, REPORT: 1, MINUTES: 2}


class Phase(StrEnum):
    NONE = "none"  # no meeting open
    IDLE = "idle"  # described in the form, nothing recorded or processed yet
    RECORDING = "recording"
    PROCESSING = "processing"
    PROCESSED = "processed"  # 已处理: editable
    REVISING = "revising"  # 修订中: editable; the next 定稿 records a new version
    FINAL = "final"  # 已定稿: frozen; 修订 reopens it


class Action(StrEnum):
    NEW = "new"  # a new meeting, or open another one
    RECORD = "record"  # into the open meeting while it is IDLE, otherwise into a new one
    IMPORT = "import"  # always asks for the meeting (the form, prefilled from the file)
    REPROCESS = "reprocess"  # the open meeting's own recording again, replacing its result
    EDIT = "edit"  # transcript text, speaker names, minutes fields
    REEXTRACT = "reextract"
    ADD_RESOLUTION = "add_resolution"
    REMOVE_RESOLUTION = "remove_resolution"
    EXPORT = "export"
    FINALIZE = "finalize"
    REVISE = "revise"
    DELETE = "delete"  # to the 回收站


_EDITING = {Action.EDIT, Action.REEXTRACT, Action.ADD_RESOLUTION, Action.REMOVE_RESOLUTION}
_WORKING = {Action.NEW, Action.RECORD, Action.IMPORT, Action.REPROCESS, *_EDITING, Action.EXPORT,
            Action.FINALIZE, Action.DELETE}
ALLOWED: dict[Phase, frozenset[Action]] = {
    Phase.NONE: frozenset({Action.NEW, Action.RECORD, Action.IMPORT}),
    Phase.IDLE: frozenset({Action.NEW, Action.RECORD, Action.IMPORT, Action.REPROCESS}),
    Phase.RECORDING: frozenset(),
    Phase.PROCESSING: frozenset({Action.NEW}),  # other meetings may be browsed meanwhile
    Phase.PROCESSED: frozenset(_WORKING),
    Phase.REVISING: frozenset(_WORKING),
    Phase.FINAL: frozenset({Action.NEW, Action.RECORD, Action.IMPORT, Action.EXPORT, Action.REVISE, Action.DELETE}),
}
# Starting audio work needs the one recorder and the one processing slot.
_NEEDS_IDLE_ENGINE = {Action.RECORD, Action.IMPORT, Action.REPROCESS}


@dataclass(frozen=True)
class DeriveRequest:
    """A snapshot to re-derive in a child process; applied only to the same meeting (ticket)."""

    ticket: int
    edits: int
    reextract: bool
    manual: frozenset[str]
    result: Result


@dataclass
class MeetingSession:
    meeting: Meeting | None = None
    result: Result | None = None  # the working copy; None before the meeting is processed
    status: str = ""  # as stored: "" (not yet), 已处理, 修订中, 已定稿
    audio: str = ""  # the recording (re)processing uses
    manual: set[str] = field(default_factory=set)  # minutes sections edited by hand
    pending: str = FRESH  # what waits to be re-derived (FRESH, REPORT, MINUTES)
    recording: bool = False
    processing: bool = False  # a processing job runs (for this meeting or, with another ticket, an earlier one)
    processing_ticket: int = -1
    processing_id: str = ""  # the stored meeting a running job replaces ("" for a new one)
    ticket: int = 0  # changes whenever another meeting is opened or begun
    edits: int = 0  # counts every edit, so a derivation of an older state is not taken as current

    # ------------------------------------------------------------ what is allowed

    @property
    def phase(self) -> Phase:
        if self.recording:
            return Phase.RECORDING
        if self.processing and self.processing_ticket == self.ticket:
            return Phase.PROCESSING
        if self.meeting is None:
            return Phase.NONE
        if self.result is None:
            return Phase.IDLE
        return {MeetingStatus.FINALIZED: Phase.FINAL, MeetingStatus.REVISING: Phase.REVISING}.get(self.status, Phase.PROCESSED)

    def can(self, action: Action) -> bool:
        return not self.why_not(action)

    def why_not(self, action: Action) -> str:
        """"" when allowed, otherwise why not, in Chinese (a tooltip, a status-bar line)."""
        phase = self.phase
        if action in _NEEDS_IDLE_ENGINE and self.processing and phase is not Phase.PROCESSING:
            return "正在处理另一段录音：请等处理完成或取消后再开始。"
        if action in ALLOWED[phase]:
            if action is Action.REPROCESS and not (self.audio or (self.result and self.result.audio_path)):
                return "这次会议没有录音文件，无法重新处理。"
            return ""
        if phase is Phase.RECORDING:
            return "正在录音：请先停止录音。"
        if phase is Phase.PROCESSING:
            return "正在处理这次会议：请等处理完成或取消处理。"
        if phase is Phase.FINAL:
            return "会议已定稿，不能再修改：如需更正，请先点击“修订”。"
        if action is Action.REVISE:
            return "只有已定稿的会议需要修订。"
        if action is Action.REPROCESS:
            return "还没有可重新处理的录音。"
        return "还没有处理结果：请先录音或导入录音。"

    @property
    def save_status(self) -> str:
        """The status an edit is saved with: 修订中 stays 修订中 until the next 定稿."""
        return MeetingStatus.REVISING if self.status == MeetingStatus.REVISING else MeetingStatus.PROCESSED

    @property
    def audio_path(self) -> str:
        return self.audio or (self.result.audio_path if self.result else "")

    # ------------------------------------------------------------ transitions

    def begin(self, meeting: Meeting) -> None:
        """A meeting just described in the form: nothing recorded or stored yet."""
        self._switch(meeting, None, "", "", set(), FRESH)

    def open(self, result: Result, status: str, state: WorkingState | None = None) -> None:
        self._switch(result.meeting, result, status, result.audio_path,
                     set(state.manual) if state else set(), state.pending if state and status != MeetingStatus.FINALIZED else FRESH)
        if self.processing and self.processing_id and result.id == self.processing_id:
            self.processing_ticket = self.ticket  # opened again while it is processed: still not editable

    def close(self) -> None:
        self._switch(None, None, "", "", set(), FRESH)

    def _switch(self, meeting, result, status, audio, manual, pending) -> None:
        self.meeting, self.result, self.status, self.audio = meeting, result, status, audio
        self.manual, self.pending = manual, pending
        self.ticket += 1
        self.edits = 0

    def start_processing(self, audio: str | Path | None, replace_id: str = "") -> int:
        """This meeting's recording goes to processing (replacing the stored meeting replace_id);
        returns the ticket its result must carry."""
        self.processing, self.processing_ticket, self.processing_id = True, self.ticket, replace_id
        if audio:
            self.audio = str(audio)
        return self.ticket

    def processing_ended(self, ticket: int, result: Result | None = None, status: str = MeetingStatus.PROCESSED) -> bool:
        """The job is over (finished, failed or cancelled); True when its result is now the open meeting's
        (the meeting it was started for, or the same stored meeting opened again meanwhile)."""
        mine = (self.processing_ticket if self.processing else ticket) == self.ticket
        self.processing, self.processing_id = False, ""
        if result is None or not mine:
            return False
        self.result, self.meeting, self.status = result, result.meeting, status
        self.audio, self.pending, self.edits = result.audio_path, FRESH, 0
        return True

    def finalized(self, result: Result) -> None:
        self.result, self.meeting, self.status, self.pending = result, result.meeting, MeetingStatus.FINALIZED, FRESH

    def reopened(self) -> None:
        self.status = MeetingStatus.REVISING

    # ------------------------------------------------------------ edits and what they make pending

    def edited(self, pending: str, section: str | None = None) -> bool:
        """An edit reached the working copy: transcript edits make the minutes pending (MINUTES),
        minutes edits the report (REPORT). False when this phase allows no edits."""
        if not self.can(Action.EDIT):
            return False
        if section:
            self.manual.add(section)
        if _LEVEL[pending] > _LEVEL[self.pending]:
            self.pending = pending
        self.edits += 1
        return True

    def rename_speaker(self, old: str, new: str) -> bool:
        """The transcript's segments were renamed (by its table model): the minutes follow at once,
        their hand-edited sections too, and the rest is re-derived."""
        if self.result is None or not self.can(Action.EDIT):
            return False
        rename_in_minutes(self.result.minutes, old, new)
        return self.edited(MINUTES)

    def derive_request(self, reextract: bool = False) -> DeriveRequest | None:
        """What to re-derive now: None when nothing is pending (unless reextract, the secretary's
        根据转写重新提取). The minutes are re-extracted when the transcript changed."""
        if self.result is None or self.status == MeetingStatus.FINALIZED or (self.pending == FRESH and not reextract):
            return None
        return DeriveRequest(self.ticket, self.edits, reextract or self.pending == MINUTES,
                             frozenset(self.manual), snapshot(self.result))

    def apply_derived(self, request: DeriveRequest, derived: Result) -> bool:
        """Take a finished derivation into the working copy; sections edited by hand since it started
        stay as they are now. False when it belongs to another meeting or state."""
        if request.ticket != self.ticket or self.result is None or self.status == MeetingStatus.FINALIZED:
            return False
        if request.reextract:
            self.result.minutes = merge_minutes(self.result.minutes, derived.minutes, self.manual)
        self.result.assessment = derived.assessment
        if request.edits == self.edits:
            self.pending = FRESH
        return True


# ------------------------------------------------------------------ the working copy's derived parts


def merge_minutes(old: Minutes, new: Minutes, manual: set[str] | frozenset[str]) -> Minutes:
    """Fresh extraction for every section except those edited by hand."""
    merged = copy.deepcopy(new)
    for section in manual:
        setattr(merged, section, copy.deepcopy(getattr(old, section)))
    return merged


def rename_in_minutes(minutes: Minutes, old: str, new: str) -> None:
    """A speaker's new name everywhere the minutes name them (speech points, owners, the 领学人)."""
    for point in minutes.points:
        if point.speaker == old:
            point.speaker = new
    for resolution in minutes.resolutions:
        if resolution.owner == old:
            resolution.owner = new
    if minutes.first_topic is not None and minutes.first_topic.leader == old:
        minutes.first_topic.leader = new


def snapshot(result: Result) -> Result:
    """A copy the UI can hand to another thread while it keeps editing (fast: no deepcopy of segments)."""
    import dataclasses

    from core.types import Segment

    return dataclasses.replace(
        result,
        meeting=copy.deepcopy(result.meeting),
        segments=[Segment(s.start, s.end, s.text, s.speaker) for s in result.segments],
        minutes=copy.deepcopy(result.minutes),
        timings=dict(result.timings),
    )


def derive(result: Result, reextract: bool = False, manual: set[str] | frozenset[str] = frozenset(),
           options=None) -> Result:
    """The minutes' extracted sections (when reextract; hand-edited ones kept) and the assessment,
    from the working copy's transcript and minutes, with the engine the settings chose (options,
    app.pipeline.ProcessOptions). Heavy (jieba, snownlp): run it in a child."""
    if reextract:
        from app.pipeline import ProcessOptions, extract_minutes

        fresh = extract_minutes(result.segments, result.meeting, options or ProcessOptions())
        result.minutes = merge_minutes(result.minutes, fresh, manual)
    from analytics import assess

    result.assessment = assess(result.segments, result.minutes, result.meeting)
    return result


# ------------------------------------------------------------------ a new meeting from a file name

_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d\d)[-_.年]?(0[1-9]|1[0-2])[-_.月]?(0[1-9]|[12]\d|3[01])(?!\d)")
_BRANCH_IN_NAME = re.compile(r"[\u4e00-\u9fff]*?党(?:总)?支部")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def date_from_filename(path: str | Path) -> str:
    """The ISO date a file name says (20261012, 2026-10-12, 2026年10月12日 …), or ""."""
    found = _DATE_IN_NAME.search(Path(path).stem)
    if not found:
        return ""
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3])).isoformat()
    except ValueError:
        return ""


def meeting_from_filename(path: str | Path, last: Meeting | None = None) -> Meeting:
    """The new-meeting form's prefill for an imported recording: the date from a name like 20261012
    (else the file's modification day), the type and branch when the name says them, the roster,
    place and people of the last meeting."""
    path = Path(path)
    stem = path.stem
    day = date_from_filename(path)
    if not day:
        try:
            day = dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
        except OSError:
            day = dt.date.today().isoformat()
    meeting = Meeting(date=day)
    if last is not None:
        meeting = Meeting(type=last.type, branch=last.branch, date=day, location=last.location,
                          host=last.host, recorder=last.recorder, roster=list(last.roster))
    names = sorted([*MEETING_TYPES, *MEETING_TYPE_ALIASES], key=len, reverse=True)
    said = next((n for n in names if n in stem), None)
    if said:
        meeting.type = MEETING_TYPE_ALIASES.get(said, said)
    branch = _BRANCH_IN_NAME.search(stem)
    if branch:
        meeting.branch = branch[0]
    rest = _DATE_IN_NAME.sub("", stem).strip(" -_.")
    if _CJK.search(rest):
        meeting.title = rest
    return meeting
