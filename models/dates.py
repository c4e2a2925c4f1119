"""Dates as the Korean press writes them, parsed into aware datetimes (KST when no zone is given).

ISO 8601, dotted and slashed dates, Korean dates (``2022년 1월 30일 오후 3시 5분``)
with an optional label (``입력 2022.01.30 09:12``), RFC 2822 (RSS ``pubDate``), and
Unix timestamps in JSON. Used by the readers and by cleaning (datelines).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Optional

#: Korea Standard Time. Korea has had no daylight saving since 1988, so a fixed
#: offset is exact and needs no tz database.
KST = timezone(timedelta(hours=9), "KST")

_KOREAN_DATE = re.compile(
    r"""^(?:[가-힣]+\s*:?\s*)?                          # a label: 입력, 기사입력 :
    (\d{4})\s*(?:년|[.\-/])\s*(\d{1,2})\s*(?:월|[.\-/])\s*(\d{1,2})\s*(?:일|\.)?
    (?:\s*\([월화수목금토일]\))?
    (?:\s*(오전|오후|[AaPp][Mm])?\s*(\d{1,2})\s*(?::|시)\s*(?:(\d{1,2})\s*분?)?
       (?:\s*:?\s*(\d{1,2})\s*초?)?
       (?:\s*\(?\s*(KST|UTC|GMT|[+-]\d{2}:?\d{2})\s*\)?)?)?\s*$""",
    re.VERBOSE,
)
_ISO_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def _parse_iso(text: str) -> Optional[datetime]:
    normalized = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else _ISO_OFFSET.sub(r"\1:\2", text)
    try:
        return datetime.fromisoformat(normalized)
    except ValueError:
        return None


def _parse_korean(text: str) -> Optional[datetime]:
    match = _KOREAN_DATE.match(text)
    if not match:
        return None
    year, month, day, meridiem, hour, minute, second, zone = match.groups()
    hour_n = int(hour or 0)
    if meridiem in ("오후", "PM", "pm", "Pm", "pM") and hour_n < 12:
        hour_n += 12
    elif meridiem in ("오전", "AM", "am", "Am", "aM") and hour_n == 12:
        hour_n = 0
    try:
        return datetime(int(year), int(month), int(day), hour_n, int(minute or 0), int(second or 0),
                        tzinfo=_zone(zone))
    except ValueError:
        return None


def _zone(name: Optional[str]) -> Optional[timezone]:
    """``KST`` / ``UTC`` / ``GMT`` / ``+09:00`` / ``+0900`` as a fixed offset; None when not given."""
    if name is None:
        return None
    if name == "KST":
        return KST
    if name in ("UTC", "GMT"):
        return timezone.utc
    sign = -1 if name[0] == "-" else 1
    digits = name[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _parse_rfc2822(text: str) -> Optional[datetime]:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def parse_published_at(value: str) -> Optional[datetime]:
    """Parse a press date string into a tz-aware datetime (KST when none is given).

    Accepts ISO 8601 (``2022-01-30``, ``2022-01-30 09:12``, ``...T09:12:00+0900``,
    ``...Z``), dotted and slashed dates (``2022.01.30.``, ``2022/1/30 15:20:11``),
    Korean dates (``2022년 1월 30일 오후 3시 5분``, ``2022. 1. 30. 오후 3:05``), an
    optional leading label (``입력 : 2022.01.30 09:12``), an optional trailing zone
    after a time (``KST``, ``UTC``, ``+0900``) and RFC 2822 (RSS ``pubDate``).

    Args:
        value: The date as written.

    Returns:
        An aware datetime, or None when ``value`` is not a date we recognise
        (callers keep the article and leave the date empty).

    Example:
        >>> parse_published_at("2022년 1월 30일 오후 3시 5분")
        datetime.datetime(2022, 1, 30, 15, 5, tzinfo=datetime.timezone(datetime.timedelta(seconds=32400), 'KST'))
    """
    text = value.strip()
    if not text:
        return None
    parsed = _parse_iso(text) or _parse_korean(text) or _parse_rfc2822(text)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=KST)


def date_from_value(value: Any) -> Optional[datetime]:
    """Read a JSON date: a string, or a Unix timestamp in seconds or milliseconds."""
    if isinstance(value, str):
        return parse_published_at(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # 1e11 seconds is year 5138, so anything larger is milliseconds.
        seconds = value / 1000 if abs(value) >= 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    return None
