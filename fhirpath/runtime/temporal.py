"""FHIRPath Date, DateTime and Time values with partial precision.

A value keeps its fields in one tuple, ``_parts``, cut at its precision:
Date ``(year[, month[, day]])``; DateTime continues that with
``hour, minute, second, nanoseconds``; Time is ``(hour[, minute[, second[, nanoseconds]]])``.
The precision is therefore the tuple's length, and two values with the same
precision and offset compare with one tuple comparison. Fractional seconds
also keep their digits as written (``_frac``) so output round-trips exactly.

A DateTime without an offset is taken to lie somewhere between -12:00 and
+14:00. That is what the official suite expects of lowBoundary() and
highBoundary(), and it lets a comparison between a value with an offset and
one without answer whenever the two possible ranges do not overlap (and give
empty when they do, as the suite expects of ``@...T15:00:00Z = @...T10:00:00``).

The FHIRPath comparisons are the module functions (`compare`, `equals`,
`equivalent`); ``__eq__``/``__hash__`` are structural so values can sit in sets.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from enum import IntEnum
from fractions import Fraction
from functools import lru_cache

from fhirpath.errors import FHIRPathEvaluationError

__all__ = [
    "Precision",
    "Temporal",
    "Date",
    "DateTime",
    "Time",
    "compare",
    "equals",
    "equivalent",
    "add",
    "sub",
    "low_boundary",
    "high_boundary",
    "precision_digits",
    "component",
    "date_of",
    "time_of",
    "to_datetime",
    "duration",
    "difference",
    "date_from_string",
    "datetime_from_string",
    "time_from_string",
    "now",
    "today",
    "time_of_day",
]


class Precision(IntEnum):
    """How far a value is specified. Time values use HOUR to MILLISECOND."""

    YEAR = 0
    MONTH = 1
    DAY = 2
    HOUR = 3
    MINUTE = 4
    SECOND = 5
    MILLISECOND = 6  # any fractional seconds, however many digits were written


YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, MILLISECOND = Precision
_PRECISIONS = tuple(Precision)

_NS = {  # nanoseconds per unit, for the units of fixed length
    DAY: 86_400_000_000_000,
    HOUR: 3_600_000_000_000,
    MINUTE: 60_000_000_000,
    SECOND: 1_000_000_000,
    MILLISECOND: 1_000_000,
}
_NS_DAY = _NS[DAY]
_NS_MINUTE = _NS[MINUTE]

# The range of offsets a DateTime without one may have: the earliest instant
# it can denote uses +14:00, the latest -12:00.
_EARLIEST_OFFSET = 14 * 60
_LATEST_OFFSET = -12 * 60

_MIN_YEAR, _MAX_YEAR = 1, 9999


# --- calendar -----------------------------------------------------------------

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar, for any year.

    Unlike `datetime.date`, this works outside years 1..9999, which time-zone
    normalisation of values at the edges of the range needs.
    """
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    """Inverse of `_days_from_civil`."""
    days += 719468
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + 3 if shifted_month < 10 else shifted_month - 9
    return year_of_era + era * 400 + (month <= 2), month, day


# --- construction and validation ------------------------------------------------


def _date_parts(year: int, month: int | None, day: int | None) -> tuple[int, ...]:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"year {year} is outside 1..9999")
    if month is None:
        if day is not None:
            raise ValueError("a day needs a month")
        return (year,)
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is outside 1..12")
    if day is None:
        return (year, month)
    if not 1 <= day <= _days_in_month(year, month):
        raise ValueError(f"day {day} does not exist in {year:04d}-{month:02d}")
    return (year, month, day)


def _time_parts(
    hour: int, minute: int | None, second: int | None, fraction: str | None
) -> tuple[int, ...]:
    if not 0 <= hour <= 23:
        raise ValueError(f"hour {hour} is outside 0..23")
    if minute is None:
        if second is not None or fraction is not None:
            raise ValueError("seconds need minutes")
        return (hour,)
    if not 0 <= minute <= 59:
        raise ValueError(f"minute {minute} is outside 0..59")
    if second is None:
        if fraction is not None:
            raise ValueError("a fraction needs seconds")
        return (hour, minute)
    if not 0 <= second <= 59:
        raise ValueError(f"second {second} is outside 0..59")
    if fraction is None:
        return (hour, minute, second)
    if not (fraction.isascii() and fraction.isdigit()):
        raise ValueError(f"fraction {fraction!r} is not a run of digits")
    return (hour, minute, second, _nanos(fraction))


def _nanos(fraction: str) -> int:
    """Nanoseconds of a fraction's digits; digits past the ninth only print."""
    return int(fraction[:9].ljust(9, "0"))


def _check_offset(minutes: int) -> None:
    if not -_EARLIEST_OFFSET <= minutes <= _EARLIEST_OFFSET:
        raise ValueError(f"offset of {minutes} minutes is outside -14:00..+14:00")


def _new_date(parts: tuple[int, ...]) -> Date:
    value = object.__new__(Date)
    value._parts = parts
    return value


def _new_datetime(
    parts: tuple[int, ...], frac: str | None, tz: int | None, zulu: bool
) -> DateTime:
    value = object.__new__(DateTime)
    value._parts = parts
    value._frac = frac
    value._tz = tz
    value._zulu = zulu
    return value


def _new_time(parts: tuple[int, ...], frac: str | None) -> Time:
    value = object.__new__(Time)
    value._parts = parts
    value._frac = frac
    return value


# --- text -----------------------------------------------------------------------

