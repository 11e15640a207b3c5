"""Exact numbers: the int/Fraction helpers compiled solutions call, and sympy bridges.

Compiled code never produces a float: ``div`` keeps ints when a division is exact
and returns a ``Fraction`` otherwise; roots and powers either give an exact
rational or raise ``Inexact`` (the caller then evaluates with sympy), ``NotReal``
(an even root of a negative number) or ``TooLarge`` (an exponent or factorial too
big to compute).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TypeAlias, cast

import sympy  # type: ignore[import-untyped, unused-ignore]

from gramgen.errors import InvalidArgument  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "MAX_EXPONENT",
    "Exact",
    "Inexact",
    "NotReal",
    "TooLarge",
    "Value",
    "as_exact",
    "ceil",
    "comb",
    "div",
    "factorial",
    "floor",
    "fmt",
    "from_sympy",
    "is_rational_value",
    "is_zero",
    "norm",
    "power",
    "rpow",
    "sqrt",
    "to_sympy",
    "undefined",
]

Exact: TypeAlias = int | Fraction
"""An exact rational: an ``int`` when integral, else a ``Fraction``."""

Value: TypeAlias = int | Fraction | sympy.Expr
"""An exact value: rational (int/Fraction) or an exact sympy expression (e.g. sqrt(2))."""

MAX_EXPONENT = 10_000
MAX_BITS = 1_000_000
MAX_FACTORIAL = 10_000


class Inexact(ArithmeticError):
    """The value is not rational (e.g. sqrt(2)): evaluate it with sympy instead."""


class NotReal(ArithmeticError):
    """An even root of a negative number: no real value."""


class TooLarge(Inexact):
    """An exponent or factorial too large to compute exactly in reasonable time."""


def norm(value: Exact) -> Exact:
    """``int`` when integral, else the ``Fraction`` itself.

    >>> norm(Fraction(6, 3))
    2
    """
    if type(value) is int:
        return value
    return value.numerator if value.denominator == 1 else value


def div(n: Exact, d: Exact) -> Exact:
    """Exact division; ints stay ints when divisible. Raises ZeroDivisionError."""
    if type(n) is int and type(d) is int:
        q, r = divmod(n, d)
        return q if not r else Fraction(n, d)
    return cast(Fraction, n / d)


def _iroot(n: int, k: int) -> int | None:
    """The exact k-th root of n >= 0, or None."""
    if n < 2:
        return n
    if k == 2:
        r = math.isqrt(n)
        return r if r * r == n else None
    r = round(n ** (1.0 / k)) if n.bit_length() < 1000 else _nth_root_newton(n, k)
    for c in (r - 1, r, r + 1):
        if c >= 0 and c**k == n:
            return c
    return None


def _nth_root_newton(n: int, k: int) -> int:
    x = 1 << ((n.bit_length() + k - 1) // k)
    while True:
        y = ((k - 1) * x + n // x ** (k - 1)) // k
        if y >= x:
            return x
        x = y


def rpow(base: Exact, p: int, q: int) -> Exact:
    """``base ** (p/q)`` exactly (q > 0), or raise Inexact / NotReal / ZeroDivisionError."""
    if base < 0:
        raise NotReal(f"({fmt(base)})**({p}/{q}) is not real")
    b = Fraction(base)
    rn = _iroot(b.numerator, q)
    rd = _iroot(b.denominator, q)
    if rn is None or rd is None:
        raise Inexact(f"({fmt(base)})**({p}/{q}) is irrational")
    return power(div(rn, rd), p)


def sqrt(value: Exact) -> Exact:
    """Exact square root of a rational, or raise Inexact / NotReal."""
    if value < 0:
        raise NotReal(f"sqrt({fmt(value)}) is not real")
    if type(value) is int:
        r = math.isqrt(value)
        if r * r == value:
            return r
        raise Inexact(f"sqrt({value}) is irrational")
    n, d = value.numerator, value.denominator
    rn, rd = math.isqrt(n), math.isqrt(d)
    if rn * rn == n and rd * rd == d:
        return norm(Fraction(rn, rd))
    raise Inexact(f"sqrt({fmt(value)}) is irrational")


def power(base: Exact, exponent: Exact) -> Exact:
    """``base ** exponent`` exactly, guarding the size of the result."""
    if type(exponent) is not int:
        if exponent.denominator != 1:
            return rpow(base, exponent.numerator, exponent.denominator)
        exponent = exponent.numerator
    if abs(exponent) > MAX_EXPONENT:
        raise TooLarge(f"exponent {exponent} is too large")
    size = max(Fraction(base).numerator.bit_length(), Fraction(base).denominator.bit_length())
    if size * abs(exponent) > MAX_BITS:
        raise TooLarge(f"({fmt(base)})**{exponent} is too large to compute")
    if exponent >= 0:
        return base**exponent
    return div(1, base ** (-exponent))


def _integral(value: Exact, what: str) -> int:
    if type(value) is int:
        return value
    if value.denominator != 1:
        raise Inexact(f"{what} of a non-integer {fmt(value)}")
    return value.numerator


def comb(n: Exact, k: Exact) -> int:
    """Binomial coefficient of integers 0 <= k, 0 <= n (else Inexact: let sympy decide)."""
    ni, ki = _integral(n, "binomial"), _integral(k, "binomial")
    if ni < 0 or ki < 0:
        raise Inexact("binomial with a negative argument")
    if ni > 100_000:
        raise TooLarge(f"binomial({ni}, {ki}) is too large")
    return math.comb(ni, ki)


def factorial(n: Exact) -> int:
    """n! for a whole number n (else Inexact)."""
    ni = _integral(n, "factorial")
    if ni < 0:
        raise Inexact("factorial of a negative number")
    if ni > MAX_FACTORIAL:
        raise TooLarge(f"factorial({ni}) is too large")
    return math.factorial(ni)


def floor(value: Exact) -> int:
    """Largest integer <= value."""
    return math.floor(value)


def ceil(value: Exact) -> int:
    """Smallest integer >= value."""
    return math.ceil(value)


def to_sympy(value: Value) -> sympy.Expr:
    """The sympy form of an exact value."""
    if isinstance(value, sympy.Basic):
        return value
    if type(value) is int:
        return sympy.Integer(value)
    f = Fraction(value)
    return sympy.Rational(f.numerator, f.denominator)


def from_sympy(expr: sympy.Expr) -> Value:
    """A sympy number as int/Fraction when rational, else the expression itself."""
    if isinstance(expr, sympy.Rational):
        return norm(Fraction(int(expr.p), int(expr.q)))
    return expr


def is_rational_value(value: object) -> bool:
    """True for int (not bool) and Fraction."""
    return type(value) is int or type(value) is Fraction


def as_exact(value: object, what: str) -> Exact:
    """Coerce int/Fraction/sympy Rational to an exact rational; reject floats clearly."""
    if type(value) is int:
        return value
    if type(value) is Fraction:
        return norm(value)
    if isinstance(value, sympy.Rational):
        return norm(Fraction(int(value.p), int(value.q)))
    if isinstance(value, float):
        raise InvalidArgument(
            f"{what} must be an int or Fraction, got {value!r} (float): floats are not exact; "
            f"use Fraction('{value}')"
        )
    raise InvalidArgument(
        f"{what} must be an int or Fraction, got {value!r} (type={type(value).__name__})"
    )


def undefined(expr: sympy.Expr) -> bool:
    """True when substitution produced a division by zero (zoo/nan/oo)."""
    return bool(expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo))


def is_zero(expr: sympy.Expr) -> bool | None:
    """Three-valued exact zero test: True, False, or None when undecidable.

    Cheap exact rewriting first (numerator of ``together``, expanded), then a
    nonzero proof by guaranteed-accuracy evaluation, then sympy's assumptions,
    ``simplify`` and ``equals``.
    """
    if isinstance(expr, sympy.Rational):
        return bool(expr == 0)
    try:
        num = sympy.expand(sympy.fraction(sympy.together(expr))[0])
        if isinstance(num, sympy.Rational):
            return bool(num == 0)
        if not num.free_symbols and sympy.N(num, 30, strict=True) != 0:
            return False
    except Exception:  # PrecisionExhausted and assorted sympy failures: try harder below
        pass
    z = expr.is_zero
    if z is not None:
        return bool(z)
    try:
        simplified = sympy.simplify(expr)
    except Exception:  # sympy can fail in many ways on odd input
        return None
    if simplified == 0:
        return True
    z = simplified.is_zero
    if z is not None:
        return bool(z)
    try:
        eq = simplified.equals(0)
    except Exception:
        return None
    return None if eq is None else bool(eq)


def fmt(value: Value) -> str:
    """Short text for a value: ``5``, ``5/2``, ``sqrt(2)/2``."""
    if type(value) is int:
        return str(value)
    if type(value) is Fraction:
        return str(value.numerator) if value.denominator == 1 else str(value)
    return str(value)
