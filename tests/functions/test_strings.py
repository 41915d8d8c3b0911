"""String functions (fhirpath/functions/strings.py), called directly: every official suite
case for them (empty inputs and arguments are the compiler's part), the spec's examples,
and our own decisions where the spec is silent."""

import pytest

from fhirpath.errors import FHIRPathEvaluationError
from fhirpath.functions import strings
from fhirpath.functions.strings import (
    contains,
    decode,
    encode,
    ends_with,
    escape,
    index_of,
    join,
    last_index_of,
    length,
    lower,
    matches,
    matches_full,
    replace,
    replace_matches,
    split,
    starts_with,
    substring,
    to_chars,
    trim,
    unescape,
    upper,
)

URL = "http://fhir.org/guides/cqf/common/Library/FHIR-ModelInfo|4.0.1"
STOPS = "[stop]ONE[stop][stop]TWO[stop][stop][stop]THREE[stop][stop]"

# (case, function, input, arguments, expected); None is the empty result.
SUITE = [
    ("testCase1", upper, "t", (), "T"),
    ("testCase2", lower, "t", (), "t"),
    ("testCase3", upper, "T", (), "T"),
    ("testCase4", lower, "T", (), "t"),
    ("testIndexOf1", index_of, "LogicalModel-Person", ("-",), 12),
    ("testIndexOf2", index_of, "LogicalModel-Person", ("z",), -1),
    ("testIndexOf3", index_of, "LogicalModel-Person", ("",), 0),
    ("testSubstring1", substring, "12345", (2,), "345"),
    ("testSubstring2", substring, "12345", (2, 1), "3"),
    ("testSubstring3", substring, "12345", (2, 5), "345"),
    ("testSubstring4", substring, "12345", (25,), None),
    ("testSubstring5", substring, "12345", (-1,), None),
    ("testSubstring7", substring, "LogicalModel-Person", (0, 12), "LogicalModel"),
    ("testSubstring10", substring, "Chalmers", (2, len("Chalmers") - 5), "alm"),
    ("testDollarThis2", substring, "Peter", (len("Peter") - 3,), "ter"),
    ("testStartsWith1", starts_with, "12345", ("2",), False),
    ("testStartsWith2", starts_with, "12345", ("1",), True),
    ("testStartsWith3", starts_with, "12345", ("12",), True),
    ("testStartsWith4", starts_with, "12345", ("13",), False),
    ("testStartsWith5", starts_with, "12345", ("12345",), True),
    ("testStartsWith6", starts_with, "12345", ("123456",), False),
    ("testStartsWith7", starts_with, "12345", ("",), True),
    ("testStartsWith10", starts_with, "", ("",), True),
    ("testStartsWith12", starts_with, "987654321", ("9",), True),
    ("testEndsWith1", ends_with, "12345", ("2",), False),
    ("testEndsWith2", ends_with, "12345", ("5",), True),
    ("testEndsWith3", ends_with, "12345", ("45",), True),
    ("testEndsWith4", ends_with, "12345", ("35",), False),
    ("testEndsWith5", ends_with, "12345", ("12345",), True),
    ("testEndsWith6", ends_with, "12345", ("012345",), False),
    ("testEndsWith7", ends_with, "12345", ("",), True),
    ("testEndsWith10", ends_with, "123456789", ("9",), True),
    ("testContainsString1", contains, "12345", ("6",), False),
    ("testContainsString2", contains, "12345", ("5",), True),
    ("testContainsString3", contains, "12345", ("45",), True),
    ("testContainsString4", contains, "12345", ("35",), False),
    ("testContainsString5", contains, "12345", ("12345",), True),
    ("testContainsString6", contains, "12345", ("012345",), False),
    ("testContainsString7", contains, "12345", ("",), True),
    ("testContainsString10", contains, "123456789", ("9",), True),
    ("testMatchesCaseSensitive1", matches, "FHIR", ("FHIR",), True),
    ("testMatchesCaseSensitive2", matches, "FHIR", ("fhir",), False),
    ("testMatchesSingleLineMode1", matches, "A\n\t\t\tB", ("A.*B",), True),
    ("testMatchesWithinUrl1", matches, URL, ("library",), False),
    ("testMatchesWithinUrl2", matches, URL, ("Library",), True),
    ("testMatchesWithinUrl3", matches, URL, ("^Library$",), False),
    ("testMatchesWithinUrl1a", matches, URL, (".*Library.*",), True),
    ("testMatchesWithinUrl4", matches, URL, ("Measure",), False),
    ("testMatchesFullWithinUrl1", matches_full, URL, ("library",), False),
    ("testMatchesFullWithinUrl3", matches_full, URL, ("Library",), False),
    ("testMatchesFullWithinUrl4", matches_full, URL, ("^Library$",), False),
    ("testMatchesFullWithinUrl1a", matches_full, URL, (".*Library.*",), True),
    ("testMatchesFullWithinUrl2", matches_full, URL, ("Measure",), False),
    ("testReplaceMatches1", replace_matches, "123456", ("234", "X"), "1X56"),
    ("testReplaceMatches2", replace_matches, "abc", ("", "x"), "abc"),
    ("testReplaceMatches3", replace_matches, "123456", ("234", ""), "156"),
    ("testReplaceMatches7", replace_matches, "abc123", ("[0-9]", "-"), "abc---"),
    ("testReplace1", replace, "123456", ("234", "X"), "1X56"),
    ("testReplace2", replace, "abc", ("", "x"), "xaxbxcx"),
    ("testReplace3", replace, "123456", ("234", ""), "156"),
    ("dvParametersDontColide", replace, "aaa", ("aaa", "bbb"), "bbb"),
    ("testLength1", length, "123456", (), 6),
    ("testLength2", length, "12345", (), 5),
    ("testLength3", length, "123", (), 3),
    ("testLength4", length, "1", (), 1),
    ("testLength5", length, "", (), 0),
    ("testEncodeBase64A", encode, "test", ("base64",), "dGVzdA=="),
    ("testEncodeHex", encode, "test", ("hex",), "74657374"),
    ("testEncodeBase64B", encode, "subjects?_d", ("base64",), "c3ViamVjdHM/X2Q="),
    ("testEncodeUrlBase64", encode, "subjects?_d", ("urlbase64",), "c3ViamVjdHM_X2Q="),
    ("testDecodeBase64A", decode, "dGVzdA==", ("base64",), "test"),
    ("testDecodeHex", decode, "74657374", ("hex",), "test"),
    ("testDecodeBase64B", decode, "c3ViamVjdHM/X2Q=", ("base64",), "subjects?_d"),
    ("testDecodeUrlBase64", decode, "c3ViamVjdHM_X2Q=", ("urlbase64",), "subjects?_d"),
    ("testEscapeHtml", escape, '"1<2"', ("html",), "&quot;1&lt;2&quot;"),
    ("testEscapeJson", escape, '"1<2"', ("json",), '\\"1<2\\"'),
    ("testUnescapeHtml", unescape, "&quot;1&lt;2&quot;", ("html",), '"1<2"'),
    ("testUnescapeJson", unescape, '"1<2"', ("json",), '"1<2"'),
    ("testTrim1", trim, "123456", (), "123456"),
    ("testTrim2", trim, "123 456", (), "123 456"),
    ("testTrim3", trim, " 123456 ", (), "123456"),
    ("testTrim4", trim, "  ", (), ""),
    ("testTrim6", trim, "      ", (), ""),
]