# One grammar for DateTime literals and strings; the callers decide whether a
# bare trailing 'T' is allowed (literals only). Offsets need a time.
_DATETIME_RE = re.compile(
    r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?"
    r"(?:(T)(?:(\d\d)(?::(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?)?(Z|[+-]\d\d:\d\d)?)?",
    re.ASCII,
)
_DATE_RE = re.compile(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", re.ASCII)
_TIME_RE = re.compile(r"(\d\d)(?::(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?", re.ASCII)


def _int(text: str | None) -> int | None:
    return None if text is None else int(text)


def _parse_date(text: str) -> tuple[int, ...]:
    match = _DATE_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date (yyyy[-MM[-dd]])")
    year, month, day = match.groups()
    return _date_parts(int(year), _int(month), _int(day))


def _parse_datetime(text: str, *, bare_t: bool) -> DateTime:
    match = _DATETIME_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date/time (yyyy-MM-ddThh:mm:ss.fff(+|-)hh:mm)")
    year, month, day, t, hour, minute, second, fraction, offset = match.groups()
    parts = _date_parts(int(year), _int(month), _int(day))
    if hour is not None:
        if len(parts) < 3:
            raise ValueError(f"{text!r}: a time needs a full date")
        parts += _time_parts(int(hour), _int(minute), _int(second), fraction)
    elif offset is not None:
        raise ValueError(f"{text!r}: an offset needs a time")
    elif t is not None and not bare_t:
        raise ValueError(f"{text!r}: 'T' without a time")
    tz, zulu = _parse_offset(offset)
    return _new_datetime(parts, fraction, tz, zulu)


@lru_cache(maxsize=64)
def _parse_offset(text: str | None) -> tuple[int | None, bool]:
    """(minutes, written as 'Z'); cached because real data uses a handful of offsets."""
    if text is None:
        return None, False
    if text == "Z":
        return 0, True
    hours, minutes = int(text[1:3]), int(text[-2:])
    if minutes > 59:
        raise ValueError(f"offset {text!r} has minute {minutes}")
    total = hours * 60 + minutes
    _check_offset(total)
    return (-total if text[0] == "-" else total), False


def _parse_time(text: str) -> Time:
    match = _TIME_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a time (hh[:mm[:ss[.fff]]])")
    hour, minute, second, fraction = match.groups()
    return _new_time(_time_parts(int(hour), _int(minute), _int(second), fraction), fraction)


# One format per number of fields (the nanoseconds field prints as the written digits).
_DATETIME_FORMATS = (
    "%04d",
    "%04d-%02d",
    "%04d-%02d-%02d",
    "%04d-%02d-%02dT%02d",
    "%04d-%02d-%02dT%02d:%02d",
    "%04d-%02d-%02dT%02d:%02d:%02d",
)
_TIME_FORMATS = ("%02d", "%02d:%02d", "%02d:%02d:%02d")


def _datetime_text(parts: tuple[int, ...], frac: str | None) -> str:
    """Date and time fields without offset: ``2015-02-04T14:34:28.123``."""
    if len(parts) == 7:
        return _DATETIME_FORMATS[5] % parts[:6] + "." + frac
    return _DATETIME_FORMATS[len(parts) - 1] % parts


def _time_text(parts: tuple[int, ...], frac: str | None) -> str:
    if len(parts) == 4:
        return _TIME_FORMATS[2] % parts[:3] + "." + frac
    return _TIME_FORMATS[len(parts) - 1] % parts


@lru_cache(maxsize=64)
def _offset_text(tz: int, zulu: bool) -> str:
    if zulu:
        return "Z"
    hours, minutes = divmod(abs(tz), 60)
    return f"{'-' if tz < 0 else '+'}{hours:02d}:{minutes:02d}"


# --- the values -------------------------------------------------------------------


class Temporal:
    """Common base of Date, DateTime and Time (for isinstance checks elsewhere)."""

    __slots__ = ("_parts",)
    _frac: str | None = None
    _tz: int | None = None
    _zulu: bool = False

    def __eq__(self, other: object) -> bool:
        # Structural, for sets and distinct(): FHIRPath '=' is `equals()`.
        # How the value was spelled (fraction digits, 'Z') does not take part.
        if type(other) is not type(self):
            return NotImplemented
        return self._parts == other._parts and self._tz == other._tz

    def __hash__(self) -> int:
        return hash((self._parts, self._tz))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.literal()}>"


class Date(Temporal):
    """A calendar date to year, month or day precision."""

    __slots__ = ()

    def __init__(self, year: int, month: int | None = None, day: int | None = None) -> None:
        self._parts = _date_parts(year, month, day)

    @classmethod
    def parse_literal(cls, text: str) -> Date:
        """A FHIRPath Date literal without its '@' (``2014-01-25``); ValueError if invalid."""
        return _new_date(_parse_date(text))

    @classmethod
    def from_fhir(cls, text: str) -> Date | None:
        """A FHIR ``date`` string (``2014``, ``2014-01``, ``2014-01-25``), or None."""
        # Fast path for the common full date: no regex, no exception.
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
            year, month, day = text[:4], text[5:7], text[8:]
            if year.isdigit() and month.isdigit() and day.isdigit():
                y, m, d = int(year), int(month), int(day)
                if y >= 1 and 1 <= m <= 12 and 1 <= d and (d <= 28 or d <= _days_in_month(y, m)):
                    return _new_date((y, m, d))
            return None
        try:
            return _new_date(_parse_date(text))
        except ValueError:
            return None

    @property
    def precision(self) -> Precision:
        return _PRECISIONS[len(self._parts) - 1]

    @property
    def year(self) -> int:
        return self._parts[0]

    @property
    def month(self) -> int | None:
        return self._parts[1] if len(self._parts) > 1 else None

    @property
    def day(self) -> int | None:
        return self._parts[2] if len(self._parts) > 2 else None

    def __str__(self) -> str:
        return _DATETIME_FORMATS[len(self._parts) - 1] % self._parts

    def literal(self) -> str:
        return "@" + _DATETIME_FORMATS[len(self._parts) - 1] % self._parts


