"""Results of instantiating a skeleton: instances, candidates and their pieces."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import sympy  # type: ignore[import-untyped, unused-ignore]

from .exact import Exact, Value, fmt
from .verdict import Check

__all__ = ["Branch", "Candidate", "Definition", "Failure", "Instance", "assign", "rank"]


@dataclass(frozen=True)
class Candidate:
    """One solution candidate with its own verdict (domains, residuals)."""

    values: Mapping[str, Value]
    branch: int | None
    check: Check


@dataclass(slots=True)  # (not frozen: a frozen dataclass's __init__ sets each field
class Instance:  # through object.__setattr__, ~0.7 µs more for every problem made)
    """A skeleton with numbers: the unknowns' exact values and the verdict.

    ``values`` holds every unknown when the check is VERIFIED (else it is empty and
    ``candidates`` tells what was tried). ``branch`` is the solution branch that
    survived (for a quadratic: the chosen root, 0 for the '-' root, 1 for '+').
    """

    knowns: Mapping[str, Exact]
    values: Mapping[str, Value]
    check: Check
    branch: int | None = None
    candidates: tuple[Candidate, ...] = ()

    @property
    def ok(self) -> bool:
        """True only when VERIFIED."""
        return self.check.ok

    def __getitem__(self, name: str) -> Value:
        return self.values[name]


@dataclass(frozen=True)
class Definition:
    """An unknown defined explicitly by one relation: ``unknown = expr``."""

    unknown: str
    expr: sympy.Expr
    relation: int
    fn: Callable[..., Any] | None


@dataclass(frozen=True)
class Branch:
    """One symbolic solution of the core unknowns in terms of the knowns."""

    index: int
    exprs: Mapping[str, sympy.Expr]
    fn: Callable[..., Any] | None
    symbolic: bool


@dataclass(frozen=True)
class Failure:
    kind: Literal["zerodiv", "notreal", "toolarge", "error"]
    message: str


def assign(values: Mapping[str, Value]) -> str:
    parts = [f"{k}={fmt(v)}" for k, v in values.items()]
    return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def rank(rows: list[list[Fraction]]) -> int:
    """Rank of a small rational matrix by exact Gaussian elimination."""
    m = [list(r) for r in rows]
    rank = 0
    for col in range(len(m[0]) if m else 0):
        pivot = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][col] != 0:
                f = m[i][col] / m[rank][col]
                m[i] = [a - f * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank
