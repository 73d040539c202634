"""Deadlines said in a meeting, resolved to absolute dates against the meeting date.

本月底前 -> last day of the meeting's month; 十二月二十日前 -> that date (next year when it has
already passed: 'a January date said in December'); 下月十五号前; 本周五之前; 明年一月十号前;
年底前; 两周内; 每周 ... is recurring and has no deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from core.zh import misheard_month_days, month_day, reading
from summarizer.text import NUM, alternation, cn_to_int

_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 6,
            "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_BEFORE = r"(?P<before>之前|以前|前(?!后)|为止|为限|截止|内|底|完成)?"
_DAY = rf"(?P<d>{NUM})\s*(?:日|号)"
_MONTH = rf"(?P<m>{NUM})\s*月(?:份)?"

# Speech recognition hears the short syllables 月/日 as 一, inserts or drops a 一 (十月 -> 十一月) and
# confuses 一/七. A deadline said with 前 is repaired along these lines only, to the nearest date ahead.
_GARBLED = re.compile(r"(?<![0-9零〇一二两三四五六七八九十月年])(?P<run>[0-9一二三四五六七八九十月]{3,8})(?P<day>日|号)?"
                      r"(?P<before>之前|以前|前(?!后)|截止)")
_SUBSTITUTE_COST, _MISSING_COST = 1.0, 1.5  # same syllable count as said is the likelier reading

# (regex, kind): order matters only for overlapping matches at the same position.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?:(?P<y>{NUM})\s*年|(?P<rel>今年|明年|后年))?\s*{_MONTH}\s*{_DAY}" + _BEFORE), "ymd"),
    (re.compile(rf"(?:(?P<y>{NUM})\s*年|(?P<rel>今年|明年|后年))?\s*{_MONTH}\s*(?P<part>底|末|月底|中旬|上旬|下旬|初)" + _BEFORE),
     "month_part"),
    (_GARBLED, "garbled"),
    (re.compile(rf"(?:(?P<y>{NUM})\s*年|(?P<rel>今年|明年|后年))?\s*{_MONTH}\s*(?P<before>之前|以前|前|内|中)?"), "month"),
    (re.compile(r"(?P<rel>本月|这个月|当月|这月|下个?月|下下个?月)\s*(?P<part>底|末|中旬|上旬|下旬|内)?" + _BEFORE
                + rf"(?:\s*(?P<d>{NUM})\s*(?:日|号)" + _BEFORE.replace("before", "before2") + ")?"), "rel_month"),
    (re.compile(r"(?<![本这下个])月\s*(?P<part>底|末)" + _BEFORE), "bare_month_end"),
    (re.compile(r"(?<![0-9零〇一二两三四五六七八九十月])(?P<d>[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]|[0-9]{1,2})"
                r"\s*(?:日|号)\s*(?P<before>之前|以前|前(?!后))"), "day_only"),
    (re.compile(r"(?P<rel>本周|这周|这个星期|本星期|这星期|这礼拜|这个礼拜|下周|下个星期|下星期|下礼拜|下个礼拜|周|星期|礼拜)"
                r"\s*(?P<wd>[一二三四五六日天末1-7])?" + _BEFORE), "week"),
    (re.compile(r"(?P<rel>今年|明年|本年度|年度)?\s*(?P<part>年底|年末|年内|上半年|下半年)" + _BEFORE), "year_part"),
    # 一季度 / 第二季度末前: that quarter's last day (a bare 一季度 is the period the task must fall in)
    (re.compile(r"(?:第)?(?P<q>[一二三四1-4])\s*季度\s*(?:(?P<part>末|底|内)|(?=之前|以前|前(?!后)))" + _BEFORE), "quarter"),
    (re.compile(r"(?P<rel>本|这个|这|下个?)?季度\s*(?P<part>末|底|内)" + _BEFORE), "quarter"),
    (re.compile(rf"(?P<n>{NUM}|半)\s*个?\s*(?P<unit>天|日|周|星期|礼拜|月|工作日)\s*(?:之内|以内|内)"), "within"),
    (re.compile(r"(?P<rel>元旦|春节|过年|五一|劳动节|清明节?|端午节?|中秋节?|七一|建党节|八一|建军节|国庆节?|年前)\s*"
                r"(?P<before>之前|以前|前)"), "holiday"),
    (re.compile(r"(?P<rel>今天|今日|当天|明天|后天)\s*(?P<before>之前|以前|前|内|下班前|上午|下午|晚上)?"), "day"),
]


# Fixed-date days that are not public holidays (so not in the holidays library's calendar).
_FIXED_DAYS = {"七一": (7, 1), "建党节": (7, 1), "八一": (8, 1), "建军节": (8, 1)}
# Words for the public holidays, as the holidays library names them in zh_CN.
_HOLIDAY_NAMES = {"元旦": "元旦", "春节": "春节", "过年": "春节", "年前": "春节", "五一": "劳动节", "劳动节": "劳动节",
                  "清明": "清明节", "清明节": "清明节", "端午": "端午节", "端午节": "端午节", "中秋": "中秋节",
                  "中秋节": "中秋节", "国庆": "国庆节", "国庆节": "国庆节"}


@lru_cache(maxsize=64)
def _holiday_first_day(name: str, year: int) -> dt.date | None:
    """The first day of a Chinese public holiday in a year (lunar ones computed by the holidays library)."""
    import holidays  # lazy: the country tables load on first use

    days = sorted(d for d, n in holidays.China(years=year, language="zh_CN").items() if n == name)
    return days[0] if days else None


@dataclass
class Deadline:
    date: str | None  # ISO date, None when recurring
    text: str  # the words it came from
    start: int
    end: int
    explicit: bool  # said with 前/之前/底/内: a real deadline, not just a time reference
    recurring: bool = False
    kind: str = ""
    corrected: bool = False  # read through a recognition error (十二一二十一前, 11月31日前): worth a check


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + k
    return idx // 12, idx % 12 + 1


def _year(m: re.Match[str], base: dt.date) -> tuple[int, bool]:
    """(year, stated): the year said, or the meeting year."""
    y = m.groupdict().get("y")
    rel = m.groupdict().get("rel")
    if y:
        value = cn_to_int(y) or base.year
        if value < 100:
            value += 2000
        return value, True
    if rel == "明年":
        return base.year + 1, True
    if rel == "后年":
        return base.year + 2, True
    if rel == "今年":
        return base.year, True
    return base.year, False


def _roll(date: dt.date, base: dt.date, stated: bool) -> dt.date:
    """A month/day said without a year that has already passed means next year (a deadline is ahead)."""
    if not stated and date < base:
        try:
            return date.replace(year=date.year + 1)
        except ValueError:
            return date + dt.timedelta(days=365)
    return date


class _Impossible(ValueError):
    """A month and day that do not exist together, as heard (11月31日)."""

    def __init__(self, month: int, day: int, year: int, stated: bool):
        super().__init__(f"{month}/{day}")
        self.month, self.day, self.year, self.stated = month, day, year, stated


def _named_month(m: re.Match[str], base: dt.date) -> tuple[int, int, bool] | None:
    """(year, month, year stated) of '11月…', '明年3月…'; None for a month that does not exist."""
    year, stated = _year(m, base)
    month = cn_to_int(m.group("m") or "")
    return (year, month, stated) if month and 1 <= month <= 12 else None


def _ymd(m: re.Match[str], base: dt.date) -> dt.date | None:
    """'11月30日': that day, in the year the roll gives; '11月31日' is impossible, not October 31."""
    named = _named_month(m, base)
    day = cn_to_int(m.group("d") or "")
    if not named or not day:
        return None
    year, month, stated = named
    if day > calendar.monthrange(year, month)[1]:
        raise _Impossible(month, day, year, stated)
    return _roll(dt.date(year, month, day), base, stated)


def _month_part(m: re.Match[str], base: dt.date) -> dt.date | None:
    """'11月中旬' the 20th, '11月上旬/初' the 10th, '11月底' or '11月' the month's last day."""
    named = _named_month(m, base)
    if not named:
        return None
    year, month, stated = named
    part = m.groupdict().get("part") or ""
    if part in ("中旬",):
        date = dt.date(year, month, 20)
    elif part in ("上旬", "初"):
        date = dt.date(year, month, 10)
    else:
        date = _month_end(year, month)
    return _roll(date, base, stated)


