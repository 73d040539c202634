"""Errors the user can act on. The message is Simplified Chinese and shown as is."""


class SanhuiError(Exception):
    """Base class: str(error) is a one-line message for the secretary."""


class AudioError(SanhuiError):
    """The recording is missing, unreadable, empty or silent."""


class MetaError(SanhuiError):
    """The meeting information (meta file) is missing or malformed."""


class ModelError(SanhuiError):
    """No usable speech model: missing, corrupt or failed checksum."""


class OutputError(SanhuiError):
    """Results cannot be written where asked."""


class StoreError(SanhuiError):
    """The local database cannot be opened or written."""
