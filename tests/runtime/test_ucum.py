"""UCUM parsing, the unit table and unit algebra (fhirpath/runtime/ucum.py)."""

from fractions import Fraction as F

import pytest

from fhirpath.runtime import ucum
from fhirpath.runtime.ucum import TIME, UnitError, lookup, parse, product

LENGTH = (("m", 1),)
MASS = (("g", 1),)
VOLUME = (("m", 3),)
PRESSURE = (("g", 1), ("m", -1), ("s", -2))
ENERGY = (("g", 1), ("m", 2), ("s", -2))


@pytest.mark.parametrize(
    ("code", "factor", "dims"),
    [
        ("1", F(1), ()),
        ("m", F(1), LENGTH),
        ("cm", F(1, 100), LENGTH),
        ("km", F(1000), LENGTH),
        ("g", F(1), MASS),
        ("kg", F(1000), MASS),
        ("ug", F(1, 10**6), MASS),
        ("dag", F(10), MASS),
        ("s", F(1), TIME),
        ("ms", F(1, 1000), TIME),
        ("min", F(60), TIME),
        ("h", F(3600), TIME),
        ("d", F(86400), TIME),
        ("wk", F(604800), TIME),
        ("a", F(31557600), TIME),
        ("mo", F(2629800), TIME),
        ("a_g", F("365.2425") * 86400, TIME),
        ("L", F(1, 1000), VOLUME),
        ("l", F(1, 1000), VOLUME),
        ("dL", F(1, 10000), VOLUME),
        ("mL", F(1, 10**6), VOLUME),
        ("uL", F(1, 10**9), VOLUME),
        ("[gal_us]", F("3.785411784") / 1000, VOLUME),
        ("[foz_us]", F("29.5735295625") / 10**6, VOLUME),
        ("[lb_av]", F("453.59237"), MASS),
        ("[oz_av]", F("453.59237") / 16, MASS),
        ("[gr]", F("0.06479891"), MASS),
        ("[stone_av]", F("453.59237") * 14, MASS),
        ("[in_i]", F("0.0254"), LENGTH),
        ("[ft_i]", F("0.3048"), LENGTH),
        ("[yd_i]", F("0.9144"), LENGTH),
        ("[mi_i]", F("1609.344"), LENGTH),
        ("[ft_us]", F(1200, 3937), LENGTH),
        ("Pa", F(1000), PRESSURE),
        ("kPa", F(10**6), PRESSURE),
        ("bar", F(10**8), PRESSURE),
        ("mm[Hg]", F("133.322") * 1000, PRESSURE),
        ("cm[H2O]", F("98.0665") * 1000, PRESSURE),
        ("atm", F(101325) * 1000, PRESSURE),
        ("J", F(1000), ENERGY),
        ("cal", F(4184), ENERGY),
        ("kcal", F(4184000), ENERGY),
        ("[Cal]", F(4184000), ENERGY),
        ("Hz", F(1), (("s", -1),)),
        ("/min", F(1, 60), (("s", -1),)),
        ("%", F(1, 100), ()),
        ("10*3", F(1000), ()),
        ("10^-3", F(1, 1000), ()),
        ("10*3/uL", F(10**12), (("m", -3),)),
        ("mg/dL", F(10), (("g", 1), ("m", -3))),
        ("mmol/L", F("6.02214076e23"), (("m", -3),)),
        ("kg/m2", F(1000), (("g", 1), ("m", -2))),
        ("g/(m.s)", F(1), (("g", 1), ("m", -1), ("s", -1))),
        ("mL/min/{1.73_m2}", F(1, 60 * 10**6), (("m", 3), ("s", -1))),
        ("{score}", F(1), ()),
        ("mg{total}", F(1, 1000), MASS),
        ("[iU]/L", F(1000), (("[iU]", 1), ("m", -3))),
        ("k[IU]", F(1000), (("[iU]", 1),)),
        ("[psi]", F("453.59237") * F("9.80665") / F("0.0254") ** 2, PRESSURE),
        ("deg", F("3.1415926535897932384626433832795028841971693993751058209749445923") / 180, (("rad", 1),)),
        ("[car_Au]", F(1, 24), ()),
        ("Ohm", F(1000), (("C", -2), ("g", 1), ("m", 2), ("s", -1))),
    ],
)
def test_parse_gives_the_exact_factor_and_dimension(code, factor, dims):
    unit = parse(code)
    assert unit.factor == factor
    assert unit.dims == dims


@pytest.mark.parametrize(
    "code",
    ["", "foo", "m/", "/", "2mg", "(m", "m)", "m{x", "k", "da", "m m", "[in_i", "mo2x", "Cel/h",
     "Cel2", "[s]", "GRAM", "0", "m..s", "{a}b{", "m\u00b2"],
)
def test_parse_rejects_what_is_not_ucum(code):
    with pytest.raises(UnitError):
        parse(code)
    assert lookup(code) is None