class DateTime(Temporal):
    """A date and time of day to any precision from year to fractional seconds.

    `tz` is the offset from UTC in minutes, or None when the value has none.
    """

    __slots__ = ("_frac", "_tz", "_zulu")

    def __init__(
        self,
        year: int,
        month: int | None = None,
        day: int | None = None,
        hour: int | None = None,
        minute: int | None = None,
        second: int | None = None,
        fraction: str | None = None,
        tz: int | None = None,
        *,
        zulu: bool = False,
    ) -> None:
        parts = _date_parts(year, month, day)
        if hour is not None:
            if len(parts) < 3:
                raise ValueError("a time needs a full date")
            parts += _time_parts(hour, minute, second, fraction)
        elif minute is not None or second is not None or fraction is not None:
            raise ValueError("minutes and seconds need an hour")
        if zulu:
            if tz not in (None, 0):
                raise ValueError("'Z' means offset 0")
            tz = 0
        if tz is not None:
            if hour is None:
                raise ValueError("an offset needs a time")
            _check_offset(tz)
        self._parts = parts
        self._frac = fraction
        self._tz = tz
        self._zulu = zulu

    @classmethod
    def parse_literal(cls, text: str) -> DateTime:
        """A FHIRPath DateTime literal without its '@' (``2015T``, ``2015-02-04T14:34:28.123+09:00``).

        Raises ValueError if invalid. The literal always has a 'T'.
        """
        if "T" not in text:
            raise ValueError(f"{text!r}: a DateTime literal has a 'T'")
        return _parse_datetime(text, bare_t=True)

    @classmethod
    def from_fhir(cls, text: str) -> DateTime | None:
        """A FHIR ``dateTime``/``instant`` string (partial allowed), or None if invalid."""
        if len(text) == 10:
            date = Date.from_fhir(text)
            return None if date is None else _new_datetime(date._parts, None, None, False)
        try:
            return _parse_datetime(text, bare_t=False)
        except ValueError:
            return None

    @property
    def precision(self) -> Precision:
        return _PRECISIONS[len(self._parts) - 1]

    @property
    def tz(self) -> int | None:
        return self._tz

    @property
    def zulu(self) -> bool:
        """Whether the offset was written 'Z'."""
        return self._zulu

    @property
    def fraction(self) -> str | None:
        """The fractional-second digits as written, or None."""
        return self._frac

    @property
    def year(self) -> int:
        return self._parts[0]

    @property
    def month(self) -> int | None:
        return self._parts[1] if len(self._parts) > 1 else None

    @property
    def day(self) -> int | None:
        return self._parts[2] if len(self._parts) > 2 else None

    @property
    def hour(self) -> int | None:
        return self._parts[3] if len(self._parts) > 3 else None

    @property
    def minute(self) -> int | None:
        return self._parts[4] if len(self._parts) > 4 else None

    @property
    def second(self) -> int | None:
        return self._parts[5] if len(self._parts) > 5 else None

    def __str__(self) -> str:
        text = _datetime_text(self._parts, self._frac)
        return text if self._tz is None else text + _offset_text(self._tz, self._zulu)

    def literal(self) -> str:
        """The literal keeps the 'T' of a date-only DateTime (``@2015T``)."""
        if len(self._parts) <= 3:
            return "@" + _DATETIME_FORMATS[len(self._parts) - 1] % self._parts + "T"
        return "@" + str(self)


class Time(Temporal):
    """A time of day, without offset, to hour, minute, second or fractional-second precision."""

    __slots__ = ("_frac",)

    def __init__(
        self,
        hour: int,
        minute: int | None = None,
        second: int | None = None,
        fraction: str | None = None,
    ) -> None:
        self._parts = _time_parts(hour, minute, second, fraction)
        self._frac = fraction

    @classmethod
    def parse_literal(cls, text: str) -> Time:
        """A FHIRPath Time literal without its '@', with or without the 'T'; ValueError if invalid."""
        return _parse_time(text[1:] if text[:1] == "T" else text)

    @classmethod
    def from_fhir(cls, text: str) -> Time | None:
        """A FHIR ``time`` string (``10:30:00``; partial allowed), or None if invalid."""
        try:
            return _parse_time(text)
        except ValueError:
            return None

    @property
    def precision(self) -> Precision:
        return _PRECISIONS[len(self._parts) + 2]

    @property
    def fraction(self) -> str | None:
        """The fractional-second digits as written, or None."""
        return self._frac

    @property
    def hour(self) -> int:
        return self._parts[0]

    @property
    def minute(self) -> int | None:
        return self._parts[1] if len(self._parts) > 1 else None

    @property
    def second(self) -> int | None:
        return self._parts[2] if len(self._parts) > 2 else None

    def __str__(self) -> str:
        return _time_text(self._parts, self._frac)

    def literal(self) -> str:
        return "@T" + _time_text(self._parts, self._frac)


AnyTemporal = Date | DateTime | Time


def _operand_error(message: str) -> FHIRPathEvaluationError:
    return FHIRPathEvaluationError(message, code="invalid-operand")


def _kind(value: Temporal) -> str:
    return type(value).__name__


# --- comparison -------------------------------------------------------------------


