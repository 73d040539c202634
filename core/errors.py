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


# The reasons the system gives (English, from the C library or SQLite) as a secretary should read them.
_ERRNO_REASONS = {
    "ENOSPC": "磁盘空间已满", "EDQUOT": "磁盘配额已用完", "EACCES": "没有访问权限", "EPERM": "没有操作权限",
    "EROFS": "只读的磁盘或文件夹（例如写保护的 U 盘）", "ENOENT": "文件或文件夹不存在", "EEXIST": "同名文件已存在",
    "EISDIR": "这是一个文件夹，不是文件", "ENOTDIR": "路径中有一项不是文件夹", "EIO": "磁盘读写错误（磁盘或 U 盘可能有故障）",
    "EBUSY": "文件正被占用", "ETXTBSY": "文件正被占用", "EMFILE": "打开的文件过多", "ENFILE": "打开的文件过多",
    "ENAMETOOLONG": "文件名过长", "EXDEV": "不能跨磁盘移动", "ENOTEMPTY": "文件夹不是空的", "ENODEV": "设备不存在或已拔出",
    "ENXIO": "设备不存在或已拔出", "ECONNREFUSED": "对方拒绝连接", "ETIMEDOUT": "连接超时", "ECONNRESET": "连接被对方断开",
    "ENETUNREACH": "网络不可达", "EHOSTUNREACH": "无法连接到该主机", "ENETDOWN": "网络已断开", "EPIPE": "连接已断开",
}
_SQLITE_REASONS = (
    ("database or disk is full", "磁盘空间已满"),
    ("database is locked", "数据库正被另一个程序使用，请稍后再试"),
    ("disk i/o error", "磁盘读写错误（磁盘可能有故障）"),
    ("file is not a database", "文件不是会议数据库，或已损坏"),
    ("database disk image is malformed", "数据库文件已损坏"),
    ("unable to open database file", "无法打开数据库文件（文件夹不存在或没有权限）"),
    ("readonly database", "数据库是只读的（没有写入权限）"),
)


def os_reason(exc: BaseException) -> str:
    """A Chinese reason for an OSError (or anything else, as it is)."""
    import errno

    name = errno.errorcode.get(getattr(exc, "errno", None) or -1, "")
    if name in _ERRNO_REASONS:
        return _ERRNO_REASONS[name]
    if isinstance(exc, TimeoutError):
        return "连接超时"
    return str(getattr(exc, "strerror", None) or exc)


def sqlite_reason(exc: BaseException) -> str:
    """A Chinese reason for a sqlite3 error; unknown ones keep SQLite's words after a Chinese lead."""
    text = str(exc)
    for english, chinese in _SQLITE_REASONS:
        if english in text.lower():
            return chinese
    return f"数据库错误（{text}）"