# The spec's own examples (§5.6, §5.7) that the suite does not repeat.
SPEC_EXAMPLES = [
    ("indexOf of a substring", index_of, "abcdefg", ("bc",), 1),
    ("indexOf of the whole string", index_of, "abcdefg", ("abcdefg",), 0),
    ("indexOf counts an emoji as one character", index_of, "a\U0001f525b", ("b",), 2),
    ("lastIndexOf of a substring", last_index_of, "abcdefg", ("bc",), 1),
    ("lastIndexOf when absent", last_index_of, "abcdefg", ("x",), -1),
    ("lastIndexOf of the whole string", last_index_of, "abcdefg", ("abcdefg",), 0),
    ("lastIndexOf finds the last", last_index_of, "abc abc", ("a",), 4),
    ("lastIndexOf of '' is the length", last_index_of, "0123", ("",), 4),
    ("lastIndexOf of '' in one character", last_index_of, "0", ("",), 1),
    ("lastIndexOf of '' in ''", last_index_of, "", ("",), 0),
    ("substring to the end", substring, "abcdefg", (3,), "defg"),
    ("substring with a length", substring, "abcdefg", (1, 2), "bc"),
    ("substring shorter than its length", substring, "abcdefg", (6, 2), "g"),
    ("substring starting at the length", substring, "abcdefg", (7, 1), None),
    ("substring starting before the string", substring, "abcdefg", (-1, 1), None),
    ("substring of length zero", substring, "abcdefg", (3, 0), ""),
    ("substring of negative length", substring, "abcdefg", (3, -1), ""),
    ("substring of negative start and length", substring, "abcdefg", (-1, -1), None),
    ("substring of ''", substring, "", (0,), None),
    ("substring with an absent length", substring, "abcdefg", (3, None), "defg"),
    ("upper of mixed case", upper, "AbCdefg", (), "ABCDEFG"),
    ("lower of mixed case", lower, "aBcDEFG", (), "abcdefg"),
    ("replace removes with ''", replace, "abcdefg", ("cde", ""), "abfg"),
    ("replace '' keeps an emoji whole", replace, "a\U0001f525c", ("", "x"), "xax\U0001f525xcx"),
    ("matches with a multi-line flag", matches, "first line\nsecond line", ("^second", "m"), True),
    ("matches with no flags", matches, "first line\nsecond line", ("^second", ""), False),
    ("matches with combined flags", matches, "first line\nsecond line", ("^SECOND", "im"), True),
    ("matches an anchored count", matches, "N8000123123", ("^N[0-9]{8}$",), False),
    ("matches a count inside", matches, "N8000123123", ("N[0-9]{8}",), True),
    ("matchesFull with too few digits", matches_full, "N8000123123", ("N[0-9]{8}",), False),
    ("matchesFull with all the digits", matches_full, "N8000123123", ("N[0-9]{10}",), True),
    (
        "replaceMatches with named groups",
        replace_matches,
        "11/30/1972",
        (r"\b(?<month>\d{1,2})/(?<day>\d{1,2})/(?<year>\d{2,4})\b", "${day}-${month}-${year}"),
        "30-11-1972",
    ),
    ("replaceMatches around every match", replace_matches, "aaabaa", ("aa", '"aa"'), '"aa"ab"aa"'),
    ("replaceMatches with backslash groups", replace_matches, "Mary had", (r"(\w+) (\w+)", r"\2, \1"), "had, Mary"),
    ("length counts code points", length, "e\u0301", (), 2),
    ("length of an emoji", length, "\U0001f525", (), 1),
    ("escape html of an ampersand", escape, "A&B", ("html",), "A&amp;B"),
    ("trim of surrounding spaces", trim, " 123456 ", (), "123456"),
]