def _rel_month(m: re.Match[str], base: dt.date) -> dt.date | None:
    g = m.groupdict()
    rel = g["rel"]
    k = 2 if rel.startswith("下下") else 1 if rel.startswith("下") else 0
    year, month = _add_months(base.year, base.month, k)
    if g.get("d"):
        day = cn_to_int(g["d"]) or 1
        return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
    part = g.get("part") or ""
    if part == "中旬":
        return dt.date(year, month, 20)
    if part == "上旬":
        return dt.date(year, month, 10)
    return _month_end(year, month)


def _day_only(m: re.Match[str], base: dt.date) -> dt.date | None:
    """'二十号前': the next such day, this month or the next."""
    g = m.groupdict()
    day = cn_to_int(g["d"]) or 0
    if not 1 <= day <= 31:
        return None
    year, month = (base.year, base.month) if day >= base.day else _add_months(base.year, base.month, 1)
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _bare_month_end(_m: re.Match[str], base: dt.date) -> dt.date | None:
    return _month_end(base.year, base.month)


def _week(m: re.Match[str], base: dt.date) -> dt.date | None:
    g = m.groupdict()
    rel, wd = g["rel"], g.get("wd")
    monday = base - dt.timedelta(days=base.weekday())
    if rel.startswith("下"):
        monday += dt.timedelta(days=7)
    elif rel in ("周", "星期", "礼拜"):
        if wd is None:
            return None  # '周' alone is not a time
        day = monday + dt.timedelta(days=_WEEKDAY[wd])
        return day if day >= base else day + dt.timedelta(days=7)  # 周五前 said on Saturday: next Friday
    return monday + dt.timedelta(days=_WEEKDAY[wd] if wd else 6)


