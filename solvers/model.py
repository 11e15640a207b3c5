"""The problem model: domains of quantities and a problem (relations, knowns, unknowns)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import sympy  # type: ignore[import-untyped, unused-ignore]

from gramgen.errors import InvalidArgument  # type: ignore[import-not-found, unused-ignore]

from .exact import Exact, Value, as_exact, fmt
from .relations import Relation, parse_relation, valid_name
from .verdict import VERIFIED, Check

if TYPE_CHECKING:
    from .skeleton import Instance, Skeleton

__all__ = [
    "INTEGER",
    "NONNEGATIVE",
    "POSITIVE",
    "POSITIVE_RATIONAL",
    "POSITIVE_WHOLE",
    "PROBABILITY",
    "RATIONAL",
    "REAL",
    "WHOLE",
    "Domain",
    "Kind",
    "Problem",
    "validate_structure",
]

Kind = Literal["integer", "rational", "real"]
_KINDS = ("integer", "rational", "real")


def _bound(value: object, what: str) -> Fraction | None:
    if value is None:
        return None
    return Fraction(as_exact(value, what))


@dataclass(frozen=True)
class Domain:
    """Where a quantity may live: a kind, optional inclusive bounds and sign flags.

    >>> POSITIVE_WHOLE.contains(3), POSITIVE_WHOLE.contains(Fraction(5, 2))
    (True, False)
    """

    kind: Kind = "real"
    lo: Fraction | None = None
    hi: Fraction | None = None
    positive: bool = False
    nonnegative: bool = False

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise InvalidArgument(f"Domain kind must be one of {_KINDS}, got {self.kind!r}")
        object.__setattr__(self, "lo", _bound(self.lo, "Domain lo"))
        object.__setattr__(self, "hi", _bound(self.hi, "Domain hi"))
        if self.lo is not None and self.hi is not None and self.lo > self.hi:
            raise InvalidArgument(f"Domain lo must be <= hi, got lo={self.lo} hi={self.hi}")

    @staticmethod
    def between(lo: Exact, hi: Exact, kind: Kind = "integer") -> Domain:
        """Inclusive range ``[lo, hi]`` of the given kind.

        >>> Domain.between(1, 10).contains(10)
        True
        """
        return Domain(kind=kind, lo=Fraction(lo), hi=Fraction(hi))

    @property
    def lower(self) -> tuple[Fraction | None, bool]:
        """The effective lower bound and whether it is strict (``positive``)."""
        candidates: list[tuple[Fraction, bool]] = []
        if self.lo is not None:
            candidates.append((self.lo, False))
        if self.positive:
            candidates.append((Fraction(0), True))
        if self.nonnegative:
            candidates.append((Fraction(0), False))
        if not candidates:
            return None, False
        return max(candidates, key=lambda c: (c[0], c[1]))

    def describe(self) -> str:
        """Words for the domain: 'a positive whole number', 'an integer between 1 and 9'."""
        noun = {"integer": "integer", "rational": "rational number", "real": "number"}[self.kind]
        lo, strict = self.lower
        if self.kind == "integer" and lo == 0:
            text = "a positive whole number" if strict else "a whole number"
            lo = None
        elif self.positive:
            text = f"a positive {noun}"
            lo = None if lo == 0 else lo
        elif self.nonnegative and lo == 0:
            text = f"a non-negative {noun}"
            lo = None
        else:
            text = f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"
        if lo is not None and self.hi is not None:
            return f"{text} between {fmt(lo)} and {fmt(self.hi)}"
        if lo is not None:
            return f"{text} >= {fmt(lo)}"
        if self.hi is not None:
            return f"{text} <= {fmt(self.hi)}"
        return text

    def check(self, value: Value, name: str = "value") -> Check:
        """Three-valued membership: VERIFIED, REFUTED (reason names the value) or INCONCLUSIVE."""
        if type(value) is int or type(value) is Fraction:
            return VERIFIED if self._contains_rational(value) else self._refute(name, value)
        expr = value if isinstance(value, sympy.Basic) else sympy.sympify(value)
        if isinstance(expr, sympy.Rational):
            q = Fraction(int(expr.p), int(expr.q))
            return VERIFIED if self._contains_rational(q) else self._refute(name, q)
        facts = [expr.is_real]
        if self.kind == "integer":
            facts.append(expr.is_integer)
        elif self.kind == "rational":
            facts.append(expr.is_rational)
        lo, strict = self.lower
        if lo is not None:
            diff = expr - sympy.Rational(lo.numerator, lo.denominator)
            facts.append(diff.is_positive if strict else diff.is_nonnegative)
        if self.hi is not None:
            facts.append(
                (sympy.Rational(self.hi.numerator, self.hi.denominator) - expr).is_nonnegative
            )
        if any(f is False for f in facts):
            return self._refute(name, expr)
        if all(f is True for f in facts):
            return VERIFIED
        return Check.inconclusive(
            f"cannot decide whether {name} = {fmt(expr)} is {self.describe()}"
        )

    def contains(self, value: Value) -> bool:
        """True only when membership is established (inconclusive counts as False)."""
        return self.check(value).ok

    def _contains_rational(self, v: Exact) -> bool:
        if self.kind == "integer" and v.denominator != 1:
            return False
        if self.positive and not v > 0:
            return False
        if self.nonnegative and not v >= 0:
            return False
        if self.lo is not None and v < self.lo:
            return False
        return not (self.hi is not None and v > self.hi)

    def _refute(self, name: str, value: Value) -> Check:
        return Check.refuted(f"{name} = {fmt(value)} is not {self.describe()}")


REAL = Domain("real")
RATIONAL = Domain("rational")
INTEGER = Domain("integer")
WHOLE = Domain("integer", nonnegative=True)
POSITIVE_WHOLE = Domain("integer", positive=True)
POSITIVE = Domain("real", positive=True)
NONNEGATIVE = Domain("real", nonnegative=True)
POSITIVE_RATIONAL = Domain("rational", positive=True)
PROBABILITY = Domain("real", lo=Fraction(0), hi=Fraction(1))


def validate_structure(
    relations: Sequence[str],
    known_names: Iterable[str],
    unknowns: Sequence[str],
    domains: Mapping[str, Domain],
) -> tuple[Relation, ...]:
    """Parse the relations and check that every name is declared exactly once."""
    if isinstance(relations, str) or not isinstance(relations, Sequence):
        raise InvalidArgument(f"relations must be a sequence of str, got {relations!r}")
    if not relations:
        raise InvalidArgument("relations must not be empty")
    known = list(known_names)
    if isinstance(unknowns, str):
        raise InvalidArgument(f"unknowns must be a sequence of names, got the str {unknowns!r}")
    unknown = list(unknowns)
    for name in [*known, *unknown]:
        if not valid_name(name):
            raise InvalidArgument(
                f"quantity name {name!r} is not usable: it must be an identifier, not a keyword, "
                "not start with '_' and not be a function name such as 'sqrt'"
            )
    if len(set(unknown)) != len(unknown):
        raise InvalidArgument(f"unknowns has duplicates: {unknown}")
    both = sorted(set(known) & set(unknown))
    if both:
        raise InvalidArgument(f"{both} declared both known and unknown")
    if not unknown:
        raise InvalidArgument("unknowns must name at least one quantity")
    declared = set(known) | set(unknown)
    parsed = tuple(parse_relation(text, i) for i, text in enumerate(relations, 1))
    for i, rel in enumerate(parsed, 1):
        stray = sorted(rel.names - declared)
        if stray:
            raise InvalidArgument(
                f"relation {i} {rel.text!r} uses {', '.join(map(repr, stray))}, which is "
                f"neither a known ({sorted(known)}) nor an unknown ({unknown})"
            )
    for name, dom in domains.items():
        if name not in declared:
            raise InvalidArgument(f"domain given for {name!r}, which is neither known nor unknown")
        if not isinstance(dom, Domain):
            raise InvalidArgument(f"domain of {name!r} must be a Domain, got {dom!r}")
    return parsed


@dataclass(frozen=True, kw_only=True)
class Problem:
    """A math problem: relations over named quantities, known values and the asked unknown.

    >>> p = Problem(relations=("total = a + b",), knowns={"a": 3, "b": 4},
    ...             unknowns=("total",), answer="total")
    >>> p.solve().values["total"]
    7
    """

    relations: tuple[str, ...]
    knowns: Mapping[str, Exact]
    unknowns: tuple[str, ...]
    answer: str
    domains: Mapping[str, Domain] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.relations, str):
            raise InvalidArgument(
                f"relations must be a tuple of str, got the single str {self.relations!r}"
            )
        object.__setattr__(self, "relations", tuple(self.relations))
        object.__setattr__(self, "unknowns", tuple(self.unknowns))
        if not isinstance(self.knowns, Mapping):
            raise InvalidArgument(f"knowns must be a mapping name -> value, got {self.knowns!r}")
        if not isinstance(self.domains, Mapping):
            raise InvalidArgument(f"domains must be a mapping name -> Domain, got {self.domains!r}")
        knowns = {k: as_exact(v, f"known {k!r}") for k, v in self.knowns.items()}
        object.__setattr__(self, "knowns", MappingProxyType(knowns))
        object.__setattr__(self, "domains", MappingProxyType(dict(self.domains)))
        validate_structure(self.relations, knowns, self.unknowns, self.domains)
        if self.answer not in self.unknowns:
            raise InvalidArgument(
                f"answer {self.answer!r} must be one of the unknowns {list(self.unknowns)}"
            )

    def __hash__(self) -> int:
        return hash(
            (
                self.relations,
                tuple(sorted(self.knowns.items())),
                self.unknowns,
                self.answer,
                tuple(sorted(self.domains.items())),
            )
        )

    def skeleton(self) -> Skeleton:
        """The cached skeleton of this problem (same relations, any numbers)."""
        from .skeleton import Skeleton

        return Skeleton.of(self.relations, self.knowns, self.unknowns, self.domains)

    def solve(self) -> Instance:
        """Solve and verify exactly: ``problem.solve().check.ok``, ``.values[name]``."""
        return self.skeleton().instantiate(self.knowns)

    def check(self) -> Check:
        """The verdict on this problem being well-posed (exactly one solution in domain)."""
        return self.solve().check

    def answer_value(self) -> Value:
        """The verified answer; raises InvalidArgument with the reason if not verified."""
        inst = self.solve()
        if not inst.check.ok:
            raise InvalidArgument(f"problem has no verified answer: {inst.check}")
        return inst.values[self.answer]

    def with_knowns(self, knowns: Mapping[str, Exact]) -> Problem:
        """The same problem with other numbers."""
        return Problem(
            relations=self.relations,
            knowns=knowns,
            unknowns=self.unknowns,
            answer=self.answer,
            domains=self.domains,
        )