def test_ten_to_a_power_may_omit_the_exponent():
    assert parse("10*").factor == 10
    assert parse("10^2").factor == 100


def test_unit_error_is_a_value_error_with_the_offending_text():
    with pytest.raises(ValueError, match="'mg/foo'"):
        parse("mg/foo")


def test_every_unit_in_the_table_resolves():
    for code in ucum._DEFINED:
        unit = parse(code)
        assert unit.factor > 0, code


def test_a_whole_atom_wins_over_a_prefix_reading():
    assert parse("cd").dims == (("cd", 1),)  # candela, not centi-day
    assert parse("Pa").dims == PRESSURE  # pascal, not peta-year
    assert parse("mo").factor == F(2629800)  # month, not milli-'o'
    assert parse("min").factor == 60


def test_only_metric_units_take_prefixes():
    assert lookup("kg") is not None
    assert lookup("k[lb_av]") is None
    assert lookup("kh") is None
    assert lookup("mCel") is not None


def test_celsius_and_fahrenheit_are_shifted_scales_over_kelvin():
    celsius, fahrenheit = parse("Cel"), parse("[degF]")
    assert celsius.dims == fahrenheit.dims == (("K", 1),)
    assert celsius.offset == F("273.15") and celsius.factor == 1
    assert fahrenheit.factor == F(5, 9) and fahrenheit.offset == F("459.67") * F(5, 9)
    assert celsius.special and not celsius.opaque


def test_rankine_is_an_ordinary_ratio_unit():
    assert not parse("[degR]").special
    assert parse("[degR]").factor == F(5, 9)


@pytest.mark.parametrize("code", ["[pH]", "B", "dB", "B[SPL]", "Np", "bit_s", "[p'diop]", "%[slope]", "[hp'_X]"])
def test_logarithmic_special_units_are_valid_but_opaque(code):
    unit = parse(code)
    assert unit.special and unit.opaque


def test_a_special_unit_must_stand_alone():
    for code in ("Cel.m", "m/Cel", "[pH]2", "B.B", "Cel{x}.h"):
        assert lookup(code) is None, code


def test_arbitrary_units_have_a_dimension_of_their_own():
    assert parse("[iU]").dims == (("[iU]", 1),)
    assert parse("[IU]").dims == parse("[iU]").dims
    assert parse("[arb'U]").dims != parse("[iU]").dims
    assert parse("[arb'U]").dims != ()


def test_mole_is_a_dimensionless_count_as_ucum_defines_it():
    assert parse("mol").dims == ()
    assert parse("mol").factor == F("6.02214076e23")
    assert parse("eq").factor == parse("osm").factor == parse("mol").factor


def test_years_and_months_are_flagged_for_calendar_rules():
    assert parse("a").uses_year_or_month
    assert parse("mo").uses_year_or_month
    assert parse("mo_s").uses_year_or_month
    assert parse("10.a").uses_year_or_month
    assert not parse("wk").uses_year_or_month
    assert not parse("d").uses_year_or_month


def test_durations_are_the_units_with_the_dimension_of_seconds():
    assert parse("h").is_duration
    assert parse("10.min").is_duration
    assert not parse("Hz").is_duration
    assert not parse("m").is_duration


@pytest.mark.parametrize(
    ("left", "right", "sign", "expected"),
    [
        ("cm", "cm", 1, "cm2"),
        ("cm", "cm2", 1, "cm3"),
        ("m/s", "s", 1, "m"),
        ("g", "m", 1, "g.m"),
        ("cm", "m", 1, "cm.m"),
        ("m", "s", -1, "m/s"),
        ("1", "s", -1, "/s"),
        ("m", "m", -1, "1"),
        ("g", "m", -1, "g/m"),
        ("cm2", "cm", -1, "cm"),
        ("kg", "m2", -1, "kg/m2"),
        ("mg", "dL", -1, "mg/dL"),
        ("10*3/uL", "10*-3", 1, "/uL"),
        ("10*3", "10*3", 1, "10*6"),
        ("{cells}", "{cells}", 1, "{cells}.{cells}"),
        ("mg{total}", "mg{total}", 1, "mg2{total}"),
        ("4", "4", 1, "4.4"),
        ("g/(m.s)", "s", 1, "g/m"),
        ("/min", "/min", 1, "/min2"),
    ],
)
def test_product_combines_equal_terms_and_keeps_others_side_by_side(left, right, sign, expected):
    result = product(parse(left), parse(right), sign)
    assert result == expected
    expected_unit = parse(result)
    combined = parse(left).factor * parse(right).factor ** sign
    assert expected_unit.factor == combined


def test_lookup_is_cached_and_bounded():
    assert lookup.cache_info().maxsize == 1024
    assert lookup("mg/dL") is lookup("mg/dL")
