"""Generate the draw function of a construction sampler: one Python function per sampler.

``construct.Sampler`` plans how to draw its free quantities: each is ``step * k``
for a whole ``k`` in ``[kmin, kmax]``, in an order where a free quantity ``v``
comes after those its ``Constraint``\\ s depend on. A constraint says that a
dependent is ``alpha * v + beta`` (``alpha`` and ``beta`` in earlier draws), so
that it is ``a * k + b`` with ``a = alpha * step``: a whole dependent needs ``k``
in a residue class, a bounded one bounds ``k``.

``build_draw`` writes the whole draw as one straight-line Python function: the
coefficients inlined as the emitted expressions, exact arithmetic on numerators
and denominators (``Fraction`` objects cost more than everything else a draw
does). What does not depend on a draw is worked out once, when the sampler is
built, with the same code run then: coefficients in no draw, the bounds they put
on ``k``, their residue class (until a constraint with varying coefficients may
change it), a fixed ``alpha`` and, when nothing varies, the range ``k`` is
drawn from. Only the rest is computed per call, and coefficients two dependents
share (``final = after3``) only once.

The function takes ``rng.getrandbits`` and returns the drawn values by name in draw
order, or the reason the draw fails. Constraints are taken in their order, so the
reason is the first failure met. Each ``k`` is drawn uniformly from its admissible
range as ``gramgen.derive.below`` draws (as ``rng.randrange(count)`` would), the
loop inlined: the calls of ``randrange`` were ~40% of a simple draw's time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .codegen import Emitter, build
from .exact import Exact
from .model import Domain

__all__ = ["Constraint", "DrawFunction", "Free", "build_draw", "crt", "residue"]

DrawFunction = Callable[[Callable[[int], int]], dict[str, Exact] | str]
"""``draw(rng.getrandbits)``: the drawn values by name, or why no value could be drawn."""

Bound = tuple[tuple[int, int], bool, bool]
"""((numerator, denominator) of a bound, is_lower, strict) of a dependent's domain."""

Fixed = tuple[Exact, Exact] | str | None
"""The coefficients ``(a, b)`` of a fixed constraint, why they are undefined, or None."""


@dataclass(frozen=True)
class Constraint:
    """``dependent = alpha * v + beta`` for the free ``v`` that carries it.

    ``alpha`` and ``beta`` are exact Python expressions (emitted by the sampler's
    ``Emitter``) in free quantities drawn before ``v``, or in none (``fixed``).
    """

    dependent: str
    alpha: str
    beta: str
    alpha_fixed: bool
    beta_fixed: bool
    integer: bool  # the dependent must come out whole
    bounds: tuple[Bound, ...]

    @classmethod
    def of(
        cls,
        dependent: str,
        alpha: str,
        beta: str,
        domain: Domain,
        *,
        alpha_fixed: bool,
        beta_fixed: bool,
    ) -> Constraint:
        """The constraint keeping ``dependent`` in ``domain``."""
        lo, strict = domain.lower
        bounds = tuple(
            ((Fraction(bound).numerator, Fraction(bound).denominator), is_lo, s)
            for bound, is_lo, s in ((lo, True, strict), (domain.hi, False, False))
            if bound is not None
        )
        integer = domain.kind == "integer"
        return cls(dependent, alpha, beta, alpha_fixed, beta_fixed, integer, bounds)

    @property
    def fixed(self) -> bool:
        """Whether the coefficients depend on no draw."""
        return self.alpha_fixed and self.beta_fixed


@dataclass
class Free:
    """A free quantity, drawn as ``step * k`` for a whole ``k`` in ``[kmin, kmax]``."""

    name: str
    step: Exact
    kmin: int
    kmax: int
    constraints: list[Constraint] = field(default_factory=list)


