"""Exact unit conversion with rational factors (no floats anywhere).

Dimensions: length (base m), area (m2), mass (g), time (s), volume (L), money
(cent), and quotients of them such as speed (``km/h``, ``miles per hour``, ``mph``). Every
factor is an exact ``Fraction`` (the inch is 127/5000 m by definition, the pound
45359237/100000 g). Temperature is not supported (its conversions are affine).

>>> convert(Fraction(3, 2), "km", "m")
1500
>>> parse_unit("kilometres per hour").dimension
'length/time'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from gramgen.errors import InvalidArgument  # type: ignore[import-not-found, unused-ignore]

from .exact import Exact, as_exact, norm

__all__ = ["Unit", "convert", "known_units", "parse_unit", "same_dimension"]


@dataclass(frozen=True)
class Unit:
    """A unit: canonical name, dimension and exact factor to the dimension's base unit."""

    name: str
    dimension: str
    factor: Fraction

    def __truediv__(self, other: Unit) -> Unit:
        return Unit(
            f"{self.name}/{other.name}",
            f"{self.dimension}/{other.dimension}",
            self.factor / other.factor,
        )


_F = Fraction
# canonical name, dimension, factor to base, aliases (matched case-insensitively
# unless the alias is in _CASED)
_TABLE: list[tuple[str, str, Fraction, tuple[str, ...]]] = [
    ("mm", "length", _F(1, 1000), ("millimeter", "millimetre")),
    ("cm", "length", _F(1, 100), ("centimeter", "centimetre")),
    ("m", "length", _F(1), ("meter", "metre")),
    ("km", "length", _F(1000), ("kilometer", "kilometre", "kms")),
    ("in", "length", _F(127, 5000), ("inch", "inches", '"')),
    ("ft", "length", _F(381, 1250), ("foot", "feet", "'")),
    ("yd", "length", _F(1143, 1250), ("yard", "yds")),
    ("mi", "length", _F(201168, 125), ("mile",)),
    ("mm2", "area", _F(1, 10**6), ("square millimeter", "square millimetre", "sq mm", "mm²")),
    ("cm2", "area", _F(1, 10**4), ("square centimeter", "square centimetre", "sq cm", "cm²")),
    ("m2", "area", _F(1), ("square meter", "square metre", "sq m", "m²")),
    ("km2", "area", _F(10**6), ("square kilometer", "square kilometre", "sq km", "km²")),
    ("in2", "area", _F(127, 5000) ** 2, ("square inch", "sq in", "in²")),
    ("ft2", "area", _F(381, 1250) ** 2, ("square foot", "sq ft", "ft²")),
    ("yd2", "area", _F(1143, 1250) ** 2, ("square yard", "sq yd", "yd²")),
    ("mg", "mass", _F(1, 1000), ("milligram",)),
    ("g", "mass", _F(1), ("gram", "gm", "gr")),
    ("kg", "mass", _F(1000), ("kilogram", "kgs", "kilo")),
    ("t", "mass", _F(1_000_000), ("tonne", "metric ton")),
    ("oz", "mass", _F("28.349523125"), ("ounce",)),
    ("lb", "mass", _F("453.59237"), ("pound", "lbs")),
    ("ms", "time", _F(1, 1000), ("millisecond", "msec")),
    ("s", "time", _F(1), ("second", "sec", "secs")),
    ("min", "time", _F(60), ("minute", "mins")),
    ("h", "time", _F(3600), ("hour", "hr", "hrs")),
    ("day", "time", _F(86400), ("d",)),
    ("week", "time", _F(604800), ("wk", "wks")),
    ("mL", "volume", _F(1, 1000), ("milliliter", "millilitre", "ml", "cc", "cm3", "cm³")),
    ("L", "volume", _F(1), ("liter", "litre", "l")),
    ("m3", "volume", _F(1000), ("cubic meter", "cubic metre", "m³")),
    ("in3", "volume", _F(127, 5000) ** 3 * 1000, ("cubic inch", "cu in", "in³")),
    ("ft3", "volume", _F(381, 1250) ** 3 * 1000, ("cubic foot", "cu ft", "ft³")),
    ("gal", "volume", _F("3.785411784"), ("gallon",)),
    ("qt", "volume", _F("0.946352946"), ("quart",)),
    ("pt", "volume", _F("0.473176473"), ("pint",)),
    ("cup", "volume", _F("0.2365882365"), ()),
    ("fl oz", "volume", _F("0.0295735295625"), ("fluid ounce", "floz")),
    ("cent", "money", _F(1), ("¢", "c")),
    ("dollar", "money", _F(100), ("$", "usd", "buck")),
]
_SPEEDS = {
    "mph": ("mi", "h"),
    "kph": ("km", "h"),
    "kmh": ("km", "h"),
    "kmph": ("km", "h"),
    "fps": ("ft", "s"),
    "mps": ("m", "s"),
}
_CASED = {"mL", "L", "m3"}

