"""Each meeting's state on the party-building platform, in the words of issue #8:
待发送 / 已发送 / 待审核 / 已通过 / 已退回 (plus the two refusals the outbox can record). Qt-free."""

from __future__ import annotations

from dataclasses import dataclass

from app.sync.outbox import CONFLICT, DELIVERED, QUEUED, REJECTED, outbox_items
from core.storage import Store

REVIEW_LABELS = ("待审核", "已通过", "已退回")
BAD = ("已退回", "被平台拒收", "平台已有更新版本")


@dataclass(frozen=True)
class SyncStatus:
    label: str  # what the list and the header show
    detail: str  # a tooltip: version, attempts, the platform's reason
    version: int

    @property
    def needs_attention(self) -> bool:
        return self.label in BAD


def status_of(item) -> SyncStatus:
    """One outbox entry (app.sync.outbox.OutboxItem) in the secretary's words."""
    version = f"第{item.version}版"
    if item.state == QUEUED:
        tried = f"，已尝试 {item.attempts} 次：{item.last_error}" if item.attempts and item.last_error else ""
        return SyncStatus("待发送", f"{version}等待发送到党建平台{tried}", item.version)
    if item.state == DELIVERED:
        label = item.review_status if item.review_status in REVIEW_LABELS else "已发送"
        reason = f"：{item.review_reason}" if item.review_reason else ""
        when = f"，{item.delivered_at[:16].replace('T', ' ')} 送达" if item.delivered_at else ""
        return SyncStatus(label, f"{version}{when}；平台审核：{item.review_status or '尚未查询'}{reason}", item.version)
    if item.state == REJECTED:
        return SyncStatus("被平台拒收", f"{version}：{item.last_error or '平台拒收'}", item.version)
    if item.state == CONFLICT:
        return SyncStatus("平台已有更新版本", f"{version}：{item.last_error or '版本冲突'}", item.version)
    return SyncStatus(item.state, version, item.version)


def sync_statuses(store: Store) -> dict[str, SyncStatus]:
    """meeting id -> the status of its newest finalised version (meetings never finalised are absent)."""
    out: dict[str, SyncStatus] = {}
    for item in outbox_items(store):  # delivery order: a later version overrides an earlier one
        if item.meeting_id not in out or item.version >= out[item.meeting_id].version:
            out[item.meeting_id] = status_of(item)
    return out
