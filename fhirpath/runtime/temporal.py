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
Arithmetic, boundaries, components and conversions from strings are in
`fhirpath.runtime.calendar`, loaded by the first expression that needs them.
"""

from __future__ import annotations

import re
from enum import IntEnum
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