@pytest.mark.parametrize(
    "function, value, arguments, expected",
    [pytest.param(*row[1:], id=row[0]) for row in SUITE + SPEC_EXAMPLES],
)
def test_string_functions_give_the_suite_and_spec_results(function, value, arguments, expected):
    result = function(value, *arguments)
    assert result == expected
    assert type(result) is type(expected)


def test_to_chars_gives_one_string_per_code_point():
    assert to_chars(None, ("t2",)) == ("t", "2")  # testToChars1
    assert to_chars(None, ("a\U0001f525b",)) == ("a", "\U0001f525", "b")
    assert to_chars(None, ("e\u0301",)) == ("e", "\u0301")
    assert to_chars(None, ()) == ()


def test_split_keeps_empty_parts_and_join_restores_them():
    assert split(None, ("Peter,James,Jim,Peter,James",), ",") == ("Peter", "James", "Jim", "Peter", "James")
    assert join(None, split(None, ("A,,C",), ","), ",") == ("A,,C",)  # testSplit2
    parts = split(None, (STOPS,), "[stop]")
    assert len(parts) == 9  # testSplit3
    assert join(None, parts, "[stop]") == (STOPS,)  # testSplit4
    assert split(None, ("ABC",), ",") == ("ABC",)


def test_split_by_an_empty_separator_gives_the_characters():
    assert split(None, ("abc",), "") == ("a", "b", "c")


def test_split_of_empty_input_or_separator_is_empty():
    assert split(None, (), ",") == ()
    assert split(None, ("a,b",), None) == ()