def _year_part(m: re.Match[str], base: dt.date) -> dt.date | None:
    g = m.groupdict()
    year = base.year + (1 if g.get("rel") == "明年" else 0)
    return dt.date(year, 6, 30) if g["part"] == "上半年" else dt.date(year, 12, 31)


def _quarter(m: re.Match[str], base: dt.date) -> dt.date | None:
    g = m.groupdict()
    if g.get("q"):  # 一季度: the named quarter, this year or, once it is over, next year's
        q = (cn_to_int(g["q"]) or 1) - 1
        year, month = _add_months(base.year, 1, q * 3 + 2)
        end = _month_end(year, month)
        return end if end >= base else _month_end(year + 1, month)
    q = (base.month - 1) // 3 + (1 if (g.get("rel") or "").startswith("下") else 0)
    year, month = _add_months(base.year, 1, q * 3 + 2)
    return _month_end(year, month)


def _within(m: re.Match[str], base: dt.date) -> dt.date | None:
    g = m.groupdict()
    n = 0.5 if g["n"] == "半" else cn_to_int(g["n"]) or 0
    unit = g["unit"]
    if unit == "月":
        return base + dt.timedelta(days=round(30 * n))
    if unit in ("周", "星期", "礼拜"):
        return base + dt.timedelta(days=round(7 * n))
    if unit == "工作日":
        day, left = base, int(n)
        while left > 0:
            day += dt.timedelta(days=1)
            left -= day.weekday() < 5
        return day
    return base + dt.timedelta(days=round(n))