def crt(r1: int, m1: int, r2: int, m2: int) -> tuple[int, int] | None:
    """Combine k ≡ r1 (mod m1) and k ≡ r2 (mod m2); None when incompatible.

    >>> crt(0, 4, 3, 5), crt(0, 4, 1, 6)
    ((8, 20), None)
    """
    g = math.gcd(m1, m2)
    if (r2 - r1) % g:
        return None
    lcm = m1 // g * m2
    t = ((r2 - r1) // g * pow(m1 // g, -1, m2 // g)) % (m2 // g) if m2 // g > 1 else 0
    return (r1 + m1 * t) % lcm, lcm


def residue(an: int, ad: int, bn: int, bd: int) -> tuple[int, int] | None:
    """The class (r, m) of the k making ``an/ad * k + bn/bd`` whole; None when none does.

    >>> residue(1, 5, -3, 5), residue(2, 4, 1, 4)  # (k - 3)/5; k/2 + 1/4
    ((3, 5), None)
    """
    # a*k + b ≡ 0 (mod 1), both sides times the common denominator
    lcm = ad // math.gcd(ad, bd) * bd
    ai, ci = an * (lcm // ad) % lcm, -bn * (lcm // bd) % lcm
    g = math.gcd(ai, lcm)
    if ci % g:
        return None
    mod = lcm // g
    return (ci // g) * pow(ai // g, -1, mod) % mod if mod > 1 else 0, mod


def build_draw(drawn: Sequence[Free], em: Emitter, local: Mapping[str, str]) -> DrawFunction:
    """The draw function for the free quantities ``drawn``, in that order.

    ``em`` emitted the constraints' coefficients, naming free quantity ``n`` by
    ``local[n]``; its hoisted constants are the function's globals.
    """
    writer = _Writer(em)
    # the coefficients in no draw, all worked out first: an error other than an
    # undefined value comes from building the sampler, whichever draw meets it first
    fixed = [[writer.coefficients(f, c) if c.fixed else None for c in f.constraints] for f in drawn]
    for f, coefficients in zip(drawn, fixed, strict=True):
        if not writer.free(f, local[f.name], coefficients):
            break  # this draw always fails here: nothing after it runs
    else:
        items = "".join(f"{f.name!r}: {local[f.name]}, " for f in drawn)
        writer.lines.append(f"return {{{items}}}")
    fn: DrawFunction = build("_draw", ["getrandbits"], writer.lines, em.consts, _HELPERS)
    return fn


_UNDEFINED = (ArithmeticError, ValueError)  # what coefficients raise where they are undefined

_HELPERS: dict[str, Any] = {"_crt": crt, "_residue": residue, "_UNDEFINED": _UNDEFINED}


def _split(x: str) -> list[str]:
    """Lines setting ``xn``, ``xd``: numerator and denominator of the exact ``x``."""
    return [
        f"if type({x}) is int:",
        f"    {x}n = {x}",
        f"    {x}d = 1",
        "else:",
        f"    {x}n = {x}.numerator",
        f"    {x}d = {x}.denominator",
    ]


def _bound(bound: Bound, an: str | int, ad: str | int, sign: int | None) -> list[str]:
    """Lines narrowing ``kmin``/``kmax`` so that ``a*k + b`` keeps within ``bound``.

    ``an``, ``ad`` (numerator and denominator of ``a``: names, or numbers when ``a``
    is fixed, ``sign`` then its sign) and ``bn``, ``bd`` are exact integers.
    """
    (gn, gd), is_lo, strict = bound
    # a*k + b >= g  <=>  k >= (g - b) / a  when a > 0; (g - b) / a floored exactly
    b = "bn" if gd == 1 else f"bn * {gd}"
    g_minus_b = f"{gn} * bd - {b}" if gn else f"-{b}"
    num = g_minus_b if ad == 1 else f"({g_minus_b}) * {ad}"
    den = " * ".join(str(x) for x in (gd, "bd", an) if x != 1)
    raise_kmin = (["low += 1"] if strict else ["if rest:", "    low += 1"]) + [
        "if low > kmin:",
        "    kmin = low",
    ]
    lower_kmax = (["if not rest:", "    low -= 1"] if strict else []) + [
        "if low < kmax:",
        "    kmax = low",
    ]
    positive, negative = (raise_kmin, lower_kmax) if is_lo else (lower_kmax, raise_kmin)
    lines = [f"low, rest = divmod({num}, {den})"]
    if sign is None:
        return [*lines, "if an > 0:", *_indent(positive), "else:", *_indent(negative)]
    return [*lines, *(positive if sign > 0 else negative)]


def _indent(lines: list[str]) -> list[str]:
    return [f"    {line}" for line in lines]


class _Writer:
    """Writes the draw function line by line, running its constant parts once."""

    def __init__(self, em: Emitter) -> None:
        self.em = em
        self.lines: list[str] = []
        # in the draw being written, the coefficients (alpha, beta) the locals a, b hold,
        # whether an, ad, bn, bd hold their parts and whether their residue class is in
        # (r, m): two dependents often share coefficients (``final = after3``)
        self.held: tuple[str, str] | None = None
        self.split = self.whole = False

    def once(self, lines: list[str], result: str) -> Any:
        """Run ``lines`` now (with the emitted constants in scope) and return ``result``."""
        return build("_once", [], [*lines, f"return {result}"], self.em.consts, _HELPERS)()

    def coefficient_lines(self, f: Free, c: Constraint) -> list[str]:
        """Lines setting ``a = alpha * step`` and ``b = beta``."""
        scale = "" if f.step == 1 else f" * {self.em.const(Fraction(f.step))}"
        return [f"a = ({c.alpha}){scale}", f"b = {c.beta}"]

    def coefficients(self, f: Free, c: Constraint) -> tuple[Exact, Exact] | str:
        """``(a, b)`` of a fixed constraint, or the reason they are undefined."""
        try:
            ab: tuple[Exact, Exact] = self.once(self.coefficient_lines(f, c), "a, b")
        except _UNDEFINED:
            return _undefined(f, c)
        return ab

    def slope(self, f: Free, c: Constraint) -> Exact | None:
        """``a`` when it is fixed and defined, else None (then worked out per draw, which
        meets any error it raises)."""
        if not c.alpha_fixed:
            return None
        try:
            a: Exact = self.once(self.coefficient_lines(f, c)[:1], "a")
        except Exception:  # whatever it is, each draw meets it again
            return None
        return a

    def free(self, f: Free, var: str, fixed: Sequence[Fixed]) -> bool:
        """Write the draw of ``f`` into ``var``; False when it always fails (and returns).

        ``fixed`` holds the coefficients of each fixed constraint (else None).
        """
        out = self.lines
        out.append(f"# draw {f.name!r}")
        self.held = None
        # the bounds of fixed constraints hold whatever is drawn: narrow [kmin, kmax] now
        narrow = [
            line
            for ab, c in zip(fixed, f.constraints, strict=True)
            if isinstance(ab, tuple) and ab[0] != 0
            for line in [
                _parts_line(ab),
                *(ln for b in c.bounds for ln in _bound(b, "an", "ad", None)),
            ]
        ]
        kmin, kmax = f.kmin, f.kmax
        if narrow:
            kmin, kmax = self.once([f"kmin, kmax = {kmin}, {kmax}", *narrow], "kmin, kmax")
        varying_bounds = any(not c.fixed and c.bounds for c in f.constraints)
        if varying_bounds:
            out.append(f"kmin, kmax = {kmin}, {kmax}")
        rm: tuple[int, int] | None = (0, 1)  # the residue class of k while it is fixed
        for ab, c in zip(fixed, f.constraints, strict=True):
            if ab is None:
                if c.integer and rm is not None:
                    out.append(f"r, m = {rm[0]}, {rm[1]}")
                out.extend(self.varying(f, c, rm, self.slope(f, c)))
                if c.integer:
                    rm = None
                continue
            if isinstance(ab, str):
                out.append(f"return {ab!r}")
                return False
            (an, ad), (bn, bd) = _parts(ab[0]), _parts(ab[1])
            if an == 0 or not c.integer or (ad == 1 and bd == 1):
                continue
            got = residue(an, ad, bn, bd)
            if got is None:
                out.append(f"return {_not_whole(f, c)!r}")
                return False
            if rm is None:
                out.extend(_combine(f, f"{got[0]}, {got[1]}"))
                continue
            rm = crt(*rm, *got)
            if rm is None:
                out.append(f"return {_incompatible(f)!r}")
                return False
        return self.pick(f, var, rm, None if varying_bounds else (kmin, kmax))

    def varying(
        self, f: Free, c: Constraint, rm: tuple[int, int] | None, a: Exact | None
    ) -> list[str]:
        """Lines applying a constraint whose coefficients depend on earlier draws
        (``a``: the first when it does not, else None).

        Coefficients the locals hold already are not worked out again: they are
        defined (else the draw returned), and their residue class is in (r, m).
        """
        lines: list[str] = []
        if (c.alpha, c.beta) != self.held:
            self.held, self.split, self.whole = (c.alpha, c.beta), False, False
            lines = [
                "try:",
                *_indent(self.coefficient_lines(f, c)[a is not None :]),
                "except _UNDEFINED:",
                f"    return {_undefined(f, c)!r}",
            ]
        if not (c.integer or c.bounds) or a == 0:
            return lines
        an: str | int
        ad: str | int
        if a is None:
            an, ad, sign, fractional = "an", "ad", None, "ad != 1 or bd != 1"
            parts = [*_split("a"), *_split("b")]
        else:
            (an, ad), parts = _parts(a), _split("b")
            sign, fractional = (1 if an > 0 else -1), ("" if ad != 1 else "bd != 1")
        body = [] if self.split else parts
        self.split = True
        if c.integer and not self.whole:
            self.whole = True
            # from a fixed class (0, 1) the combined class is the dependent's own
            combine = ["r, m = rm"] if rm == (0, 1) else _combine(f, "*rm")
            whole = [
                f"rm = _residue({an}, {ad}, bn, bd)",
                "if rm is None:",
                f"    return {_not_whole(f, c)!r}",
                *combine,
            ]
            body += [f"if {fractional}:", *_indent(whole)] if fractional else whole
        for b in c.bounds:
            body += _bound(b, an, ad, sign)
        return [*lines, "if a != 0:", *_indent(body)] if a is None else [*lines, *body]

    def pick(
        self, f: Free, var: str, rm: tuple[int, int] | None, span: tuple[int, int] | None
    ) -> bool:
        """Lines drawing ``k`` in the admissible range and setting ``var = step * k``."""
        kmin, kmax = ("kmin", "kmax") if span is None else span
        r, m = ("r", "m") if rm is None else rm
        first = f"{kmin}" if m == 1 else f"{kmin} + ({r} - {kmin}) % {m}"
        count = f"{kmax} - first + 1" if m == 1 else f"({kmax} - first) // {m} + 1"
        if span is not None and rm is not None:
            first, count = self.once([f"first = {first}", f"count = {count}"], "first, count")
            if count <= 0:
                self.lines.append(f"return {_inadmissible(f)!r}")
                return False
        else:
            self.lines += [f"first = {first}", f"count = {count}"]
            first, count = "first", "count"
            self.lines += ["if count <= 0:", f"    return {_inadmissible(f)!r}"]
        # a uniform whole below count (> 0 here), as gramgen.derive.below draws it
        if isinstance(count, int):
            bits = str(count.bit_length())
        else:
            self.lines.append(f"bits = {count}.bit_length()")
            bits = "bits"
        self.lines += [
            f"u = getrandbits({bits})",
            f"while u >= {count}:",
            f"    u = getrandbits({bits})",
        ]
        k = f"{first} + {'' if m == 1 else f'{m} * '}u"
        step = f.step
        if type(step) is int:
            self.lines.append(f"{var} = {k}" if step == 1 else f"{var} = {step} * ({k})")
        else:  # step * k, an int when whole
            p, q = step.numerator, step.denominator
            self.lines += [
                f"t = {k}" if p == 1 else f"t = {p} * ({k})",
                f"{var} = t // {q} if t % {q} == 0 else Fraction(t, {q})",
            ]
        return True


def _parts(x: Exact) -> tuple[int, int]:
    return (x, 1) if type(x) is int else (x.numerator, x.denominator)


def _parts_line(ab: tuple[Exact, Exact]) -> str:
    """A line setting ``an, ad, bn, bd`` to the parts of fixed coefficients."""
    (an, ad), (bn, bd) = _parts(ab[0]), _parts(ab[1])
    return f"an, ad, bn, bd = {an}, {ad}, {bn}, {bd}"


def _combine(f: Free, got: str) -> list[str]:
    """Lines narrowing the class (r, m) of k by the class ``got``."""
    return [
        f"rm = _crt(r, m, {got})",
        "if rm is None:",
        f"    return {_incompatible(f)!r}",
        "r, m = rm",
    ]


def _undefined(f: Free, c: Constraint) -> str:
    return f"{c.dependent} undefined while drawing {f.name}"


def _not_whole(f: Free, c: Constraint) -> str:
    return f"no {f.name} makes {c.dependent} whole"


def _incompatible(f: Free) -> str:
    return f"incompatible divisibility for {f.name}"


def _inadmissible(f: Free) -> str:
    return f"no admissible value for {f.name}"
