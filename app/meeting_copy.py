"""Which copy of a meeting the user sees and exports: a finalised meeting is shown and exported as its
last finalised version (the ledger's), never as a working copy someone could have changed since."""

from __future__ import annotations

from app.sync.ledger import latest_record, result_part
from core.result import result_from_dict
from core.storage import MeetingStatus, Store
from core.types import Result


def meeting_copy(store: Store, meeting_id: str) -> tuple[Result, str]:
    """(result, status) of the meeting as it should be shown: the finalised version when 已定稿."""
    status = store.status(meeting_id)
    if status == MeetingStatus.FINALIZED:
        record = latest_record(store, meeting_id)
        if record is not None:
            result = result_from_dict(result_part(record.body))
            result.id = meeting_id
            return result, status
    return store.load_result(meeting_id), status
