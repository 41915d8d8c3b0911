"""htmlChecks() (fhirpath/functions/narrative.py): FHIR's narrative rules on xhtml and on
markup strings."""

import json

import pytest

import fhirpath
from fhirpath.functions.narrative import narrative_is_valid

DIV = '<div xmlns="http://www.w3.org/1999/xhtml">{}</div>'


@pytest.mark.parametrize("content", [
    "plain text",
    "<p>This is an <i>example</i> with some <b>xhtml</b> formatting.</p>",
    '<table class="grid"><tbody><tr><td colspan="2" style="color: red">x</td></tr></tbody></table>',
    '<a name="top">anchor</a> and <a href="http://example.org/">a link</a>',
    '<img src="#pic1" alt="a picture"/>',  # an image is content
    '<p xml:lang="en" lang="en" dir="ltr">x</p>',
    "<ul><li>one</li></ul><ol><li>two</li></ol><dl><dt>t</dt><dd>d</dd></dl><hr/><br/>",
    "a&#160;b &lt; c &amp; d",
    "<!-- a comment --> text",
])
def test_basic_formatting_passes(content):
    assert narrative_is_valid(DIV.format(content), fragment=False)


@pytest.mark.parametrize("content", [
    "",  # no content
    "   <p>  </p> ",  # only whitespace
    "<script>alert(1)</script>text",
    '<p onclick="alert(1)">text</p>',
    '<a href="javascript:alert(1)">text</a>',
    '<img src=" JavaScript:alert(1)"/>',
    "<form>text</form>",
    "<button>text</button>",
    "<iframe>text</iframe>",
    "<object>text</object>",
    "<font>deprecated</font>",
    "<center>deprecated</center>",
    "<ins>chapter 9.4</ins>",
    "<p>not closed",
    "a&nbsp;b",  # HTML entities are not XML
    '<p xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="x">text</p>',
    '<svg xmlns="http://www.w3.org/2000/svg">text</svg>',
    '<p unknown="x">text</p>',
])
def test_active_unknown_or_empty_content_fails(content):
    assert not narrative_is_valid(DIV.format(content), fragment=False)


@pytest.mark.parametrize("text", [
    "<div>no namespace</div>",
    '<?xml version="1.0"?><div xmlns="http://www.w3.org/1999/xhtml">x</div>',
    '<p xmlns="http://www.w3.org/1999/xhtml">not a div</p>',
    '<!DOCTYPE div [<!ENTITY a "aaaa">]><div xmlns="http://www.w3.org/1999/xhtml">&a;</div>',
    "<html><head/><body>x</body></html>",
])
def test_a_narrative_div_must_be_one_xhtml_div(text):
    assert not narrative_is_valid(text, fragment=False)


@pytest.fixture(scope="module")
def engine():
    return fhirpath.Engine("r4")


def test_html_checks_on_the_suite_patient_example(engine, shared):
    patient = json.loads((shared / "fhirpath-tests" / "r4" / "input" / "patient-example.json").read_text())
    assert engine.evaluate(patient, "text.div.htmlChecks()") == [True]


PARAMETERS = {
    "resourceType": "Parameters",
    "parameter": [
        {"name": "goodHtml", "valueString": "<b>This</b> <i>is</i> valid <code>HTML</code>"},
        {"name": "badHtml", "valueString": "<b>This</b> <i>is</i> valid <button>HTML</button>"},
        {"name": "notString", "valueInteger": 5},
    ],
}


@pytest.mark.parametrize("name, expected", [("goodHtml", [True]), ("badHtml", [False]), ("notString", [])])
def test_html_checks_reads_strings_as_div_content(engine, name, expected):
    """The R5 suite's htmlTest02-04, whose input has no JSON twin in the shared fixtures."""
    assert engine.evaluate(PARAMETERS, f"parameter.where(name='{name}').value.htmlChecks()") == expected


@pytest.mark.parametrize("expression, expected", [
    ("'<b>bold</b>'.htmlChecks()", [True]),
    ("'<script/>'.htmlChecks()", [False]),
    ("parameter.value.htmlChecks()", []),  # more than one item
    ("{}.htmlChecks()", []),
])
def test_html_checks_is_empty_for_several_items_and_non_strings(engine, expression, expected):
    assert engine.evaluate(PARAMETERS, expression) == expected


def test_an_xhtml_node_is_checked_as_a_whole_div(engine):
    patient = {"resourceType": "Patient", "text": {"status": "generated", "div": "<b>no div</b>"}}
    assert engine.evaluate(patient, "text.div.htmlChecks()") == [False]