def test_join_concatenates_without_a_separator_and_is_empty_for_empty_input():
    assert join(None, ("A", "B", "C"), None) == ("ABC",)
    assert join(None, ("A", "B", "C"), ",") == ("A,B,C",)
    assert join(None, (), ",") == ()


def test_join_reads_the_values_of_fhir_nodes():
    given = (("Peter", None, None, "given", 0), ("James", None, None, "given", 1))
    assert join(None, given, ",") == ("Peter,James",)  # testJoin


@pytest.mark.parametrize(
    "call",
    [
        lambda: upper(5),
        lambda: index_of({"system": "x"}, "a"),
        lambda: starts_with(True, "t"),
        lambda: matches(1, "1"),
        lambda: to_chars(None, (1,)),
        lambda: split(None, (1,), ","),
        lambda: join(None, ("a", 1), ","),
    ],
)
def test_a_non_string_input_is_an_invalid_operand_error(call):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        call()
    assert raised.value.code == "invalid-operand"


@pytest.mark.parametrize(
    "call",
    [
        lambda: substring("abc", "1"),
        lambda: substring("abc", True),
        lambda: substring("abc", 0, 1.5),
        lambda: starts_with("abc", 1),
        lambda: matches("abc", "a", "x"),
        lambda: matches("abc", "("),
        lambda: replace_matches("abc", "(a)", "$2"),
        lambda: replace_matches("abc", "(a)", "${missing}"),
        lambda: encode("abc", "base32"),
        lambda: decode("abc", "ascii"),
        lambda: escape("abc", "xml"),
        lambda: unescape("abc", "xml"),
    ],
)
def test_a_bad_argument_is_an_invalid_argument_error(call):
    with pytest.raises(FHIRPathEvaluationError) as raised:
        call()
    assert raised.value.code == "invalid-argument"


def test_regexes_accept_pcre_named_groups_and_backreferences():
    assert matches("abab", r"(?<x>ab)\k<x>")
    assert not matches("abac", r"(?<x>ab)\k<x>")
    assert matches("ab", r"(?<=a)b")  # lookbehind is left alone
    assert matches("(?<", r"\(\?<")  # escaped, not a group


def test_replace_matches_substitution_references():
    assert replace_matches("ab", "(a)(b)", "$2$1") == "ba"
    assert replace_matches("ab", "(a)", "$10") == "a0b"  # group 1, then '0', as in Java
    assert replace_matches("ab", "(a)", r"\$1 \\") == "$1 \\b"
    assert replace_matches("ab", "(x)?a", "[$1]") == "[]b"  # an unmatched group is ''
    assert replace_matches("a.b", r"\.", "$") == "a$b"


def test_regexes_are_compiled_through_a_bounded_cache():
    assert strings._compile.cache_info().maxsize == 256
    matches("abc", "b+c")
    before = strings._compile.cache_info().hits
    matches("xbc", "b+c")
    assert strings._compile.cache_info().hits == before + 1


def test_decode_is_empty_for_invalid_data_or_ill_formed_utf8():
    assert decode("zz", "hex") is None
    assert decode("746", "hex") is None
    assert decode("dGVzdA=!", "base64") is None
    assert decode("/w==", "base64") is None  # the byte 0xff alone is not UTF-8
    assert decode("ed a0 80".replace(" ", ""), "hex") is None  # an encoded surrogate
    assert decode("dGVzdA", "base64") == "test"  # missing padding is tolerated


def test_encode_ascii_replaces_each_character_above_127():
    assert encode("a\u00e9\U0001f525", "ascii") == "a??"


def test_escape_html_also_escapes_characters_above_127_and_unescape_reverses_it():
    assert escape("\u00e9<>'", "html") == "&#233;&lt;&gt;&#x27;"
    assert unescape("&#233;&lt;&gt;&#x27;&amp;", "html") == "\u00e9<>'&"


def test_json_escapes_round_trip_and_surrogate_pairs_join():
    text = 'tab\there "quoted" \\ \u00e9'
    assert unescape(escape(text, "json"), "json") == text
    assert unescape("\\ud83d\\udd25", "json") == "\U0001f525"
    assert unescape("\\ud83d", "json") is None


def test_trim_removes_only_fhirpath_whitespace():
    assert trim("\t\r\n x \n") == "x"
    assert trim("\u00a0x\u00a0") == "\u00a0x\u00a0"
