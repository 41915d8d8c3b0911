"""htmlChecks(): the FHIR narrative rules (narrative.html#security, invariant txt-1/txt-2).

The div of a narrative is XHTML that "SHALL contain only the basic html formatting elements
described in chapters 7-11 (except section 4 of chapter 9) and 15 of the HTML 4.0 standard,
<a> elements (either name or href), images and internally contained style attributes", no
head, body, external stylesheets, deprecated elements, scripts, forms, base/link/xlink,
frames, iframes, objects or event attributes, and "SHALL have some non-whitespace content
(text or an image)". XHTML is XML: HTML entities such as ``&nbsp;`` are not allowed.

An ``xhtml`` node (Narrative.div) must be one ``<div>`` in the XHTML namespace. Any other
string (a valueString holding markup, a System string) is checked as the content of such a
div. Anything else, and more than one item, gives empty.
"""

from __future__ import annotations


from fhirpath.runtime.collection import EMPTY, FALSE, TRUE

XHTML = "http://www.w3.org/1999/xhtml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_COMMON = frozenset({"id", "class", "style", "title", "lang", "dir", _XML_LANG})
_CELL_ALIGN = frozenset({"align", "char", "charoff", "valign", "bgcolor"})

#: element -> the attributes it may carry besides the common ones (HTML 4.0 chapters 7-11
#: without 9.4 (ins, del), the non-deprecated elements of 15, a and img)
ELEMENTS: dict[str, frozenset] = {
    **{name: frozenset({"align"}) for name in ("div", "p", "h1", "h2", "h3", "h4", "h5", "h6")},
    **{name: frozenset() for name in (
        "span", "address", "bdo", "em", "strong", "dfn", "code", "samp", "kbd", "var", "cite",
        "abbr", "acronym", "sub", "sup", "dt", "dd", "tt", "i", "b", "big", "small",
    )},
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "br": frozenset({"clear"}),
    "pre": frozenset({"width"}),
    "hr": frozenset({"align", "noshade", "size", "width"}),
    "ul": frozenset({"type", "compact"}),
    "ol": frozenset({"type", "start", "compact"}),
    "li": frozenset({"type", "value"}),
    "dl": frozenset({"compact"}),
    "table": frozenset({"summary", "width", "border", "frame", "rules", "cellspacing", "cellpadding",
                        "align", "bgcolor"}),
    "caption": frozenset({"align"}),
    "colgroup": frozenset({"span", "width"}) | _CELL_ALIGN,
    "col": frozenset({"span", "width"}) | _CELL_ALIGN,
    "thead": _CELL_ALIGN,
    "tbody": _CELL_ALIGN,
    "tfoot": _CELL_ALIGN,
    "tr": _CELL_ALIGN,
    "th": frozenset({"abbr", "axis", "headers", "scope", "rowspan", "colspan", "nowrap", "width",
                     "height"}) | _CELL_ALIGN,
    "td": frozenset({"abbr", "axis", "headers", "scope", "rowspan", "colspan", "nowrap", "width",
                     "height"}) | _CELL_ALIGN,
    "a": frozenset({"name", "href", "hreflang", "type", "rel", "rev", "charset", "shape", "coords",
                    "accesskey", "tabindex"}),
    "img": frozenset({"src", "alt", "longdesc", "name", "height", "width", "usemap", "ismap", "align",
                      "border", "hspace", "vspace"}),
}

#: attributes holding a URL, where a script URL would be active content
_URL_ATTRIBUTES = frozenset({"href", "src", "longdesc", "cite", "usemap"})
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")


def narrative_is_valid(text: str, *, fragment: bool) -> bool:
    """Do the FHIR narrative rules hold for ``text`` (a whole div, or a div's content)?"""
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered:
        return False  # no document type declarations (and so no entity expansion)
    if fragment:
        text = f'<div xmlns="{XHTML}">{text}</div>'
    elif not text.lstrip().startswith("<div"):
        return False
    import xml.etree.ElementTree as ElementTree  # loaded on first use: few expressions check XHTML

    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return False
    if root.tag != f"{{{XHTML}}}div":
        return False
    has_content = False
    for element in root.iter():
        namespace, _, name = element.tag.partition("}")
        allowed = ELEMENTS.get(name) if namespace == "{" + XHTML else None
        if allowed is None:
            return False
        for attribute, value in element.attrib.items():
            if attribute not in _COMMON and attribute not in allowed:
                return False
            if attribute in _URL_ATTRIBUTES and value.strip().lower().startswith(_SCRIPT_SCHEMES):
                return False
        if name == "img" or (element.text and not element.text.isspace()) or (
            element is not root and element.tail and not element.tail.isspace()
        ):
            has_content = True
    return has_content


def html_checks(ctx, focus: tuple) -> tuple:
    """True when the single xhtml (or markup string) input meets the narrative rules."""
    if len(focus) != 1:
        return EMPTY
    item = focus[0]
    if type(item) is tuple:
        value, t = item[0], item[1]
        if type(value) is not str:
            return EMPTY
        fragment = t is None or t.name != "xhtml"
    elif type(item) is str:
        value, fragment = item, True
    else:
        return EMPTY
    return TRUE if narrative_is_valid(value, fragment=fragment) else FALSE