def compare(a: AnyTemporal, b: AnyTemporal) -> int | None:
    """-1, 0 or 1 ordering `a` and `b` (spec §6.2), or None when it is unknown.

    Fields are compared from the most significant; the first difference
    decides. Reaching a field only one value has gives None (different
    precisions), except that seconds and fractional seconds count as one
    decimal field. Offsets are normalised when both values have one; when only
    one has, the other's range of possible instants decides (see module doc).
    A Date compares as a DateTime of the same fields; a Time only with a Time.
    """
    if type(a) is Time or type(b) is Time:
        if type(a) is not type(b):
            raise _operand_error(f"cannot compare a {_kind(a)} with a {_kind(b)}")
        return _compare_parts(a._parts, b._parts, 3)
    tz_a, tz_b = a._tz, b._tz
    if tz_a == tz_b:
        return _compare_parts(a._parts, b._parts, 6)
    if tz_a is None or tz_b is None:
        return _compare_spans(a, b)
    return _compare_parts(_utc_parts(a._parts, tz_a), _utc_parts(b._parts, tz_b), 6)


def _compare_parts(pa: tuple[int, ...], pb: tuple[int, ...], with_seconds: int) -> int | None:
    """Field-wise order; `with_seconds` is the length at which seconds are present."""
    if len(pa) != len(pb):
        common = min(len(pa), len(pb))
        if common >= with_seconds:  # one has a fraction: 31 = 31.0, 31 < 31.1
            pa = pa if len(pa) > common else pa + (0,)
            pb = pb if len(pb) > common else pb + (0,)
        else:
            pa, pb = pa[:common], pb[:common]
            if pa == pb:
                return None
    return (pa > pb) - (pa < pb)


def _utc_parts(parts: tuple[int, ...], tz: int) -> tuple[int, ...]:
    """The same fields at offset zero (a time without minutes keeps only its hour)."""
    if tz == 0 or len(parts) < 4:
        return parts
    year, month, day, hour = parts[:4]
    minute = parts[4] if len(parts) > 4 else 0
    days, minutes = divmod(hour * 60 + minute - tz, 1440)
    if days:
        year, month, day = _civil_from_days(_days_from_civil(year, month, day) + days)
    hour, minute = divmod(minutes, 60)
    if len(parts) == 4:
        return (year, month, day, hour)
    return (year, month, day, hour, minute) + parts[5:]


def _fill(parts: tuple[int, ...], frac: str | None, high: bool) -> tuple[int, ...]:
    """All seven fields, the missing ones at their lowest or highest value."""
    n = len(parts)
    year = parts[0]
    month = parts[1] if n > 1 else (12 if high else 1)
    day = parts[2] if n > 2 else (_days_in_month(year, month) if high else 1)
    hour = parts[3] if n > 3 else (23 if high else 0)
    minute = parts[4] if n > 4 else (59 if high else 0)
    second = parts[5] if n > 5 else (59 if high else 0)
    if n > 6:
        nanos = parts[6]
        if high and len(frac) < 9:  # '.1' spans .1 to .1999...
            nanos += 10 ** (9 - len(frac)) - 1
    else:
        nanos = 999_999_999 if high else 0
    return (year, month, day, hour, minute, second, nanos)


def _instant(full: tuple[int, ...]) -> int:
    """Nanoseconds since 1970-01-01T00:00 of seven local fields."""
    year, month, day, hour, minute, second, nanos = full
    minutes = (_days_from_civil(year, month, day) * 24 + hour) * 60 + minute
    return (minutes * 60 + second) * 1_000_000_000 + nanos


def _span(value: Date | DateTime) -> tuple[int, int]:
    """The first and last UTC instant (ns) the value can denote."""
    low = _instant(_fill(value._parts, value._frac, False))
    high = _instant(_fill(value._parts, value._frac, True))
    tz = value._tz
    if tz is None:
        return low - _EARLIEST_OFFSET * _NS_MINUTE, high - _LATEST_OFFSET * _NS_MINUTE
    return low - tz * _NS_MINUTE, high - tz * _NS_MINUTE


def _compare_spans(a: Date | DateTime, b: Date | DateTime) -> int | None:
    low_a, high_a = _span(a)
    low_b, high_b = _span(b)
    if high_a < low_b:
        return -1
    if low_a > high_b:
        return 1
    return None


def equals(a: AnyTemporal, b: AnyTemporal) -> bool | None:
    """FHIRPath '=' (spec §6.1.1): None when precisions differ over an equal common part."""
    if (type(a) is Time) is not (type(b) is Time):
        return False
    order = compare(a, b)
    return None if order is None else order == 0


def equivalent(a: AnyTemporal, b: AnyTemporal) -> bool:
    """FHIRPath '~' (spec §6.1.3): like '=', but different precisions give false."""
    if (type(a) is Time) is not (type(b) is Time):
        return False
    if min(a.precision, SECOND) != min(b.precision, SECOND):
        return False
    return compare(a, b) == 0


# --- arithmetic -------------------------------------------------------------------

# unit -> (precision it counts, multiplier). UCUM 'a' and 'mo' are definite
# durations (mean Julian year/month), not calendar ones, so they are errors.
_ARITHMETIC_UNITS = {
    "year": (YEAR, 1),
    "years": (YEAR, 1),
    "month": (MONTH, 1),
    "months": (MONTH, 1),
    "week": (DAY, 7),
    "weeks": (DAY, 7),
    "wk": (DAY, 7),
    "day": (DAY, 1),
    "days": (DAY, 1),
    "d": (DAY, 1),
    "hour": (HOUR, 1),
    "hours": (HOUR, 1),
    "h": (HOUR, 1),
    "minute": (MINUTE, 1),
    "minutes": (MINUTE, 1),
    "min": (MINUTE, 1),
    "second": (SECOND, 1),
    "seconds": (SECOND, 1),
    "s": (SECOND, 1),
    "millisecond": (MILLISECOND, 1),
    "milliseconds": (MILLISECOND, 1),
    "ms": (MILLISECOND, 1),
}