_UNITS: dict[str, Unit] = {}
_ALIASES: dict[str, str] = {}
for _name, _dim, _factor, _aliases in _TABLE:
    _UNITS[_name] = Unit(_name, _dim, _factor)
    for _a in (_name, *_aliases):
        _ALIASES[_a if _a in _CASED else _a.lower()] = _name
        if (len(_a) > 2 and _a.isalpha()) or " " in _a:
            _ALIASES[_a.lower() + "s"] = _name  # plural: "meters", "cubic meters"
_UNITS["knot"] = Unit("knot", "length/time", _F(1852, 3600))
_ALIASES.update({"knot": "knot", "knots": "knot", "kn": "knot", "kt": "knot"})
_PLURAL_EXTRA = {"inches": "in", "feet": "ft", "pence": "cent", "hours": "h", "cents": "cent",
                 "square inches": "in2", "square feet": "ft2", "cubic inches": "in3",
                 "cubic feet": "ft3"}  # fmt: skip
_ALIASES.update(_PLURAL_EXTRA)
for _a in ("cubic centimeter", "cubic centimetre"):  # (an mL is a cubic centimeter)
    _ALIASES.update({_a: "mL", _a + "s": "mL"})
_SPLIT = re.compile(r"\s*(?:/|\bper\b)\s*", re.IGNORECASE)


def known_units() -> list[str]:
    """Canonical names of the simple units (quotients such as km/h are built on demand)."""
    return sorted(_UNITS)


def _simple(text: str) -> Unit | None:
    key = text.strip().rstrip(".")
    name = _ALIASES.get(key) or _ALIASES.get(key.lower())
    if name is None and key.lower().endswith("es"):
        name = _ALIASES.get(key.lower()[:-2])
    if name is None and key.lower().endswith("s"):
        name = _ALIASES.get(key.lower()[:-1])
    return _UNITS[name] if name is not None else None


def parse_unit(text: str | Unit) -> Unit:
    """Parse a unit name, plural or abbreviation: 'km', 'kilometers', 'hours', 'h', 'km/h'.

    >>> parse_unit("hours").name, parse_unit("mph").name
    ('h', 'mi/h')
    """
    if isinstance(text, Unit):
        return text
    if not isinstance(text, str) or not text.strip():
        raise InvalidArgument(f"unit must be a non-empty str, got {text!r}")
    key = " ".join(text.split())
    unit = _simple(key)
    if unit is not None:
        return unit
    if key.lower() in _SPEEDS:
        a, b = _SPEEDS[key.lower()]
        return _UNITS[a] / _UNITS[b]
    parts = _SPLIT.split(key, maxsplit=1)
    if len(parts) == 2:
        num, den = _simple(parts[0]), _simple(parts[1])
        if num is not None and den is not None:
            return num / den
    raise InvalidArgument(f"unknown unit {text!r} (known: {', '.join(known_units())}, and X/Y)")


def same_dimension(a: str | Unit, b: str | Unit) -> bool:
    """True when the two units measure the same kind of quantity."""
    return parse_unit(a).dimension == parse_unit(b).dimension


def convert(value: Exact, from_unit: str | Unit, to_unit: str | Unit) -> Exact:
    """Convert an exact value between units of the same dimension, exactly.

    >>> convert(90, "km/h", "m/s")
    25
    """
    v = as_exact(value, "value")
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if src.dimension != dst.dimension:
        raise InvalidArgument(
            f"cannot convert {src.name} ({src.dimension}) to {dst.name} ({dst.dimension})"
        )
    return norm(Fraction(v) * src.factor / dst.factor)
