"""String functions: spec §5.6 "String Manipulation" and §5.7 "Additional String Functions".

Most are scalar: the compiler hands over the input string and the argument values and
wraps what comes back (None is empty). toChars(), split() and join() produce or
consume whole collections, so they are collection functions.

Indexes and lengths count code points, which is what a Python ``str`` indexes, and
what the spec calls characters (Unicode scalar values).
"""

from __future__ import annotations

import binascii
import re
from functools import lru_cache

from fhirpath.errors import FHIRPathEvaluationError, FHIRPathLimitError
from fhirpath.model import system_type
from fhirpath.runtime.collection import EMPTY, singleton_value, values
from fhirpath.runtime.context import active, active_limits, check_string


def _type_name(value) -> str:
    found = system_type(value)
    if found is not None:
        return found.name
    return "a FHIR element" if isinstance(value, dict) else type(value).__name__


def _string(value, function: str, role: str = "input") -> str:
    """`value` if it is a String; the spec makes anything else an error."""
    if not isinstance(value, str):
        raise FHIRPathEvaluationError(
            f"{function} expects a String {role}, not {_type_name(value)}",
            code="invalid-operand" if role.startswith("input") else "invalid-argument",
        )
    return value


def _integer(value, function: str, role: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FHIRPathEvaluationError(
            f"{function} expects an Integer {role}, not {_type_name(value)}", code="invalid-argument"
        )
    return value


# ---- 5.6 String manipulation -------------------------------------------------------


def index_of(text, substring) -> int:
    return _string(text, "indexOf()").find(_string(substring, "indexOf()", "substring"))


def last_index_of(text, substring) -> int:
    """An empty substring is found at the end: the string's length (str.rfind agrees)."""
    return _string(text, "lastIndexOf()").rfind(_string(substring, "lastIndexOf()", "substring"))


def substring(text, start, length=None) -> str | None:
    """Empty when `start` is outside the string; a length of 0 or less gives ''."""
    text = _string(text, "substring()")
    start = _integer(start, "substring()", "start")
    if start < 0 or start >= len(text):
        return None
    if length is None:
        return text[start:]
    length = _integer(length, "substring()", "length")
    return text[start : start + length] if length > 0 else ""


def starts_with(text, prefix) -> bool:
    return _string(text, "startsWith()").startswith(_string(prefix, "startsWith()", "prefix"))


def ends_with(text, suffix) -> bool:
    return _string(text, "endsWith()").endswith(_string(suffix, "endsWith()", "suffix"))


def contains(text, substring) -> bool:
    return _string(substring, "contains()", "substring") in _string(text, "contains()")


def upper(text) -> str:
    return _string(text, "upper()").upper()


def lower(text) -> str:
    return _string(text, "lower()").lower()


def replace(text, pattern, substitution) -> str:
    """Plain text replacement. An empty pattern matches between every two characters
    and at both ends, so 'abc'.replace('', 'x') is 'xaxbxcx', as str.replace does."""
    text = _string(text, "replace()")
    pattern = _string(pattern, "replace()", "pattern")
    substitution = _string(substitution, "replace()", "substitution")
    if len(substitution) > len(pattern):
        check_string(len(text) + text.count(pattern) * (len(substitution) - len(pattern)), "replace()")
    return text.replace(pattern, substitution)


def matches(text, regex, flags=None) -> bool:
    """True if the regex matches anywhere in the string (anchor with ^ and $ to match it all)."""
    return _regex("matches()", text, regex, flags)


def matches_full(text, regex, flags=None) -> bool:
    """True if the regex matches the whole string."""
    return _regex("matchesFull()", text, regex, flags, full=True)


def replace_matches(text, regex, substitution, flags=None) -> str:
    """Each match replaced by the substitution, where $1 or \\1 (a group number) and
    ${name} (a named group) insert what the group matched.

    An empty regex leaves the input unchanged (official suite, testReplaceMatches2),
    unlike replace('') which inserts between characters."""
    substitution = _string(substitution, "replaceMatches()", "substitution")
    return _regex("replaceMatches()", text, regex, flags, substitution=substitution)


def length(text) -> int:
    return len(_string(text, "length()"))


def to_chars(ctx, focus) -> tuple:
    """One single-character String per code point (a collection function: it returns many)."""
    text = singleton_value(focus, "toChars()")
    return EMPTY if text is None else tuple(_string(text, "toChars()"))


# ---- regular expressions -------------------------------------------------------------

_FLAG_NAMES = {"i": "IGNORECASE", "m": "MULTILINE"}

# PCRE / .NET / Java spellings Python's re lacks: (?<name>...) and \k<name>.
_PCRE_NAMES = re.compile(r"\\k<(\w+)>|\\.|\(\?<(?=[^=!])", re.DOTALL)

# In a substitution: $12, ${name}, \12, and \$ or \\ for a literal $ or \.
_REFERENCE = re.compile(r"\$(\d+)|\$\{(\w+)\}|\\(\d+)|\\([$\\])")


def _python_syntax(match: re.Match) -> str:
    token = match.group(0)
    if match.group(1) is not None:
        return f"(?P={match.group(1)})"
    return "(?P<" if token == "(?<" else token


@lru_cache(maxsize=256)
def _compile(regex: str, flags: str):
    """The compiled pattern (of the `regex` module, imported here on first use: unlike
    `re`, its matching can be given a timeout), cached (bounded) by pattern and flags.

    FHIRPath regexes run in 'single line' mode, so '.' also matches a newline
    (spec §5.6.10; suite testMatchesSingleLineMode1); the flags 'i' and 'm' add
    case-insensitivity and multi-line ^ and $. Character classes such as \\d and \\w
    follow Python: they include non-ASCII letters and digits.
    """
    import regex as engine

    mode = engine.DOTALL
    for flag in flags:
        if flag not in _FLAG_NAMES:
            raise FHIRPathEvaluationError(
                f"unknown regular expression flag {flag!r}: use 'i' or 'm'", code="invalid-argument"
            )
        mode |= getattr(engine, _FLAG_NAMES[flag])
    try:
        return engine.compile(_PCRE_NAMES.sub(_python_syntax, regex), mode)
    except (engine.error, RecursionError, OverflowError, ValueError) as error:
        raise FHIRPathEvaluationError(
            f"invalid regular expression {regex!r}: {error}", code="invalid-argument"
        ) from None


def _regex(function: str, text, regex, flags, *, full: bool = False, substitution: str | None = None):
    """The one place a user's regular expression is compiled and run, so that limits on
    it apply everywhere. Without a `substitution`: whether the regex matches somewhere
    (or, with `full`, the whole text); with one: the text with every match replaced."""
    text = _string(text, function)
    regex = _string(regex, function, "regex")
    flags = "" if flags is None else _string(flags, function, "flags")
    if substitution is not None and not regex:
        return text
    pattern = _compile(regex, flags)
    timeout = _regex_timeout(function)
    try:
        if substitution is not None:
            replacement = _bounded(_expander(substitution, pattern), len(text), function)
            return pattern.sub(replacement, text, timeout=timeout)
        found = pattern.fullmatch(text, timeout=timeout) if full else pattern.search(text, timeout=timeout)
    except TimeoutError:
        raise FHIRPathLimitError(
            f"{function} took longer than {timeout:.3g} s (Limits.regex_timeout, or the evaluation's time left)",
            code="limit-regex-time",
        ) from None
    return found is not None


def _regex_timeout(function: str) -> float | None:
    """Seconds one match may take: Limits.regex_timeout, or less if the evaluation's
    deadline is nearer."""
    ctx = active()
    limits = active_limits()
    timeout = limits.regex_timeout
    left = None if ctx is None else ctx.seconds_left()
    if left is not None:
        if left <= 0:
            ctx.checkpoint()  # raises limit-time
        timeout = left if timeout is None else min(timeout, left)
    return timeout


def _bounded(replacement, length: int, function: str):
    """``replacement`` that stops the substitution once the result would pass Limits.max_string
    (an empty match at each of a million positions, each replaced by a long text)."""
    budget = [active_limits().max_string - length]

    def replace(match) -> str:
        text = replacement(match)
        budget[0] -= len(text)
        if budget[0] < 0:
            check_string(active_limits().max_string - budget[0], function)
        return text

    return replace


def _expander(substitution: str, pattern):
    """A function from a match to its replacement text: Python's own template syntax
    (\\g<name>) differs, and a missing group must be a FHIRPath error."""
    pieces: list = []  # literal text (str) and group references (a 1-tuple: number or name)
    position = 0
    for reference in _REFERENCE.finditer(substitution):
        pieces.append(substitution[position : reference.start()])
        number = reference.group(1) or reference.group(3)
        name = reference.group(2)
        if reference.group(4) is not None:
            pieces.append(reference.group(4))
        elif name is not None:
            if name not in pattern.groupindex:
                raise FHIRPathEvaluationError(f"the regex has no group named {name!r}", code="invalid-argument")
            pieces.append((name,))
        else:
            # Like Java: $12 is group 1 then '2' unless the regex has 12 groups.
            digits = number
            while len(digits) > 1 and int(digits) > pattern.groups:
                digits = digits[:-1]
            if int(digits) > pattern.groups:
                raise FHIRPathEvaluationError(f"the regex has no group {digits}", code="invalid-argument")
            pieces.append((int(digits),))
            pieces.append(number[len(digits) :])
        position = reference.end()
    pieces.append(substitution[position:])
    if all(isinstance(piece, str) for piece in pieces):
        literal = "".join(pieces)
        return lambda match: literal
    return lambda match: "".join(
        piece if isinstance(piece, str) else (match.group(piece[0]) or "") for piece in pieces
    )


# ---- 5.7 Additional string functions --------------------------------------------------


def encode(text, encoding) -> str | None:
    """hex (lowercase), base64, urlbase64 (both padded) of the UTF-8 bytes, or ascii:
    every character above 127 becomes '?'."""
    text = _string(text, "encode()")
    encoding = _string(encoding, "encode()", "format")
    if encoding not in ("hex", "base64", "urlbase64", "ascii"):
        raise FHIRPathEvaluationError(
            f"unknown encoding {encoding!r}: use 'hex', 'base64', 'urlbase64' or 'ascii'", code="invalid-argument"
        )
    if encoding == "ascii":
        return text.encode("ascii", "replace").decode("ascii")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: not a character, so no bytes to encode
        return None
    check_string(len(data) * 2 if encoding == "hex" else (len(data) + 2) // 3 * 4, "encode()")
    if encoding == "hex":
        return data.hex()
    import base64  # these modules load on first use: most expressions never encode

    if encoding == "base64":
        return base64.b64encode(data).decode("ascii")
    return base64.urlsafe_b64encode(data).decode("ascii")


def decode(text, encoding) -> str | None:
    """The inverse of encode() (not for ascii). Empty when the text is not valid in the
    format or the bytes are not well-formed UTF-8 (spec §5.7.2); missing base64
    padding is tolerated."""
    text = _string(text, "decode()")
    encoding = _string(encoding, "decode()", "format")
    import base64

    try:
        if encoding == "hex":
            data = binascii.unhexlify(text)
        elif encoding in ("base64", "urlbase64"):
            padded = text + "=" * (-len(text) % 4)
            data = base64.b64decode(padded, altchars=b"-_" if encoding == "urlbase64" else None, validate=True)
        else:
            raise FHIRPathEvaluationError(
                f"unknown encoding {encoding!r}: use 'hex', 'base64' or 'urlbase64'", code="invalid-argument"
            )
        return data.decode("utf-8")
    except (ValueError, binascii.Error):  # UnicodeDecodeError is a ValueError
        return None


def escape(text, target) -> str:
    """html: &, <, >, quotes and every character above 127 as character references
    (the spec's "ideally"); json: the body of a JSON string literal, without quotes."""
    text = _string(text, "escape()")
    target = _string(target, "escape()", "target")
    import html
    import json

    if target == "html":
        escaped = html.escape(text, quote=True).encode("ascii", "xmlcharrefreplace").decode("ascii")
    elif target == "json":
        escaped = json.dumps(text, ensure_ascii=False)[1:-1]
    else:
        raise FHIRPathEvaluationError(f"unknown escape target {target!r}: use 'html' or 'json'", code="invalid-argument")
    check_string(len(escaped), "escape()")  # after: at most 10 times the input, and a chain stops here
    return escaped


_JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|(.))", re.DOTALL)
_JSON_CHARACTERS = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _json_character(match: re.Match) -> str:
    if match.group(1) is not None:
        return chr(int(match.group(1), 16))
    return _JSON_CHARACTERS.get(match.group(2), match.group(0))


def unescape(text, target) -> str | None:
    """The inverse of escape(). JSON escapes may stand alone in the text (quotes need not
    be escaped there); a \\uXXXX surrogate pair becomes one character, and a lone
    surrogate makes the result empty, as it is not a character."""
    text = _string(text, "unescape()")
    target = _string(target, "unescape()", "target")
    if target == "html":
        import html

        return html.unescape(text)
    if target == "json":
        result = _JSON_ESCAPE.sub(_json_character, text)
        try:
            return result.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            return None
    raise FHIRPathEvaluationError(f"unknown escape target {target!r}: use 'html' or 'json'", code="invalid-argument")


_WHITESPACE = " \t\r\n"  # the spec's lexical Whitespace, nothing more


def trim(text) -> str:
    return _string(text, "trim()").strip(_WHITESPACE)


def split(ctx, focus, separator) -> tuple:
    """The parts between separators, empty parts kept; an empty separator splits
    into characters (Python's str.split refuses it)."""
    text = singleton_value(focus, "split()")
    if text is None or separator is None:
        return EMPTY
    text = _string(text, "split()")
    separator = _string(separator, "split()", "separator")
    return tuple(text.split(separator)) if separator else tuple(text)


def join(ctx, focus, separator) -> tuple:
    """The input's Strings concatenated with the separator between them ('' if none).

    An empty input gives empty, not '' (spec §5.7.7)."""
    if not focus:
        return EMPTY
    separator = "" if separator is None else _string(separator, "join()", "separator")
    parts = [_string(value, "join()", "input item") for value in values(focus)]
    check_string(sum(map(len, parts)) + len(separator) * (len(parts) - 1), "join()")
    return (separator.join(parts),)