def add(value: AnyTemporal, amount: Decimal | int, unit: str) -> AnyTemporal:
    """`value + amount unit` with calendar semantics (spec §6.6).

    Only seconds and milliseconds keep a decimal part; other amounts are
    truncated. A quantity finer than the value is converted to the value's
    precision (months -> years directly, otherwise through days with
    1 month = 30 days and 1 year = 365 days) and truncated. A day that does
    not exist in the resulting month becomes its last day. Times wrap at
    midnight. Errors: units that are not calendar durations (including UCUM
    'a' and 'mo'), date units on a Time, results outside years 1..9999.
    """
    try:
        unit_precision, factor = _ARITHMETIC_UNITS[unit]
    except KeyError:
        raise _operand_error(_unit_problem(value, unit)) from None
    is_time = type(value) is Time
    if is_time and unit_precision < HOUR:
        raise _operand_error(f"cannot add '{unit}' to a Time: it has no date")
    quantity = Fraction(amount)
    if unit_precision < SECOND:
        quantity = Fraction(int(quantity))
    quantity *= factor
    precision = value.precision
    if unit_precision > precision:
        # The value is less precise than the quantity (e.g. @2014 + 24 months).
        if precision == YEAR and unit_precision == MONTH:
            count = int(quantity / 12)
        elif precision <= MONTH:
            days = quantity * _NS[unit_precision] / _NS_DAY
            count = int(days / (365 if precision == YEAR else 30))
        else:
            count = int(quantity * _NS[unit_precision] / _NS[precision])
        unit_precision, quantity = precision, Fraction(count)
    if unit_precision == YEAR:
        return _add_months(value, 12 * int(quantity))
    if unit_precision == MONTH:
        return _add_months(value, int(quantity))
    if unit_precision == DAY:
        return _add_nanos(value, int(quantity) * _NS_DAY)
    # Keep the value's precision: 0.1 s added to a value in whole seconds adds nothing.
    step = _NS[precision] if precision < MILLISECOND else 1
    return _add_nanos(value, int(quantity * _NS[unit_precision] / step) * step)


def sub(value: AnyTemporal, amount: Decimal | int, unit: str) -> AnyTemporal:
    """`value - amount unit` (spec §6.6): adding the negated amount."""
    return add(value, -amount, unit)


def _unit_problem(value: Temporal, unit: str) -> str:
    if unit in ("a", "mo"):
        calendar = "year" if unit == "a" else "month"
        return (
            f"cannot add '{unit}' to a {_kind(value)}: UCUM '{unit}' is a mean duration, "
            f"not a calendar {calendar}; use {calendar}s"
        )
    return f"cannot add a quantity in '{unit}' to a {_kind(value)}: not a time unit"


def _check_year(year: int) -> None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _operand_error("date/time arithmetic result is outside years 1..9999")


def _with_parts(value: AnyTemporal, parts: tuple[int, ...], frac: str | None) -> AnyTemporal:
    kind = type(value)
    if kind is Date:
        return _new_date(parts)
    if kind is DateTime:
        return _new_datetime(parts, frac, value._tz, value._zulu)
    return _new_time(parts, frac)


def _add_months(value: Date | DateTime, months: int) -> Date | DateTime:
    parts = value._parts
    if len(parts) == 1:  # only ever whole years here
        year = parts[0] + months // 12
        _check_year(year)
        return _with_parts(value, (year,), None)
    year, month0 = divmod(parts[0] * 12 + parts[1] - 1 + months, 12)
    _check_year(year)
    month = month0 + 1
    if len(parts) == 2:
        new = (year, month)
    else:
        new = (year, month, min(parts[2], _days_in_month(year, month))) + parts[3:]
    return _with_parts(value, new, value._frac)


