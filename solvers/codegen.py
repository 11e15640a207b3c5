"""Compile sympy expressions to plain Python over ints and Fractions.

``Emitter`` prints an expression as Python source that calls the exact helpers in
``exact`` (``_div`` keeps ints when a division is exact, ``_sqrt`` is exact or
raises ``Inexact``...). Rational constants are hoisted as module-level
``Fraction`` globals so that a compiled function builds no constant per call.
Anything without an exact rational evaluation (``pi``, non-integer powers of
symbols are fine, but transcendental constants are not) raises ``NotCompilable``
and the caller evaluates that piece with sympy instead.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy  # type: ignore[import-untyped, unused-ignore]

from . import exact

__all__ = ["Emitter", "NotCompilable", "build"]


class NotCompilable(Exception):
    """The expression has no exact rational evaluation scheme (e.g. contains pi)."""


_RUNTIME: dict[str, Any] = {
    "Fraction": Fraction,
    "_div": exact.div,
    "_sqrt": exact.sqrt,
    "_rpow": exact.rpow,
    "_pow": exact.power,
    "_comb": exact.comb,
    "_fact": exact.factorial,
    "_floor": exact.floor,
    "_ceil": exact.ceil,
    "_Inexact": exact.Inexact,
    "_NotReal": exact.NotReal,
}

_FUNCS: dict[type, str] = {
    sympy.Abs: "abs",
    sympy.floor: "_floor",
    sympy.ceiling: "_ceil",
    sympy.binomial: "_comb",
    sympy.factorial: "_fact",
    sympy.Min: "min",
    sympy.Max: "max",
}


class Emitter:
    """Prints sympy expressions as exact Python; collects hoisted constants."""

    def __init__(self, names: Mapping[sympy.Symbol, str]) -> None:
        self.names: dict[Any, str] = dict(names)
        self.consts: dict[str, Any] = {}
        self._by_value: dict[Fraction, str] = {}

    def const(self, value: Fraction) -> str:
        """A global name holding the Fraction ``value``."""
        if value.denominator == 1:
            return f"({value.numerator})"
        name = self._by_value.get(value)
        if name is None:
            name = f"_c{len(self._by_value)}"
            self._by_value[value] = name
            self.consts[name] = value
        return name

    def emit(self, expr: sympy.Basic) -> str:
        """Python source evaluating ``expr`` exactly."""
        if isinstance(expr, sympy.Integer):
            return f"({int(expr)})"
        if isinstance(expr, sympy.Rational):
            return self.const(Fraction(int(expr.p), int(expr.q)))
        if isinstance(expr, sympy.Symbol):
            try:
                return self.names[expr]
            except KeyError:
                raise NotCompilable(f"unbound symbol {expr}") from None
        if isinstance(expr, sympy.Add):
            terms = sorted(expr.args, key=lambda a: a.could_extract_minus_sign())
            out = self.emit(terms[0])
            for a in terms[1:]:
                if a.could_extract_minus_sign():
                    out += f" - {self.emit(-a)}"
                else:
                    out += f" + {self.emit(a)}"
            return f"({out})"
        if isinstance(expr, sympy.Mul | sympy.Pow):
            num, den = expr.as_numer_denom()
            if den != 1:
                return f"_div({self.emit(num)}, {self.emit(den)})"
            if isinstance(expr, sympy.Mul):
                if expr.args[0] == -1:
                    return f"(-{self.emit(sympy.Mul(*expr.args[1:]))})"
                return "(" + " * ".join(self.emit(a) for a in expr.args) + ")"
            return self._pow(expr)
        func = _FUNCS.get(type(expr))
        if func is None:
            for cls, name in _FUNCS.items():
                if isinstance(expr, cls):
                    func = name
                    break
        if func is not None:
            return f"{func}(" + ", ".join(self.emit(a) for a in expr.args) + ")"
        raise NotCompilable(f"no exact rational evaluation for {expr} ({type(expr).__name__})")

    def _pow(self, expr: sympy.Pow) -> str:
        base, e = expr.args
        b = self.emit(base)
        if isinstance(e, sympy.Integer):
            n = int(e)
            if n == 2:
                return f"({b} * {b})" if isinstance(base, sympy.Symbol) else f"({b})**2"
            if 0 <= n <= 64:
                return f"({b})**{n}"
            return f"_pow({b}, {n})"
        if isinstance(e, sympy.Rational):
            if e == sympy.S.Half:
                return f"_sqrt({b})"
            return f"_rpow({b}, {int(e.p)}, {int(e.q)})"
        return f"_pow({b}, {self.emit(e)})"


def build(
    name: str,
    params: Sequence[str],
    body: Sequence[str],
    consts: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> Callable[..., Any]:
    """Compile ``def name(params): body`` with the exact runtime helpers in scope."""
    source = f"def {name}({', '.join(params)}):\n" + "\n".join(f"    {line}" for line in body)
    namespace: dict[str, Any] = {**_RUNTIME, **consts, **(extra or {})}
    exec(_compiled(source, name), namespace)  # our own source, built from validated sympy trees
    fn: Callable[..., Any] = namespace[name]
    fn.__source__ = source  # type: ignore[attr-defined]
    return fn


@functools.lru_cache(maxsize=4096)
def _compiled(source: str, name: str) -> types.CodeType:
    """The code of ``source``: compiled once, however many functions (each with its own
    constants in its globals) are made from it."""
    return compile(source, f"<gramgen.solvers:{name}>", "exec")