def _holiday(m: re.Match[str], base: dt.date) -> dt.date | None:
    """春节前 / 国庆前: the day before the holiday begins, the next one ahead."""
    g = m.groupdict()
    rel = g["rel"]
    for year in (base.year, base.year + 1):
        if rel in _FIXED_DAYS:
            first: dt.date | None = dt.date(year, *_FIXED_DAYS[rel])
        else:
            first = _holiday_first_day(_HOLIDAY_NAMES[rel], year)
        if first and first - dt.timedelta(days=1) >= base:
            return first - dt.timedelta(days=1)
    return None


def _day(m: re.Match[str], base: dt.date) -> dt.date | None:
    g = m.groupdict()
    return base + dt.timedelta(days={"明天": 1, "后天": 2}.get(g["rel"], 0))


_RESOLVERS: dict[str, Callable[[re.Match[str], dt.date], dt.date | None]] = {
    "ymd": _ymd,
    "month_part": _month_part,
    "month": _month_part,
    "rel_month": _rel_month,
    "day_only": _day_only,
    "bare_month_end": _bare_month_end,
    "week": _week,
    "year_part": _year_part,
    "quarter": _quarter,
    "within": _within,
    "holiday": _holiday,
    "day": _day,
}


def _resolve(kind: str, m: re.Match[str], base: dt.date) -> dt.date | None:
    resolve = _RESOLVERS.get(kind)
    return resolve(m, base) if resolve else None


def _valid(month_word: str, day_word: str, base: dt.date, year: int, stated: bool) -> dt.date | None:
    found = month_day(month_word, day_word)
    return _on_calendar(*found, base, year, stated) if found else None


def _on_calendar(month: int, day: int, base: dt.date, year: int, stated: bool) -> dt.date | None:
    """The date in `year` (rolled ahead of the meeting unless the year was said); None for 2月29日 of a common year."""
    if day > calendar.monthrange(year, month)[1]:
        return None
    return _roll(dt.date(year, month, day), base, stated)


def _one_edits(word: str) -> set[str]:
    """Words one misheard 一 away: inserted, dropped, or said for 七."""
    out = {word[:i] + word[i + 1:] for i, c in enumerate(word) if c == "一"}
    out |= {word[:i] + "一" + word[i:] for i in range(len(word) + 1)}
    out |= {word[:i] + {"一": "七", "七": "一"}[c] + word[i + 1:] for i, c in enumerate(word) if c in "一七"}
    return out - {word}


def _nearest(candidates: list[tuple[float, dt.date]], base: dt.date) -> dt.date | None:
    ahead = [(cost, (d - base).days, d) for cost, d in candidates if base <= d <= base + dt.timedelta(days=400)]
    return min(ahead)[2] if ahead else None


def repair_month_day(month: int, day: int, base: dt.date, year: int, stated: bool) -> dt.date | None:
    """A month/day that cannot exist (11月31日) read with one 一 put right; None when nothing fits."""
    m_word, d_word = reading(month), reading(day)
    candidates = [(1.0, d) for w in _one_edits(m_word) if (d := _valid(w, d_word, base, year, stated))]
    candidates += [(1.0, d) for w in _one_edits(d_word) if (d := _valid(m_word, w, base, year, stated))]
    return _nearest(candidates, base)


def read_garbled(run: str, base: dt.date, day_said: bool = False) -> dt.date | None:
    """'十二一二十一' before 前: 月 and 日 heard as 一 (十二月二十日); '十一二十日' (十月二十日, 月 as 一) when
    the 日 was heard (day_said); None when no reading fits."""
    if re.fullmatch(r"[0-9]+", run) or re.search(r"[0-9]{3}", run):
        return None  # digits alone carry no misheard 月/日
    run = re.sub(r"[0-9]+", lambda d: reading(int(d.group())), run)
    if "日" in run or "号" in run:
        return None
    candidates = [(edits * _SUBSTITUTE_COST + (_MISSING_COST if unsaid else 0.0), d)
                  for edits, unsaid, month, day in misheard_month_days(run, day_said)
                  if (d := _on_calendar(month, day, base, base.year, False))]
    return _nearest(candidates, base)


