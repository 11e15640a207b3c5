"""gramgen.solvers: exact solving and verification of math word problems.

Solve once, verify every time: a problem *skeleton* (relations without numbers)
is solved symbolically once with sympy, compiled to Python over ``Fraction``, and
each instance is then computed and checked exactly (substitute back, domains,
uniqueness). Verdicts are three-valued: VERIFIED, REFUTED, INCONCLUSIVE.

>>> from fractions import Fraction
>>> from gramgen.solvers import Problem, WHOLE
>>> p = Problem(relations=("total = price * n", "change = paid - total"),
...             knowns={"price": Fraction(5, 2), "n": 4, "paid": 20},
...             unknowns=("total", "change"), answer="change", domains={"change": WHOLE})
>>> inst = p.solve()
>>> inst.check.ok, inst.values["change"]
(True, 10)

Main entry points:

* ``Problem`` / ``Domain`` (``model``): the problem model;
* ``Skeleton.of(...)`` and ``Skeleton.instantiate(knowns)`` (``skeleton``): the fast path;
* ``audit(problem, claimed)`` (``audit``): independent per-instance sympy re-solve;
* ``Sampler`` (``construct``): draw instances with constraints met by construction;
* ``convert`` / ``parse_unit`` (``units``): exact unit conversion;
* ``parse_answer`` / ``grade`` (``answers``): read and grade external answers;
* ``solution_steps`` / ``trace_from_steps`` / ``sympy_trace`` / ``check_solution``
  (``solution``): worked steps and executable traces that must agree.
"""

from __future__ import annotations

from .answers import AnswerNotFound, ParsedAnswer, grade, parse_answer
from .audit import Audit, audit, audit_solve, check_candidate, same_value
from .construct import AcceptanceStats, GenerationCollapsed, Sample, Sampler
from .exact import Exact, Value
from .model import (
    INTEGER,
    NONNEGATIVE,
    POSITIVE,
    POSITIVE_RATIONAL,
    POSITIVE_WHOLE,
    PROBABILITY,
    RATIONAL,
    REAL,
    WHOLE,
    Domain,
    Problem,
)
from .relations import Relation, parse_relation
from .sandbox import TraceError, UnsafeTrace, eval_expression, run_trace
from .skeleton import Candidate, Instance, Skeleton
from .solution import (
    Step,
    check_solution,
    python_expression,
    run_sympy_trace,
    solution_steps,
    sympy_trace,
    trace_from_steps,
)
from .units import Unit, convert, parse_unit
from .verdict import Check, Verdict

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
    "AcceptanceStats",
    "AnswerNotFound",
    "Audit",
    "Candidate",
    "Check",
    "Domain",
    "Exact",
    "GenerationCollapsed",
    "Instance",
    "ParsedAnswer",
    "Problem",
    "Relation",
    "Sample",
    "Sampler",
    "Skeleton",
    "Step",
    "TraceError",
    "Unit",
    "UnsafeTrace",
    "Value",
    "Verdict",
    "audit",
    "audit_solve",
    "check_candidate",
    "check_solution",
    "convert",
    "eval_expression",
    "grade",
    "parse_answer",
    "parse_relation",
    "parse_unit",
    "python_expression",
    "run_sympy_trace",
    "run_trace",
    "same_value",
    "solution_steps",
    "sympy_trace",
    "trace_from_steps",
]
