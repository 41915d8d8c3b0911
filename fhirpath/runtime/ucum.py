"""UCUM unit expressions: a parser, the unit table and symbolic unit algebra.

Imported lazily by `quantity_math.py` on the first conversion, so `import fhirpath`
never pays for the table. Every factor is an exact `Fraction`: UCUM defines
its units by exact decimal multiples of one another, and keeping them exact
is what lets `1 '[in_i]' = 2.54 'cm'` be true without rounding rules.

A parsed `Unit` has a magnitude (`factor`, in base units), a dimension
(`dims`: sorted `(base, exponent)` pairs over m, g, s, rad, K, C, cd, plus one
private base per arbitrary unit such as `[iU]`), and the symbolic product it
was written as (`terms`), which multiplication and division combine.

Special units: `Cel`, `[degF]` and `[degRe]` are on shifted scales and convert
through Kelvin with an offset. The other special units (`[pH]`, `B`, `Np`,
`[p'diop]`, `bit_s`, ...) are logarithmic or trigonometric; they are accepted
as valid but convert to nothing but themselves. A special unit must stand
alone in an expression, as UCUM requires.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

__all__ = ["TIME", "Unit", "UnitError", "lookup", "parse", "product"]

TIME: tuple[tuple[str, int], ...] = (("s", 1),)
"""The dimension of every duration unit."""

PREFIXES: dict[str, Fraction] = {
    "Y": Fraction(10) ** 24, "Z": Fraction(10) ** 21, "E": Fraction(10) ** 18,
    "P": Fraction(10) ** 15, "T": Fraction(10) ** 12, "G": Fraction(10) ** 9,
    "M": Fraction(10) ** 6, "k": Fraction(10) ** 3, "h": Fraction(10) ** 2,
    "da": Fraction(10), "d": Fraction(10) ** -1, "c": Fraction(10) ** -2,
    "m": Fraction(10) ** -3, "u": Fraction(10) ** -6, "n": Fraction(10) ** -9,
    "p": Fraction(10) ** -12, "f": Fraction(10) ** -15, "a": Fraction(10) ** -18,
    "z": Fraction(10) ** -21, "y": Fraction(10) ** -24,
    "Ki": Fraction(2) ** 10, "Mi": Fraction(2) ** 20, "Gi": Fraction(2) ** 30,
    "Ti": Fraction(2) ** 40,
}

_BASE_UNITS = ("m", "g", "s", "rad", "K", "C", "cd")

# One unit per line: code, flags, value, definition (UCUM 2.2 values).
# Flags: M = metric (takes prefixes), A = arbitrary (a dimension of its own),
# - = neither. `value definition` reads "one unit is value times definition".
_TABLE = r"""
10*        -   10              1
10^        -   10              1
[pi]       -   3.1415926535897932384626433832795028841971693993751058209749445923  1
%          -   1               10*-2
[ppth]     -   1               10*-3
[ppm]      -   1               10*-6
[ppb]      -   1               10*-9
[pptr]     -   1               10*-12
mol        M   6.02214076      10*23
sr         M   1               rad2
Hz         M   1               s-1
N          M   1               kg.m/s2
Pa         M   1               N/m2
J          M   1               N.m
W          M   1               J/s
A          M   1               C/s
V          M   1               J/C
F          M   1               C/V
Ohm        M   1               V/A
S          M   1               Ohm-1
Wb         M   1               V.s
T          M   1               Wb/m2
H          M   1               Wb/A
lm         M   1               cd.sr
lx         M   1               lm/m2
Bq         M   1               s-1
Gy         M   1               J/kg
Sv         M   1               J/kg
gon        -   0.9             deg
deg        -   2               [pi].rad/360
'          -   1               deg/60
''         -   1               '/60
l          M   1               dm3
L          M   1               l
ar         M   100             m2
min        -   60              s
h          -   60              min
d          -   24              h
a_t        -   365.24219       d
a_j        -   365.25          d
a_g        -   365.2425        d
a          -   1               a_j
wk         -   7               d
mo_s       -   29.53059        d
mo_j       -   1               a_j/12
mo_g       -   1               a_g/12
mo         -   1               mo_j
t          M   1e3             kg
bar        M   1e5             Pa
u          M   1.66053906660e-24  g
eV         M   1               [e].V
AU         -   149597.870691   Mm
pc         M   3.085678e16     m
[c]        M   299792458       m/s
[h]        M   6.62607015e-34  J.s
[k]        M   1.380649e-23    J/K
[eps_0]    M   8.854187817e-12 F/m
[mu_0]     M   1               4.[pi].10*-7.N/A2
[e]        M   1.602176634e-19 C
[m_e]      M   9.1093837139e-31  kg
[m_p]      M   1.67262192595e-27 kg
[G]        M   6.67430e-11     m3.kg-1.s-2
[g]        M   9.80665         m/s2
atm        -   101325          Pa
[ly]       M   1               [c].a_j
gf         M   1               g.[g]
[lbf_av]   -   1               [lb_av].[g]
Ky         M   1               cm-1
Gal        M   1               cm/s2
dyn        M   1               g.cm/s2
erg        M   1               dyn.cm
P          M   1               dyn.s/cm2
Bi         M   10              A
St         M   1               cm2/s
Mx         M   1e-8            Wb
G          M   1e-4            T
Oe         M   250             /[pi].A/m
Gb         M   1               Oe.cm
sb         M   1               cd/cm2
Lmb        M   1               cd/cm2/[pi]
ph         M   1e-4            lx
Ci         M   3.7e10          Bq
R          M   2.58e-4         C/kg
RAD        M   100             erg/g
REM        M   1               RAD
[in_i]     -   2.54            cm
[ft_i]     -   12              [in_i]
[yd_i]     -   3               [ft_i]
[mi_i]     -   5280            [ft_i]
[fth_i]    -   6               [ft_i]
[nmi_i]    -   1852            m
[kn_i]     -   1               [nmi_i]/h
[sin_i]    -   1               [in_i]2
[sft_i]    -   1               [ft_i]2
[syd_i]    -   1               [yd_i]2
[cin_i]    -   1               [in_i]3
[cft_i]    -   1               [ft_i]3
[cyd_i]    -   1               [yd_i]3
[bf_i]     -   144             [in_i]3
[cr_i]     -   128             [ft_i]3
[mil_i]    -   1e-3            [in_i]
[cml_i]    -   1               [pi]/4.[mil_i]2
[hd_i]     -   4               [in_i]
[ft_us]    -   1200            m/3937
[yd_us]    -   3               [ft_us]
[in_us]    -   1               [ft_us]/12
[rd_us]    -   16.5            [ft_us]
[ch_us]    -   4               [rd_us]
[lk_us]    -   1               [ch_us]/100
[rch_us]   -   100             [ft_us]
[rlk_us]   -   1               [rch_us]/100
[fth_us]   -   6               [ft_us]
[fur_us]   -   40              [rd_us]
[mi_us]    -   8               [fur_us]
[acr_us]   -   160             [rd_us]2
[srd_us]   -   1               [rd_us]2
[smi_us]   -   1               [mi_us]2
[sct]      -   1               [mi_us]2
[twp]      -   36              [sct]
[mil_us]   -   1e-3            [in_us]
[in_br]    -   2.539998        cm
[ft_br]    -   12              [in_br]
[rd_br]    -   16.5            [ft_br]
[ch_br]    -   4               [rd_br]
[lk_br]    -   1               [ch_br]/100
[fth_br]   -   6               [ft_br]
[pc_br]    -   2.5             [ft_br]
[yd_br]    -   3               [ft_br]
[mi_br]    -   5280            [ft_br]
[nmi_br]   -   6080            [ft_br]
[kn_br]    -   1               [nmi_br]/h
[acr_br]   -   4840            [yd_br]2
[gal_us]   -   231             [in_i]3
[bbl_us]   -   42              [gal_us]
[qt_us]    -   1               [gal_us]/4
[pt_us]    -   1               [qt_us]/2
[gil_us]   -   1               [pt_us]/4
[foz_us]   -   1               [gil_us]/4
[fdr_us]   -   1               [foz_us]/8
[min_us]   -   1               [fdr_us]/60
[crd_us]   -   128             [ft_i]3
[bu_us]    -   2150.42         [in_i]3
[gal_wi]   -   1               [bu_us]/8
[pk_us]    -   1               [bu_us]/4
[dqt_us]   -   1               [pk_us]/8
[dpt_us]   -   1               [dqt_us]/2
[tbs_us]   -   1               [foz_us]/2
[tsp_us]   -   1               [tbs_us]/3
[cup_us]   -   16              [tbs_us]
[foz_m]    -   30              mL
[cup_m]    -   240             mL
[tsp_m]    -   5               mL
[tbs_m]    -   15              mL
[gal_br]   -   4.54609         l
[pk_br]    -   2               [gal_br]
[bu_br]    -   4               [pk_br]
[qt_br]    -   1               [gal_br]/4
[pt_br]    -   1               [qt_br]/2
[gil_br]   -   1               [pt_br]/4
[foz_br]   -   1               [gil_br]/5
[fdr_br]   -   1               [foz_br]/8
[min_br]   -   1               [fdr_br]/60
[gr]       -   64.79891        mg
[lb_av]    -   7000            [gr]
[oz_av]    -   1               [lb_av]/16
[dr_av]    -   1               [oz_av]/16
[scwt_av]  -   100             [lb_av]
[lcwt_av]  -   112             [lb_av]
[ston_av]  -   20              [scwt_av]
[lton_av]  -   20              [lcwt_av]
[stone_av] -   14              [lb_av]
[pwt_tr]   -   24              [gr]
[oz_tr]    -   20              [pwt_tr]
[lb_tr]    -   12              [oz_tr]
[sc_ap]    -   20              [gr]
[dr_ap]    -   3               [sc_ap]
[oz_ap]    -   8               [dr_ap]
[lb_ap]    -   12              [oz_ap]
[oz_m]     -   28              g
[lne]      -   1               [in_i]/12
[pnt]      -   1               [lne]/6
[pca]      -   12              [pnt]
[pnt_pr]   -   0.013837        [in_i]
[pca_pr]   -   12              [pnt_pr]
[pied]     -   32.48           cm
[pouce]    -   1               [pied]/12
[ligne]    -   1               [pouce]/12
[didot]    -   1               [ligne]/6
[cicero]   -   12              [didot]
[degR]     -   5               K/9
cal_[15]   M   4.18580         J
cal_[20]   M   4.18190         J
cal_m      M   4.19002         J
cal_IT     M   4.1868          J
cal_th     M   4.184           J
cal        M   1               cal_th
[Cal]      -   1               kcal_th
[Btu_39]   -   1.05967         kJ
[Btu_59]   -   1.05480         kJ
[Btu_60]   -   1.05468         kJ
[Btu_m]    -   1.05587         kJ
[Btu_IT]   -   1.05505585262   kJ
[Btu_th]   -   1.054350        kJ
[Btu]      -   1               [Btu_th]
[HP]       -   550             [ft_i].[lbf_av]/s
tex        M   1               g/km
[den]      -   1               g/9/km
m[H2O]     M   9.80665         kPa
m[Hg]      M   133.3220        kPa
[in_i'H2O] -   1               m[H2O].[in_i]/m
[in_i'Hg]  -   1               m[Hg].[in_i]/m
[PRU]      -   1               mm[Hg].s/ml
[wood'U]   -   1               mm[Hg].min/L
[diop]     -   1               /m
[mesh_i]   -   1               /[in_i]
[Ch]       -   1               mm/3
[drp]      -   1               ml/20
[hnsf'U]   -   1               1
[MET]      -   3.5             mL/min/kg
eq         M   1               mol
osm        M   1               mol
g%         M   1               g/dl
[S]        -   1               10*-13.s
[HPF]      -   1               1
[LPF]      -   100             1
kat        M   1               mol/s
U          M   1               umol/min
[iU]       MA  1               1
[IU]       M   1               [iU]
[arb'U]    A   1               1
[USP'U]    A   1               1
[GPL'U]    A   1               1
[MPL'U]    A   1               1
[APL'U]    A   1               1
[beth'U]   A   1               1
[anti'Xa'U]  A  1              1
[todd'U]   A   1               1
[dye'U]    A   1               1
[smgy'U]   A   1               1
[bdsk'U]   A   1               1
[ka'U]     A   1               1
[knk'U]    A   1               1
[mclg'U]   A   1               1
[tb'U]     A   1               1
[CCID_50]  A   1               1
[TCID_50]  A   1               1
[EID_50]   A   1               1
[PFU]      A   1               1
[FFU]      A   1               1
[CFU]      A   1               1
[IR]       A   1               1
[BAU]      A   1               1
[AU]       A   1               1
[Amb'a'1'U]  A  1              1
[PNU]      A   1               1
[Lf]       A   1               1
[D'ag'U]   A   1               1
[FEU]      A   1               1
[ELU]      A   1               1
[EU]       A   1               1
[hp_X]     A   1               1
[hp_C]     A   1               1
[hp_M]     A   1               1
[hp_Q]     A   1               1
[kp_X]     A   1               1
[kp_C]     A   1               1
[kp_M]     A   1               1
[kp_Q]     A   1               1
st         M   1               m3
Ao         -   0.1             nm
b          -   100             fm2
att        -   1               kgf/cm2
mho        M   1               S
[psi]      -   1               [lbf_av]/[in_i]2
circ       -   2               [pi].rad
sph        -   4               [pi].sr
[car_m]    -   2e-1            g
[car_Au]   -   1               /24
[smoot]    -   67              [in_i]
[NTU]      -   1               1
[FNU]      -   1               1
bit        M   1               1
By         M   8               bit
Bd         M   1               /s
"""

# Shifted scales: kelvin = value * factor + offset.
_AFFINE: dict[str, tuple[bool, Fraction, Fraction]] = {
    "Cel": (True, Fraction(1), Fraction("273.15")),
    "[degF]": (False, Fraction(5, 9), Fraction("459.67") * Fraction(5, 9)),
    "[degRe]": (False, Fraction(5, 4), Fraction("273.15")),
}

# Logarithmic, trigonometric and retired special units: valid, never converted.
_OPAQUE: dict[str, bool] = {  # code -> metric
    "[p'diop]": False, "%[slope]": False, "[hp'_X]": False, "[hp'_C]": False,
    "[hp'_M]": False, "[hp'_Q]": False, "[pH]": False, "Np": True, "B": True,
    "B[SPL]": True, "B[V]": True, "B[mV]": True, "B[uV]": True, "B[10.nV]": True,
    "B[W]": True, "B[kW]": True, "bit_s": False, "[m/s2/Hz^(1/2)]": False,
}

# UCUM's years and months: never equal to the calendar year and month keywords.
YEAR_AND_MONTH_ATOMS = frozenset({"a", "a_j", "a_t", "a_g", "mo", "mo_j", "mo_s", "mo_g"})


def _read_table() -> dict[str, tuple[bool, bool, str, str]]:
    """Rows as (metric, arbitrary, value, definition); values become Fractions on first use."""
    rows = {}
    for line in _TABLE.strip().splitlines():
        code, flags, value, definition = line.split()
        rows[code] = ("M" in flags, "A" in flags, value, definition)
    return rows


_DEFINED = _read_table()
_METRIC = {code: row[0] for code, row in _DEFINED.items()}
_METRIC.update({code: True for code in _BASE_UNITS})
_METRIC.update({code: row[0] for code, row in _AFFINE.items()})
_METRIC.update(_OPAQUE)


class UnitError(ValueError):
    """A string that is not a valid UCUM unit expression."""


class Unit:
    """A parsed UCUM unit: magnitude in base units, dimension and symbolic form."""

    __slots__ = ("code", "factor", "dims", "offset", "opaque", "terms", "uses_year_or_month")

    def __init__(
        self,
        code: str,
        factor: Fraction,
        dims: tuple[tuple[str, int], ...],
        terms: tuple[tuple[tuple[str, str], int], ...],
        *,
        offset: Fraction | None = None,
        opaque: bool = False,
        uses_year_or_month: bool = False,
    ) -> None:
        self.code = code
        self.factor = factor
        self.dims = dims
        self.terms = terms
        self.offset = offset
        self.opaque = opaque
        self.uses_year_or_month = uses_year_or_month

    @property
    def is_duration(self) -> bool:
        """Commensurable with seconds: the units calendar durations relate to."""
        return self.dims == TIME

    @property
    def special(self) -> bool:
        """On a non-ratio scale: arithmetic on it is meaningless (spec §6.6)."""
        return self.offset is not None or self.opaque

    def __repr__(self) -> str:
        return f"Unit({self.code!r}, factor={self.factor}, dims={self.dims})"


class _Accumulator:
    """The running product while a unit expression is parsed."""

    __slots__ = ("factor", "dims", "terms", "special", "components", "year_or_month")

    def __init__(self) -> None:
        self.factor = Fraction(1)
        self.dims: dict[str, int] = {}
        self.terms: dict[tuple[str, str], int] = {}
        self.special: tuple[str, Fraction, int] | None = None
        self.components = 0
        self.year_or_month = False

    def multiply(self, factor: Fraction, dims: dict[str, int], exponent: int) -> None:
        self.factor *= factor**exponent
        for base, power in dims.items():
            total = self.dims.get(base, 0) + power * exponent
            if total:
                self.dims[base] = total
            else:
                self.dims.pop(base, None)

    def add_term(self, key: tuple[str, str], exponent: int) -> None:
        self.components += 1
        total = self.terms.get(key, 0) + exponent
        if total:
            self.terms[key] = total
        else:
            self.terms.pop(key, None)


_EXPONENT = re.compile(r"(.*?)([+-]?\d+)")
_SIGNED = re.compile(r"[+-]?\d+")
_DELIMITERS = "./(){}"


class _Parser:
    """Recursive descent over UCUM's grammar (case-sensitive codes)."""

    __slots__ = ("text", "pos")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str) -> UnitError:
        return UnitError(f"invalid UCUM unit {self.text!r}: {message} at offset {self.pos}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def parse(self) -> _Accumulator:
        if not self.text:
            raise self.fail("empty unit")
        acc = _Accumulator()
        if self.peek() == "/":
            self.pos += 1
            self.term(acc, -1)
        else:
            self.term(acc, 1)
        if self.pos != len(self.text):
            raise self.fail(f"unexpected {self.peek()!r}")
        return acc

    def term(self, acc: _Accumulator, sign: int) -> None:
        self.component(acc, sign)
        while self.peek() in (".", "/"):
            operator = self.text[self.pos]
            self.pos += 1
            self.component(acc, sign if operator == "." else -sign)

    def component(self, acc: _Accumulator, sign: int) -> None:
        char = self.peek()
        if char == "(":
            self.pos += 1
            self.term(acc, sign)
            if self.peek() != ")":
                raise self.fail("expected ')'")
            self.pos += 1
        elif char == "{":
            acc.add_term(("", self.annotation()), sign)
        elif char.isdigit():
            self.number(acc, sign)
        elif char and char not in _DELIMITERS:
            self.symbol(acc, sign)
        else:
            raise self.fail("expected a unit")

    def annotation(self) -> str:
        end = self.text.find("}", self.pos)
        if end < 0 or "{" in self.text[self.pos + 1 : end]:
            raise self.fail("unterminated annotation")
        text = self.text[self.pos : end + 1]
        self.pos = end + 1
        return text

    def optional_annotation(self) -> str:
        return self.annotation() if self.peek() == "{" else ""

    def number(self, acc: _Accumulator, sign: int) -> None:
        start = self.pos
        while self.peek().isdigit():
            self.pos += 1
        digits = self.text[start : self.pos]
        if digits == "10" and self.peek() in ("*", "^"):
            symbol = digits + self.text[self.pos]
            self.pos += 1
            match = _SIGNED.match(self.text, self.pos)
            exponent = 1
            if match:
                exponent = int(match.group())
                self.pos = match.end()
            acc.multiply(Fraction(10), {}, exponent * sign)
            acc.add_term((symbol, self.optional_annotation()), exponent * sign)
            return
        if self.peek() and self.peek() not in _DELIMITERS:
            raise self.fail("a number must stand alone")
        value = int(digits)
        if value == 0:
            raise self.fail("zero factor")
        annotation = self.optional_annotation()
        acc.multiply(Fraction(value), {}, sign)
        if value != 1 or annotation:
            acc.add_term((digits, annotation), sign)

    def symbol(self, acc: _Accumulator, sign: int) -> None:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _DELIMITERS:
            char = self.text[self.pos]
            if char == "[":
                close = self.text.find("]", self.pos)
                if close < 0:
                    raise self.fail("unterminated '['")
                self.pos = close + 1
                continue
            if not "!" <= char <= "~" or char == "]":
                raise self.fail(f"unexpected {char!r}")
            self.pos += 1
        run = self.text[start : self.pos]
        symbol, exponent = run, 1
        if run not in _METRIC:
            match = _EXPONENT.fullmatch(run)
            if match and match.group(1):
                symbol, exponent = match.group(1), int(match.group(2))
        prefix, atom = _split_prefix(symbol)
        if atom is None:
            raise self.fail(f"unknown unit {symbol!r}")
        annotation = self.optional_annotation()
        if atom in _AFFINE or atom in _OPAQUE:
            if acc.special is not None:
                raise self.fail("more than one special unit")
            acc.special = (atom, prefix, exponent * sign)
            acc.add_term((symbol, annotation), exponent * sign)
            return
        factor, dims = _atom(atom)
        if atom in YEAR_AND_MONTH_ATOMS:
            acc.year_or_month = True
        acc.multiply(prefix * factor, dims, exponent * sign)
        acc.add_term((symbol, annotation), exponent * sign)


def _split_prefix(symbol: str) -> tuple[Fraction, str | None]:
    """A symbol as (prefix factor, atom); the whole symbol wins over a prefix."""
    if symbol in _METRIC:
        return Fraction(1), symbol
    for size in (2, 1):
        prefix, atom = symbol[:size], symbol[size:]
        if prefix in PREFIXES and _METRIC.get(atom):
            return PREFIXES[prefix], atom
    return Fraction(1), None


_ATOMS: dict[str, tuple[Fraction, dict[str, int]]] = {code: (Fraction(1), {code: 1}) for code in _BASE_UNITS}


def _atom(code: str) -> tuple[Fraction, dict[str, int]]:
    """Magnitude and dimension of a ratio-scale atom, resolved once from its definition."""
    resolved = _ATOMS.get(code)
    if resolved is None:
        _, arbitrary, value, definition = _DEFINED[code]
        if arbitrary:
            resolved = (Fraction(value), {code: 1})
        else:
            inner = _Parser(definition).parse()
            resolved = (Fraction(value) * inner.factor, inner.dims)
        _ATOMS[code] = resolved
    return resolved


def parse(code: str) -> Unit:
    """Parse a UCUM unit expression; raises UnitError when it is not one."""
    parser = _Parser(code)
    acc = parser.parse()
    dims = tuple(sorted(acc.dims.items()))
    terms = tuple(acc.terms.items())
    if acc.special is None:
        return Unit(code, acc.factor, dims, terms, uses_year_or_month=acc.year_or_month)
    atom, prefix, exponent = acc.special
    if acc.components != 1 or exponent != 1:
        raise parser.fail(f"special unit {atom!r} must stand alone")
    if atom in _OPAQUE:
        return Unit(code, prefix, ((atom, 1),), terms, opaque=True)
    _, factor, offset = _AFFINE[atom]
    return Unit(code, prefix * factor, (("K", 1),), terms, offset=offset)


@lru_cache(maxsize=1024)
def lookup(code: str) -> Unit | None:
    """The parsed unit, or None when `code` is not valid UCUM (cached, bounded)."""
    try:
        return parse(code)
    except UnitError:
        return None


def _render(key: tuple[str, str], power: int) -> str:
    symbol, annotation = key
    if not symbol or symbol.isdigit():
        # A bare number or annotation cannot carry an exponent: repeat it.
        return ".".join([symbol + annotation] * power)
    return f"{symbol}{power if power != 1 else ''}{annotation}"


def product(left: Unit, right: Unit, sign: int) -> str:
    """The UCUM code of `left * right` (sign 1) or `left / right` (sign -1).

    Equal terms combine their exponents (`cm.cm` is `cm2`, `m/s.s` is `m`);
    different units are kept side by side (`cm.m`), since UCUM leaves the choice
    of result unit open and conversion can always compare them later.
    """
    terms: dict[tuple[str, str], int] = dict(left.terms)
    for key, power in right.terms:
        total = terms.get(key, 0) + sign * power
        if total:
            terms[key] = total
        else:
            terms.pop(key, None)
    numerator = [_render(key, power) for key, power in terms.items() if power > 0]
    denominator = [_render(key, -power) for key, power in terms.items() if power < 0]
    if not numerator and not denominator:
        return "1"
    return ".".join(numerator) + "".join("/" + part for part in denominator)
