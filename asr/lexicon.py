"""Domain vocabulary for recognition: the party-building lexicon plus the meeting's roster and agenda.

The lexicon files live in resources/lexicons/*.txt: one term a line, `#` starts a comment, and an
optional `|weight` after a term. Users may drop further .txt files there (e.g. their company's
project names); every file is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parents[1] / "resources" / "lexicons"


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def _read(path: Path) -> list[str]:
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            terms.append(line.split("|", 1)[0].strip())
    return [t for t in terms if t]


@lru_cache(maxsize=4)
def load_lexicon(folder: Path = LEXICON_DIR) -> tuple[str, ...]:
    """All terms of all lexicon files, in file order, without duplicates."""
    seen: dict[str, None] = {}
    for path in sorted(Path(folder).glob("*.txt")):
        for term in _read(path):
            seen.setdefault(term, None)
    return tuple(seen)


def agenda_terms(agenda: Iterable[str], lexicon: Sequence[str] | None = None) -> list[str]:
    """Lexicon terms named in the agenda (longest first), so the agenda's own vocabulary is favoured."""
    lexicon = load_lexicon() if lexicon is None else lexicon
    text = "".join(agenda)
    found = [t for t in lexicon if len(t) >= 2 and t in text]
    found.sort(key=len, reverse=True)
    # drop terms contained in a longer one already chosen (党费 inside 党费收缴)
    chosen: list[str] = []
    for term in found:
        if not any(term in longer for longer in chosen):
            chosen.append(term)
    return chosen


def meeting_hotwords(roster: Iterable[str] = (), agenda: Iterable[str] = (), meeting_type: str = "") -> list[str]:
    """Hotwords in priority order: roster names, agenda terms, core terms of the meeting type.

    Transcriber keeps only as many as fit its budget, so the order matters: names first, because
    they are what Whisper gets wrong most and what the minutes need right.
    """
    from core.meeting_rules import expect, general_terms
    from core.types import canonical_meeting_type

    words = [n.strip() for n in roster if n and n.strip()]
    words += agenda_terms(agenda)
    # Terms worth a place in Whisper's small hotword budget, after the names: the type's, then every meeting's.
    words += [*expect(canonical_meeting_type(meeting_type)).terms, *general_terms()]
    return list(dict.fromkeys(words))


def correction_terms(roster: Iterable[str] = (), agenda: Iterable[str] = ()) -> list[str]:
    """Everything post-correction may restore: names, the agenda's Chinese phrases, the whole lexicon."""
    words = [n.strip() for n in roster if n and n.strip()]
    for item in agenda:
        words += [w for w in _CJK_RUN.findall(item) if len(w) <= 8]
    words += load_lexicon()
    return list(dict.fromkeys(words))
