"""Sync to the party-building platform (智慧党建平台) and the tamper-evident local record.

Modules: canonical (canonical JSON and hashes), ledger (finalise, immutable records, hash chain,
audit log), client (the HTTP contract of docs/platform-api.yaml), outbox (in-order delivery with
backoff), package (offline hand-over zip), cli (the `sanhui` subcommands). Nothing here touches
the network unless the secretary asked for a sync.
"""
