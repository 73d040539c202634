"""Chinese-language helpers every stage shares (below asr, summarizer, analytics and app): numerals,
clock times, annotation markup, sentences and clauses (pinyin is core/pinyin). One home, so a numeral read
one way in recognition is read the same way in minutes.

Sentences and clauses: the minutes keep 、 inside a clause (it joins names in a list) and end a sentence at a
line break; the analytics also cut at 、 and …. Both are the same rule with those marks added.
"""

from __future__ import annotations

import re

# Annotation markup seen in human transcripts (AISHELL <sil>, <$>, [laugh]) and ASR filler tokens.
MARKUP = re.compile(r"<[^<>]{0,12}>|\[[^\[\]]{0,12}\]")
SENTENCE_ENDS = "。！？!?；;"
CLAUSE_MARKS = "，,：:；;。！？!?"


def sentence_pieces(text: str, also: str = "") -> list[str]:
    """Sentences of `text`, each with its final mark; `also`: more marks that end one, as the inside of a
    regex character class ('\n', '…')."""
    return [p.strip() for p in re.split(f"(?<=[{SENTENCE_ENDS}{also}])", text) if p.strip()]


def clauses(text: str, also: str = "") -> list[str]:
    """Comma, colon and sentence-mark clauses of `text`; `also`: more marks that cut, as the inside of a regex
    character class ('、…\\s')."""
    return [c.strip() for c in re.split(f"[{CLAUSE_MARKS}{also}]+", text) if c.strip()]

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(word: str) -> int | None:
    """二十三 → 23, 一百零五 → 105, 二零二六 → 2026 (digit by digit), 三百五 → 350 and 一万二 → 12000 (as
    said), 2十 → 20, 15 → 15; None when it is not a number."""
    word = (word or "").strip()
    if not word:
        return None
    if word.isdigit():
        return int(word)
    if any(c not in CN_DIGITS and c not in CN_UNITS and c != "万" and not c.isdigit() for c in word):
        return None
    if all(c in CN_DIGITS or c.isdigit() for c in word):  # read digit by digit: 二零二六
        return int("".join(str(CN_DIGITS.get(c, c)) for c in word))
    total = section = num = 0
    last_unit = 0  # the unit just before a trailing lone digit: 三百五 is 350, 一百零五 is 105
    for c in word:
        if c.isdigit():
            num, last_unit = num * 10 + int(c), 0
        elif c in CN_DIGITS:
            num = CN_DIGITS[c]
            if c in "零〇○":
                last_unit = 0
        elif c in CN_UNITS:
            section += (num or 1) * CN_UNITS[c]
            num, last_unit = 0, CN_UNITS[c]
        else:  # 万
            total += (section + num or 1) * 10000
            section = num = 0
            last_unit = 10000
    if num and last_unit >= 100:
        num *= last_unit // 10
    return total + section + num


def clock(seconds: float, always_hours: bool = False) -> str:
    """A time within the recording: 05:07, 1:02:03 → 01:02:03 (hours only when there are any, or always)."""
    s = max(0, int(seconds))
    hours, rest = divmod(s, 3600)
    if hours or always_hours:
        return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60:02d}:{rest % 60:02d}"


# ---------------------------------------------------------------- dates heard wrong

# Whisper hears 月 and 日 as 一 (十二月二十日 -> 十二一二十一) and confuses 一/七. Which readings a run of
# numerals allows is decided here; which one was meant needs the meeting's date (summarizer.dates), and
# the transcript is rewritten only where there is a single reading (asr.text).
MONTH_WORD = re.compile(r"^(?:十[一二]?|[一二三四五六七八九]|[0-9]{1,2})$")
DAY_WORD = re.compile(r"^(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]|[0-9]{1,2})$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # a day some year has (2月29日 counts)


def reading(n: int) -> str:
    """11 -> 十一, 31 -> 三十一: the syllables said, where a misheard 一 can be put right."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def month_day(month_word: str, day_word: str) -> tuple[int, int] | None:
    """(month, day) when both words are well formed and name a day of some year."""
    if not (MONTH_WORD.match(month_word) and DAY_WORD.match(day_word)):
        return None
    month, day = cn_to_int(month_word) or 0, cn_to_int(day_word) or 0
    return (month, day) if 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1] else None


def misheard_month_days(run: str, day_said: bool = False) -> list[tuple[int, bool, int, int]]:
    """Readings of a run of numerals as a month and day: (一 heard for 月 or 日, 日 left unsaid, month, day).

    '十二一二十一' -> (2, False, 12, 20): 月 and 日 both heard as 一; (1, True, 12, 21): 月 heard as 一 and no
    日 said. With day_said the 日/号 was heard after the run. A run with 月 in it splits there."""
    if "月" in run:
        i = run.index("月")
        splits = [(0, run[:i], run[i + 1:])]
    else:
        splits = [(1, run[:i], run[i + 1:]) for i, c in enumerate(run) if c == "一" and 0 < i < len(run) - 1]
    out = []
    for edits, month_word, rest in splits:
        if day_said:
            if found := month_day(month_word, rest):
                out.append((edits, False, *found))
            continue
        if rest.endswith("一") and (found := month_day(month_word, rest[:-1])):
            out.append((edits + 1, False, *found))
        if found := month_day(month_word, rest):
            out.append((edits, True, *found))
    return out
