"""Display clean-up of recognised text: Simplified characters, tidy punctuation, normalised numerals.

Whisper answers Mandarin in Traditional characters about as often as in Simplified, writes the same
date as 十二月二十日, 12月二十日 or 12月20日, and separates clauses with spaces. The minutes want one
form: Simplified, full-width Chinese punctuation, Arabic digits for dates, counts of people and votes,
and percentages (as official documents write 2026年10月12日, 应到5人). Words that merely contain a
numeral (一致, 第一议题, 三会一课, 两学一做, 一个) are left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.zh import cn_to_int, misheard_month_days, reading  # one numeral reader for every stage

_NUM = "[零〇○一二两三四五六七八九十百千]"
_NUM_OR_DIGIT = "[零〇○一二两三四五六七八九十百千0-9]"
_NOT_AFTER = "零〇○一二两三四五六七八九十百千0-9"  # a match must start at the number's first character
_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                    for cp in range(r[0], r[1] + 1)}


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    try:
        return OpenCC("t2s")
    except Exception:  # some builds want the config file name
        return OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def _num(word: str) -> str:
    value = cn_to_int(word)
    return word if value is None else str(value)


def normalise_numerals(text: str) -> str:
    text = text.translate(_FULLWIDTH_ALNUM)
    # 二零二六年 -> 2026年 (a year is read digit by digit)
    text = re.sub(r"([零〇○一二三四五六七八九]{4})年", lambda m: _num(m.group(1)) + "年", text)
    # 十二月二十日 / 12月二十号 / 十一月份 / 九月底: month then optional day
    text = re.sub(
        rf"(?<![第几每这那个{_NOT_AFTER}])({_NUM_OR_DIGIT}{{1,3}})月(?:({_NUM_OR_DIGIT}{{1,3}})([日号]))?",
        _month_day,
        text,
    )
    # 百分之八十 -> 80%
    text = re.sub(rf"百分之({_NUM}+)", lambda m: _num(m.group(1)) + "%", text)
    # counts of people and votes: 应到五人, 二十三人, 赞成九票 (not 一人/两人 inside idioms like 一人一岗)
    text = re.sub(rf"(?<![第每{_NOT_AFTER}])({_NUM}{{1,4}})(人|名|票)(?![一两])", _count, text)
    return text


def _month_day(m: re.Match) -> str:
    month = cn_to_int(m.group(1))
    if month is None or not 1 <= month <= 12:
        return m.group(0)
    out = f"{month}月"
    if m.group(2):
        day = cn_to_int(m.group(2))
        out += f"{day}{m.group(3)}" if day is not None and 1 <= day <= 31 else m.group(2) + m.group(3)
    return out


def _count(m: re.Match) -> str:
    word = m.group(1)
    if word in ("一", "两"):  # 一人, 两名同志 read better as words
        return m.group(0)
    value = cn_to_int(word)
    return m.group(0) if value is None else f"{value}{m.group(2)}"


_CJK = r"[\u3400-\u9fff]"


def tidy_punctuation(text: str) -> str:
    text = text.strip()
    text = re.sub(rf"(?<={_CJK})\s+(?={_CJK})", "，", text)  # Whisper separates clauses with spaces
    text = re.sub(rf"(?<={_CJK}),\s*", "，", text)
    text = re.sub(rf"(?<={_CJK})\?", "？", text)
    text = re.sub(rf"(?<={_CJK})!", "！", text)
    text = re.sub(rf"(?<={_CJK});", "；", text)
    text = re.sub(rf"(?<={_CJK}):", "：", text)
    text = re.sub(r"([，。！？；：、])\1+", r"\1", text)
    return text


_DEADLINE_CUE = "(?=前|之前|以前|截止|为止)"
_CN_RUN = "[一二三四五六七八九十]"


def _misheard_date(m: re.Match) -> str:
    """十二一二十一 -> 12月20日: the only reading that splits the numerals into month 一 day (一 for 月,
    and a final 一 for 日, sound alike to Whisper; core.zh.misheard_month_days lists the readings)."""
    run, suffix = m.group(1), m.group(2)
    # A date before 前 says 日 or 号; with neither, the final 一 must be the misheard 日.
    # Only numerals as they are said (十, not 一十): the transcript is rewritten where nothing else is meant.
    readings = {(month, day) for _edits, unsaid, month, day in misheard_month_days(run, day_said=bool(suffix))
                if not unsaid and run == reading(month) + "一" + reading(day) + ("" if suffix else "一")}
    if len(readings) != 1:
        return m.group(0)  # no reading, or more than one: not ours to guess
    month, day = readings.pop()
    return f"{month}月{day}{suffix or '日'}"


def repair_dates(text: str) -> str:
    """Dates Whisper mangles, repaired only where the text can be nothing but a date.

    十二一二十一前 (十二月二十日前) and 十一二十日前 (十月二十日前): numerals right before 前/之前/以前/截止
    that read as month, 一, day in exactly one way, with a real month and a day that month has.
    A date that cannot exist as written (11月31日) stays as heard: summarizer.dates reads it against the
    meeting's date, the one place that can judge which date was meant.
    """
    return re.sub(rf"(?<![第几每0-9月{_CN_RUN[1:-1]}零两百千])({_CN_RUN}{{3,6}}?)([日号])?{_DEADLINE_CUE}",
                  _misheard_date, text)


def clean_text(text: str) -> str:
    """Whisper output -> display text for the minutes."""
    return repair_dates(normalise_numerals(repair_dates(tidy_punctuation(to_simplified(text)))))


def has_traditional(text: str) -> bool:
    """True when t2s would change the text: a Traditional character survived."""
    return to_simplified(text) != text


# Phrases Whisper invents over silence or music (learned from subtitle data), never said in a meeting.
HALLUCINATIONS = (
    "字幕", "订阅", "點贊", "点赞", "打赏", "明镜与点点", "Amara", "谢谢观看", "感谢观看", "谢谢收看",
    "请不吝", "中文字幕", "优优独播剧场", "YoYo Television",
)
_LOOP = re.compile(r"(.{1,8}?)\1{3,}")  # a unit said four or more times in a row


def collapse_repeats(text: str) -> str:
    """文文文文 / 好的好的好的好的 -> one occurrence: Whisper's repetition loops, not speech."""
    return _LOOP.sub(r"\1", text)


def is_hallucination(text: str) -> bool:
    return any(p in text for p in HALLUCINATIONS)