def find_dates(text: str, base: dt.date) -> list[Deadline]:
    """Every time expression in text that resolves to a date, left to right, non-overlapping."""
    hits: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(text):
            if m.end() == m.start() or any(m.start() < b and a < m.end() for a, b in taken):
                continue
            if text[max(0, m.start() - 1):m.start()] == "每":
                continue  # 每周五: recurring, not a date
            if kind == "day" and not m.group("before"):
                continue  # 今天的会议: the meeting itself, not a deadline
            corrected = False
            try:
                date = read_garbled(m.group("run"), base, bool(m.group("day"))) if kind == "garbled" else _resolve(kind, m, base)
                corrected = kind == "garbled" and date is not None
            except _Impossible as bad:  # only a deadline (…前) is worth repairing; a bare mention stays unread
                date = repair_month_day(bad.month, bad.day, base, bad.year, bad.stated) if m.group("before") else None
                corrected = True
            except (ValueError, OverflowError):
                date = None
            if date is None:
                if corrected:  # an impossible date that nothing repairs: unread, not re-read as its month
                    taken.append((m.start(), m.end()))
                continue
            g = m.groupdict()
            explicit = bool(g.get("before") or g.get("before2") or g.get("part") or kind in ("within", "week"))
            if kind == "month" and not g.get("before"):
                explicit = False  # 十一月份开展: a time reference, weaker than 十一月底前
            hits.append(Deadline(date.isoformat(), m.group(0), m.start(), m.end(), explicit, kind=kind, corrected=corrected))
            taken.append((m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)


# A day named by what happens then (下周二开经营分析会) or a past period (春节前那段旺季) is no deadline.
_EVENT_AFTER = re.compile(r"^(?:上午|下午|晚上)?(?:开(?!展|发|通|放|拓|办|工作)|有|要开|召开|停工|开工|进入|那场|那次|出的|那段|那几天|那会儿|的时候|期间)")


def find_deadline(text: str, base: dt.date) -> Deadline | None:
    """The deadline of a task sentence, never a date before the meeting (二零二四年三月递交) nor one naming an event.

    After a self-correction (下周四，不对，…下周五之前) the last date said; else a date said with 前, the nearest
    of several ('年底前推荐…，十月二十号之前报给我'); else the first explicit one, else the first time reference.
    A standing rule (每周…, 每月五号前更新) gets a recurring marker and no date.
    """
    tail_from = max((m.end() for m in re.finditer(r"不对|不行|改成|改到|那就", text)), default=0)
    dates = [d for d in find_dates(text, base) if d.date and d.date >= base.isoformat() and d.start >= tail_from
             and not _EVENT_AFTER.match(text[d.end:])]
    recurring = re.search(alternation("recurring"), text) if alternation("recurring") else None
    if recurring and all(d.start > recurring.start() and d.kind in ("day_only", "within", "week") for d in dates):
        # 每月五号前更新 / 每周五前报 / 每次会后两天内: a standing rule, no single date
        return Deadline(None, recurring.group(0), recurring.start(), recurring.end(), True, True)
    explicit = [d for d in dates if d.explicit or re.search(r"定在$|定于$", text[:d.start])]
    before = [d for d in explicit if re.search(r"前$|之前$|以前$", d.text)]
    if explicit:  # '下周死(四)…下周五之前': a date said with 前 is the deadline, a bare week less so
        if tail_from:
            return explicit[-1]
        return min(before, key=lambda d: d.date) if len(before) > 1 else (before or explicit)[0]
    if recurring:
        return Deadline(None, recurring.group(0), recurring.start(), recurring.end(), True, True)
    return dates[-1] if tail_from and dates else (dates[0] if dates else None)