def _add_nanos(value: AnyTemporal, nanos: int) -> AnyTemporal:
    """Shift by a whole number of nanoseconds (a Time wraps around midnight)."""
    if nanos == 0:
        return value
    parts = value._parts
    is_time = type(value) is Time
    clock = parts if is_time else parts[3:]
    days = 0
    if clock:
        total = (
            clock[0] * _NS[HOUR]
            + (clock[1] * _NS_MINUTE if len(clock) > 1 else 0)
            + (clock[2] * 1_000_000_000 if len(clock) > 2 else 0)
            + (clock[3] if len(clock) > 3 else 0)
            + nanos
        )
        days, total = divmod(total, _NS_DAY)
        minutes, rest = divmod(total, _NS_MINUTE)
        seconds, sub_second = divmod(rest, 1_000_000_000)
        clock = (minutes // 60, minutes % 60, seconds, sub_second)[: len(clock)]
    else:
        days = nanos // _NS_DAY
    frac = value._frac
    if len(clock) == 4 and clock[3] != parts[-1]:
        frac = _fraction_text(clock[3], frac)
    if is_time:
        return _new_time(clock, frac)
    date = parts[:3]
    if days:
        date = _civil_from_days(_days_from_civil(*date) + days)
        _check_year(date[0])
    return _with_parts(value, date + clock, frac)


def _fraction_text(nanos: int, written: str) -> str:
    """Digits for a computed fraction: as many as written (at least 3), more if needed."""
    digits = f"{nanos:09d}"
    width = min(9, max(3, len(written), len(digits.rstrip("0"))))
    return digits[:width] + written[9:]


# --- boundaries, precision, components ---------------------------------------------

# precision() digit counts, by class and precision
_DIGITS = {
    Date: {YEAR: 4, MONTH: 6, DAY: 8},
    DateTime: {YEAR: 4, MONTH: 6, DAY: 8, HOUR: 10, MINUTE: 12, SECOND: 14, MILLISECOND: 17},
    Time: {HOUR: 2, MINUTE: 4, SECOND: 6, MILLISECOND: 9},
}
_BY_DIGITS = {kind: {d: p for p, d in table.items()} for kind, table in _DIGITS.items()}
# The default is the finest precision of the type. The spec's "4 for Date" reads
# as a slip for 8: the finest precision of a Date is the day.
_DEFAULT_DIGITS = {Date: 8, DateTime: 17, Time: 9}


def precision_digits(value: AnyTemporal) -> int:
    """precision(): digits of the value (``@2014`` 4, ``@T10:30`` 4, milliseconds 17 / 9)."""
    return _DIGITS[type(value)][value.precision]


def low_boundary(value: AnyTemporal, precision: int | None = None) -> AnyTemporal | None:
    """lowBoundary(precision): the earliest value the input can denote, at `precision` digits.

    None for a digit count the type does not have (e.g. 5, 10 for a Date, or 18 for a
    DateTime). The boundary of a Date is a DateTime (see `_boundary`).
    """
    return _boundary(value, precision, high=False)


def high_boundary(value: AnyTemporal, precision: int | None = None) -> AnyTemporal | None:
    """highBoundary(precision): the latest value the input can denote, at `precision` digits."""
    return _boundary(value, precision, high=True)


def _boundary(value: AnyTemporal, digits: int | None, high: bool) -> AnyTemporal | None:
    kind = type(value)
    target = _BY_DIGITS[kind].get(_DEFAULT_DIGITS[kind] if digits is None else digits)
    if target is None:
        return None
    # The spec says the boundary has "the same type as the value", but the R5 suite
    # types @2014.lowBoundary(6) and @2014.highBoundary(6) as dateTime
    # (LowBoundaryDateMonth, HighBoundaryDateMonth), as the Java reference does for
    # every date input. We follow the suite: a Date's boundaries are DateTimes, to the
    # digits a Date has (4, 6, 8), so they never gain a time of day.
    if kind is Time:
        full = _fill((1, 1, 1) + value._parts, value._frac, high)[3 : target + 1]
    else:
        parts = value._parts
        if high and len(parts) == 4:
            # The official suite (HighBoundaryDateTimeMillisecond1/3) expects
            # @2014-01-01T08.highBoundary(17) = @2014-01-01T08:00:59.999-12:00,
            # though the spec's own example gives 08:59:59.999: it reads an
            # hour-only DateTime as minute 00. We follow the suite.
            parts += (0,)
        full = _fill(parts, value._frac, high)[: target + 1]
    frac = None
    if target == MILLISECOND:
        millis = full[-1] // 1_000_000
        frac = f"{millis:03d}"
        full = full[:-1] + (millis * 1_000_000,)
    if kind is Time:
        return _new_time(full, frac)
    if target < HOUR:
        return _new_datetime(full, None, None, False)
    # Without an offset, the earliest instant is at +14:00 and the latest at
    # -12:00 (the suite's LowBoundaryDateTimeMillisecond1, HighBoundary...1).
    tz = value._tz
    if tz is None:
        return _new_datetime(full, frac, _LATEST_OFFSET if high else _EARLIEST_OFFSET, False)
    return _new_datetime(full, frac, tz, value._zulu)


_COMPONENTS = {  # name -> (index in DateTime layout, allowed on)
    "year": (0, (Date, DateTime)),
    "month": (1, (Date, DateTime)),
    "day": (2, (Date, DateTime)),
    "hour": (3, (DateTime, Time)),
    "minute": (4, (DateTime, Time)),
    "second": (5, (DateTime, Time)),
    "millisecond": (6, (DateTime, Time)),
}


def component(value: AnyTemporal, name: str) -> int | Decimal | None:
    """yearOf() ... millisecondOf(), timezoneOffsetOf(): the named field, or None.

    `name` is the function name without "Of": year, month, day, hour, minute,
    second, millisecond, timezoneOffset. None when the value does not have the
    field or its type has no such field (hourOf() on a Date). The offset is a
    Decimal number of hours with at least one decimal place (-7.0, 8.75).
    """
    if name == "timezoneOffset":
        tz = value._tz
        if tz is None:
            return None
        hours = Decimal(tz) / 60
        return hours.quantize(Decimal("0.1")) if hours == hours.to_integral_value() else hours
    try:
        index, kinds = _COMPONENTS[name]
    except KeyError:
        raise ValueError(f"unknown date/time component {name!r}") from None
    kind = type(value)
    if kind not in kinds:
        return None
    if kind is Time:
        index -= 3
    parts = value._parts
    if index >= len(parts):
        return None
    return parts[index] // 1_000_000 if name == "millisecond" else parts[index]


def date_of(value: AnyTemporal) -> Date | None:
    """dateOf() / toDate() of a DateTime: its date fields, without offset conversion."""
    kind = type(value)
    if kind is Date:
        return value
    if kind is DateTime:
        return _new_date(value._parts[:3])
    return None


def time_of(value: AnyTemporal) -> Time | None:
    """timeOf(): the time fields of a DateTime as written (no offset conversion), or None."""
    if type(value) is DateTime and len(value._parts) > 3:
        return _new_time(value._parts[3:], value._frac)
    return None


def to_datetime(value: Date | DateTime) -> DateTime:
    """The implicit Date -> DateTime conversion: same fields, no time, no offset."""
    if type(value) is DateTime:
        return value
    return _new_datetime(value._parts, None, None, False)


# --- duration() and difference() ----------------------------------------------------

_INTERVAL_UNITS = {
    "year": (YEAR, 1),
    "years": (YEAR, 1),
    "month": (MONTH, 1),
    "months": (MONTH, 1),
    "week": (DAY, 7),
    "weeks": (DAY, 7),
    "day": (DAY, 1),
    "days": (DAY, 1),
    "hour": (HOUR, 1),
    "hours": (HOUR, 1),
    "minute": (MINUTE, 1),
    "minutes": (MINUTE, 1),
    "second": (SECOND, 1),
    "seconds": (SECOND, 1),
    "millisecond": (MILLISECOND, 1),
    "milliseconds": (MILLISECOND, 1),
}


def _interval_operands(a: AnyTemporal, b: AnyTemporal, unit: str):
    """(precision, multiplier, parts of a, parts of b) in the DateTime layout, or None if too coarse."""
    try:
        precision, factor = _INTERVAL_UNITS[unit]
    except KeyError:
        raise _operand_error(f"'{unit}' is not a date/time precision") from None
    a_is_time, b_is_time = type(a) is Time, type(b) is Time
    if a_is_time is not b_is_time:
        raise _operand_error(f"cannot measure from a {_kind(a)} to a {_kind(b)}")
    if a_is_time and precision < HOUR:
        raise _operand_error(f"'{unit}' is not a precision of Time values")
    if type(a) is Date and type(b) is Date and precision > DAY:
        raise _operand_error(f"'{unit}' is not a precision of Date values")
    if a.precision < precision or b.precision < precision:
        return None
    if a_is_time:
        return precision, factor, (1970, 1, 1) + a._parts, (1970, 1, 1) + b._parts
    pa, pb = a._parts, b._parts
    tz_a, tz_b = a._tz, b._tz
    if precision >= HOUR and tz_a is not None and tz_b is not None and tz_a != tz_b:
        pa, pb = _utc_parts(pa, tz_a), _utc_parts(pb, tz_b)
    return precision, factor, pa, pb


def _common(pa: tuple[int, ...], pb: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Both cut to their common precision (seconds and fractions count as one)."""
    if len(pa) == len(pb):
        return pa, pb
    common = min(len(pa), len(pb))
    if common == 6:
        return pa + (0,) * (7 - len(pa)), pb + (0,) * (7 - len(pb))
    return pa[:common], pb[:common]


def _truncated_quotient(numerator: int, denominator: int) -> int:
    quotient = abs(numerator) // denominator
    return quotient if numerator >= 0 else -quotient


def duration(a: AnyTemporal, b: AnyTemporal, unit: str) -> int | None:
    """duration(): whole `unit` periods from `a` to `b` (negative if `a` is later).

    None when either value is less precise than `unit`. Offsets are normalised
    for hour and finer when both values have one.
    """
    operands = _interval_operands(a, b, unit)
    if operands is None:
        return None
    precision, factor, pa, pb = operands
    if precision <= MONTH:
        if len(pa) == 1 or len(pb) == 1:
            return pb[0] - pa[0]
        months = (pb[0] - pa[0]) * 12 + pb[1] - pa[1]
        rest_a, rest_b = _common(pa, pb)
        rest_a, rest_b = rest_a[2:], rest_b[2:]
        if months > 0 and rest_b < rest_a:
            months -= 1
        elif months < 0 and rest_b > rest_a:
            months += 1
        return months if precision == MONTH else _truncated_quotient(months, 12)
    pa, pb = _common(pa, pb)
    elapsed = _instant(_fill(pb, None, False)) - _instant(_fill(pa, None, False))
    return _truncated_quotient(elapsed, _NS[precision] * factor)


def difference(a: AnyTemporal, b: AnyTemporal, unit: str) -> int | None:
    """difference(): `unit` boundaries crossed from `a` to `b` (weeks start on Sunday).

    None when either value is less precise than `unit`. Offsets are normalised
    for hour and finer when both values have one.
    """
    operands = _interval_operands(a, b, unit)
    if operands is None:
        return None
    precision, factor, pa, pb = operands
    if precision == YEAR:
        return pb[0] - pa[0]
    if precision == MONTH:
        return (pb[0] - pa[0]) * 12 + pb[1] - pa[1]
    if precision == DAY:
        days_a, days_b = _days_from_civil(*pa[:3]), _days_from_civil(*pb[:3])
        if factor == 1:
            return days_b - days_a
        # 1970-01-01 was a Thursday: +4 makes each week number start on a Sunday.
        return (days_b + 4) // 7 - (days_a + 4) // 7
    size = _NS[precision]
    return (
        _instant(_fill(pb[: precision + 1], None, False)) // size
        - _instant(_fill(pa[: precision + 1], None, False)) // size
    )


# --- strings for toDate() / toDateTime() / toTime() ------------------------------------


def date_from_string(text: str, fmt: str | None = None) -> Date | None:
    """toDate() of a String: ``yyyy[-MM[-dd]]``, or the format codes of `fmt`; None if not a date."""
    if fmt is None:
        return Date.from_fhir(text)
    fields = _match_format(text, fmt)
    if fields is None:
        return None
    try:
        return Date(*fields[:3])
    except ValueError:
        return None


def datetime_from_string(text: str, fmt: str | None = None) -> DateTime | None:
    """toDateTime() of a String: ``yyyy[-MM[-dd[Thh[:mm[:ss[.fff]]][offset]]]]`` or `fmt`; None if not."""
    if fmt is None:
        return DateTime.from_fhir(text)
    fields = _match_format(text, fmt)
    if fields is None:
        return None
    year, month, day, hour, minute, second, fraction, offset, zulu = fields
    if hour is None:  # an offset means nothing without a time
        offset, zulu = None, False
    try:
        return DateTime(year, month, day, hour, minute, second, fraction, offset, zulu=zulu)
    except ValueError:
        return None


def time_from_string(text: str) -> Time | None:
    """toTime() of a String: ``hh[:mm[:ss[.fff]]]``, no offset; None if not a time."""
    return Time.from_fhir(text)


_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
_MONTH_ABBREVIATIONS = tuple(name[:3] for name in _MONTH_NAMES)

# (letter, run length) -> (field, regex). 'z' (zone names) is not supported.
_FORMAT_CODES = {
    ("y", 4): ("year", r"(\d{4})"),
    ("y", 2): ("yy", r"(\d{2})"),
    ("M", 1): ("month", r"(\d{1,2})"),
    ("M", 2): ("month", r"(\d{2})"),
    ("M", 3): ("month_abbr", r"([A-Za-z]{3})"),
    ("M", 4): ("month_name", r"([A-Za-z]+)"),
    ("d", 1): ("day", r"(\d{1,2})"),
    ("d", 2): ("day", r"(\d{2})"),
    ("H", 1): ("hour", r"(\d{1,2})"),
    ("H", 2): ("hour", r"(\d{2})"),
    ("h", 1): ("hour12", r"(\d{1,2})"),
    ("h", 2): ("hour12", r"(\d{2})"),
    ("m", 1): ("minute", r"(\d{1,2})"),
    ("m", 2): ("minute", r"(\d{2})"),
    ("s", 1): ("second", r"(\d{1,2})"),
    ("s", 2): ("second", r"(\d{2})"),
    ("a", 1): ("ampm", r"([AaPp][Mm]?)"),
    ("Z", 1): ("offset", r"(Z|[+-]\d\d:?\d\d)"),
}
_FORMAT_LETTERS = frozenset("yMdHhmsSaZz")


@lru_cache(maxsize=128)
def _format_pattern(fmt: str) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """The regex and field names of a format template, or None if it uses an unsupported code."""
    pieces: list[str] = []
    fields: list[str] = []
    i = 0
    while i < len(fmt):
        letter = fmt[i]
        j = i
        while j < len(fmt) and fmt[j] == letter:
            j += 1
        if letter not in _FORMAT_LETTERS:
            pieces.append(re.escape(fmt[i:j]))
        else:
            code = ("fraction", rf"(\d{{{j - i}}})") if letter == "S" else _FORMAT_CODES.get((letter, j - i))
            if code is None or code[0] in fields:
                return None
            fields.append(code[0])
            pieces.append(code[1])
        i = j
    return re.compile("".join(pieces), re.ASCII), tuple(fields)


def _match_format(text: str, fmt: str) -> tuple | None:
    """(year, month, day, hour, minute, second, fraction, offset, zulu) read by `fmt`, or None."""
    pattern = _format_pattern(fmt)
    if pattern is None:
        return None
    regex, names = pattern
    match = regex.fullmatch(text)
    if match is None:
        return None
    found = dict(zip(names, match.groups()))
    if "year" in found:
        year = int(found["year"])
    elif "yy" in found:
        two = int(found["yy"])  # the spec's suggested pivot: 00-49 -> 20xx, 50-99 -> 19xx
        year = two + (2000 if two < 50 else 1900)
    else:
        return None
    month = _int(found.get("month"))
    for key, names in (("month_abbr", _MONTH_ABBREVIATIONS), ("month_name", _MONTH_NAMES)):
        if key in found:
            name = found[key].lower()  # English names only; the spec leaves locales open
            if name not in names:
                return None
            month = names.index(name) + 1
    hour = _int(found.get("hour"))
    if "hour12" in found:
        hour = int(found["hour12"])
        if not 1 <= hour <= 12:
            return None
        if "ampm" in found:
            hour = hour % 12 + (12 if found["ampm"][0] in "Pp" else 0)
    chain = (year, month, _int(found.get("day")), hour, _int(found.get("minute")), _int(found.get("second")))
    present = [field is not None for field in chain]
    if present != sorted(present, reverse=True):  # a field without the coarser ones
        return None
    fraction = found.get("fraction")
    if fraction is not None and chain[5] is None:
        return None
    offset_text = found.get("offset")
    offset = None
    if offset_text is not None:
        if offset_text != "Z" and ":" not in offset_text:
            offset_text = f"{offset_text[:3]}:{offset_text[3:]}"
        try:
            offset, _ = _parse_offset(offset_text)
        except ValueError:
            return None
    return chain + (fraction, offset, offset_text == "Z")


# --- the clock ----------------------------------------------------------------------


def now(clock: datetime) -> DateTime:
    """now(): the evaluation's fixed clock as a DateTime to the millisecond, with its offset."""
    offset = clock.utcoffset()
    tz = None if offset is None else int(offset.total_seconds()) // 60
    millis = clock.microsecond // 1000
    parts = (
        clock.year, clock.month, clock.day,
        clock.hour, clock.minute, clock.second, millis * 1_000_000,
    )
    return _new_datetime(parts, f"{millis:03d}", tz, clock.tzinfo is timezone.utc)


def today(clock: datetime) -> Date:
    """today(): the clock's local date."""
    return _new_date((clock.year, clock.month, clock.day))


def time_of_day(clock: datetime) -> Time:
    """timeOfDay(): the clock's local time to the millisecond."""
    millis = clock.microsecond // 1000
    return _new_time(
        (clock.hour, clock.minute, clock.second, millis * 1_000_000), f"{millis:03d}"
    )
