"""Step-by-step solutions and executable traces that must agree with the answer.

* ``Step``: one line of a worked solution, possibly carrying GSM8K-style
  calculator annotations ``<<5+3=8>>``, its expression and stated value;
* a *trace*: a tiny exact program (``a = 5``, ``answer = a * b``) run by
  ``run_trace`` in a sandbox (see ``sandbox``);
* a *sympy trace*: a small sympy script that solves the relations and prints the
  answer, run by ``run_sympy_trace`` in a restricted namespace.

``check_solution`` demands that all of them agree exactly. ``solution_steps``,
``trace_from_steps`` and ``sympy_trace`` produce all three from a ``Problem``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy  # type: ignore[import-untyped, unused-ignore]
from sympy.printing.str import StrPrinter  # type: ignore[import-untyped, unused-ignore]

from gramgen.errors import InvalidArgument  # type: ignore[import-not-found, unused-ignore]

from .audit import same_value
from .exact import Exact, Value, as_exact, fmt, from_sympy, is_rational_value
from .model import Problem
from .relations import parse_relation, valid_name
from .sandbox import _SYMPY_NAMES, TraceError, eval_expression, run_sympy_source, run_trace
from .verdict import VERIFIED, Check

__all__ = [
    "Step",
    "check_solution",
    "python_expression",
    "run_sympy_trace",
    "solution_steps",
    "sympy_trace",
    "trace_from_steps",
]

_ANNOTATION = re.compile(r"<<([^<>=]+)=([^<>]+)>>")
_TRACE_FUNCS = {
    "binomial": "math.comb",
    "factorial": "math.factorial",
    "Abs": "abs",
    "Min": "min",
    "Max": "max",
    "floor": "math.floor",
    "ceiling": "math.ceil",
}
_SCRIPT_NAMES = set(_SYMPY_NAMES) | {"relations", "solutions", "answer", "print", "len"}


@dataclass(frozen=True)
class Step:
    """One solution step: text (may hold ``<<expr=value>>``), its expression and value.

    ``expr`` is a trace expression that may use the names of earlier named steps.

    >>> Step("48/2 = <<48/2=24>>24 clips in May", "48/2", 24, "may").value
    24
    """

    text: str
    expr: str
    value: Exact
    name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", as_exact(self.value, "Step value"))
        if self.name is not None and not valid_name(self.name):
            raise InvalidArgument(f"Step name {self.name!r} must be a plain identifier")


class _NoTrace(Exception):
    pass


class _Printer(StrPrinter):  # type: ignore[misc, unused-ignore]
    """sympy -> trace syntax (``mode='trace'``) or sympy script syntax (``'sympy'``)."""

    def __init__(self, names: Mapping[str, str], mode: str) -> None:
        super().__init__()
        self.names, self.mode = names, mode

    def _print_Symbol(self, expr: Any) -> str:
        return self.names.get(expr.name, expr.name)

    def _print_Rational(self, expr: Any) -> str:
        if self.mode == "sympy":
            return f"Rational({expr.p}, {expr.q})"
        return f"{expr.p}/{expr.q}"

    def _fn(self, name: str, expr: Any) -> str:
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    def _print_Function(self, expr: Any) -> str:
        if self.mode == "sympy":
            return str(super()._print_Function(expr))
        name = type(expr).__name__
        if name not in _TRACE_FUNCS:
            raise _NoTrace(name)
        return self._fn(_TRACE_FUNCS[name], expr)

    _print_binomial = _print_factorial = _print_Abs = _print_Function
    _print_Min = _print_Max = _print_floor = _print_ceiling = _print_Function

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        if self.mode == "trace" and not expr.exp.is_Integer:
            raise _NoTrace("a non-integer power")
        return str(super()._print_Pow(expr, rational))

    def emptyPrinter(self, expr: Any) -> str:
        if self.mode == "trace":
            raise _NoTrace(type(expr).__name__)
        return str(super().emptyPrinter(expr))

    def _print_Pi(self, expr: Any) -> str:
        if self.mode == "trace":
            raise _NoTrace("pi")
        return "pi"


def _trace_text(expr: sympy.Expr, names: Mapping[str, str]) -> str | None:
    try:
        return str(_Printer(names, "trace").doprint(expr))
    except _NoTrace:
        return None


class _PythonPrinter(_Printer):
    """Trace syntax that stays exact in plain Python: rationals as ``Fraction(p, q)``."""

    def _print_Rational(self, expr: Any) -> str:
        return f"Fraction({expr.p}, {expr.q})"


def python_expression(expr: sympy.Expr) -> str | None:
    """``expr`` as a Python expression over ``Fraction`` values that a trace may use
    (``math.floor``, ``math.ceil``, ``min``, ``max``, ``abs``, ``math.comb``, ...);
    None when it has no such form (a non-integer power, pi).

    Every name holds a ``Fraction``, so ``3*x/4`` divides a Fraction: exact.

    >>> x, y = sympy.symbols("x y")
    >>> python_expression(sympy.Rational(3, 4) * x + sympy.ceiling(y) + sympy.Rational(1, 2))
    '3*x/4 + math.ceil(y) + Fraction(1, 2)'
    """
    try:
        return str(_PythonPrinter({}, "trace").doprint(expr))
    except _NoTrace:
        return None


def _literal(v: Exact) -> str:
    f = Fraction(v)
    return str(f.numerator) if f.denominator == 1 else f"Fraction({f.numerator}, {f.denominator})"


def solution_steps(problem: Problem) -> list[Step]:
    """Worked steps for a verified problem with a rational answer: givens, then each
    computed quantity with a ``<<numbers=value>>`` annotation, then the answer.

    >>> p = Problem(relations=("total = a * b",), knowns={"a": 3, "b": 4},
    ...             unknowns=("total",), answer="total")
    >>> solution_steps(p)[-1].text
    'total = a*b = 3*4 = <<3*4=12>>12'
    """
    inst = problem.solve()
    if not inst.check.ok:
        raise InvalidArgument(f"cannot write steps for an unverified problem: {inst.check}")
    values: dict[str, Value] = {**problem.knowns, **inst.values}
    if not all(is_rational_value(v) for v in values.values()):
        raise InvalidArgument("steps need rational values; this problem has an irrational one")
    exact = {k: as_exact(v, k) for k, v in values.items()}
    sk = problem.skeleton()
    shown = {k: f"({fmt(v)})" if v < 0 or Fraction(v).denominator != 1 else fmt(v)
             for k, v in exact.items()}  # fmt: skip
    steps = [Step(f"{k} = {fmt(v)}", _literal(v), v, k) for k, v in problem.knowns.items()]

    def step(name: str, expr: sympy.Expr | None, why: str) -> Step:
        v = exact[name]
        text = _trace_text(expr, {}) if expr is not None else None
        numbers = _trace_text(expr, shown) if expr is not None else None
        if text is None or numbers is None:
            return Step(f"{name} = {fmt(v)}{why}", _literal(v), v, name)
        return Step(f"{name} = {text} = {numbers} = <<{numbers}={fmt(v)}>>{fmt(v)}{why}",
                    text, v, name)  # fmt: skip

    rels = "; ".join(r.text for r in sk.relations)
    for u in sk.core:
        if sk.strategy == "linear":
            steps.append(step(u, sk.branches[0].exprs[u], f" (solving {rels})"))
        else:
            dom = problem.domains.get(u)
            why = f", the solution of {rels}" + (f" that is {dom.describe()}" if dom else "")
            steps.append(step(u, None, why))
    for d in sk.definitions:
        steps.append(step(d.unknown, d.expr, ""))
    if steps[-1].name != problem.answer:
        v = exact[problem.answer]
        steps.append(Step(f"The answer is {problem.answer} = {fmt(v)}.", problem.answer, v))
    return steps


def trace_from_steps(steps: Sequence[Step], *, answer: str | None = None) -> str:
    """A trace program computing each named step, ending with ``answer = ...``.

    >>> trace_from_steps([Step("a = 5", "5", 5, "a"), Step("b = 2a", "2*a", 10, "b")])
    'from fractions import Fraction\\nimport math\\n\\na = 5\\nb = 2*a\\nanswer = b\\n'
    """
    if not steps:
        raise InvalidArgument("trace_from_steps needs at least one step")
    lines = ["from fractions import Fraction", "import math", ""]
    last = ""
    for i, st in enumerate(steps, 1):
        last = _unclash(st.name or f"step{i}")
        lines.append(f"{last} = {_rename_answer(st.expr)}")
    lines.append(f"answer = {_unclash(answer) if answer else last}")
    return "\n".join(lines) + "\n"


def _unclash(name: str) -> str:
    """In a trace ``answer`` is the final answer: a quantity so named becomes ``answer_q``."""
    return "answer_q" if name == "answer" else name


def _rename_answer(expr: str) -> str:
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        return expr
    if not any(isinstance(n, ast.Name) and n.id == "answer" for n in ast.walk(tree)):
        return expr
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and n.id == "answer":
            n.id = "answer_q"
    return ast.unparse(tree)


def sympy_trace(problem: Problem) -> str:
    """A standalone sympy script that solves the relations and prints the answer.

    >>> p = Problem(relations=("2*x = a",), knowns={"a": 7}, unknowns=("x",), answer="x")
    >>> run_sympy_trace(sympy_trace(p))
    Fraction(7, 2)
    """
    var = {n: f"{n}_q" if n in _SCRIPT_NAMES else n for n in (*problem.knowns, *problem.unknowns)}
    printer = _Printer(var, "sympy")
    names = ", ".join(sorted(_SYMPY_NAMES))
    lines = [f"from sympy import {names}", ""]
    for k, v in problem.knowns.items():
        f = Fraction(v)
        lit = f"Rational({f.numerator}, {f.denominator})"
        if f.denominator == 1:
            lit = f"Integer({f.numerator})"
        lines.append(f"{var[k]} = {lit}")
    unk = list(problem.unknowns)
    targets, spec = ", ".join(var[u] for u in unk), ", ".join(unk) + ","
    lines.append(f"{targets}, = symbols({spec!r}, real=True)")
    lines.append("relations = [")
    for text in problem.relations:
        rel = parse_relation(text)
        lines.append(f"    Eq({printer.doprint(rel.lhs)}, {printer.doprint(rel.rhs)}),")
    lines.append("]")
    lines.append(f"solutions = solve(relations, [{', '.join(var[u] for u in unk)}], dict=True)")
    conds: list[str] = []
    for u in unk:
        dom = problem.domains.get(u)
        if dom is None:
            continue
        s = f"_sol[{var[u]}]"
        if dom.kind != "real":
            conds.append(f"{s}.is_{dom.kind}")
        if dom.positive:
            conds.append(f"{s}.is_positive")
        if dom.nonnegative:
            conds.append(f"{s}.is_nonnegative")
        for op, bound in ((">=", dom.lo), ("<=", dom.hi)):
            if bound is not None:
                conds.append(f"{s} {op} Rational({bound.numerator}, {bound.denominator})")
    if conds:
        lines.append(f"solutions = [_sol for _sol in solutions if {' and '.join(conds)}]")
    lines += [f"answer = solutions[0][{var[problem.answer]}]", "print(answer)"]
    return "\n".join(lines) + "\n"


def run_sympy_trace(source: str) -> Value:
    """Run a sympy trace in a restricted namespace; its unique answer (exact).

    Raises TraceError if the script fails or keeps other than one solution.

    >>> run_sympy_trace("from sympy import Rational\\nanswer = Rational(1, 3) * 3")
    1
    """
    ns = run_sympy_source(source)
    if "answer" not in ns:
        raise TraceError("sympy trace defines no 'answer'")
    sols = ns.get("solutions")
    if isinstance(sols, list) and len(sols) != 1:
        raise TraceError(f"sympy trace kept {len(sols)} solutions, not exactly one")
    return from_sympy(sympy.sympify(ns["answer"]))


def _annotations(i: int, step: Step, env: Mapping[str, Fraction]) -> Check | None:
    for m in _ANNOTATION.finditer(step.text):
        try:
            left, right = eval_expression(m.group(1), env), eval_expression(m.group(2), env)
        except TraceError as err:
            return Check.refuted(f"step {i}: cannot evaluate annotation {m.group(0)}: {err}")
        if left != right:
            return Check.refuted(
                f"step {i}: annotation {m.group(0)} is wrong: {m.group(1)} = {fmt(left)}"
            )
    return None


def check_solution(
    steps: Sequence[Step],
    trace_source: str,
    answer: Value,
    *,
    sympy_source: str | None = None,
) -> Check:
    """VERIFIED iff every step's value equals its expression, every ``<<a=b>>`` is
    right, the final step's value, the trace's ``answer`` (and the sympy trace's,
    when given) all equal ``answer`` exactly, and named steps agree with the trace.

    >>> steps = [Step("48/2 = <<48/2=24>>24", "48/2", 24, "may")]
    >>> check_solution(steps, "may = 48 / 2\\nanswer = may", 24).ok
    True
    """
    env: dict[str, Fraction] = {}
    for i, st in enumerate(steps, 1):
        try:
            got = eval_expression(st.expr, env)
        except TraceError as err:
            return Check.refuted(f"step {i} ({st.text!r}): {err}")
        if got != st.value:
            return Check.refuted(
                f"step {i} ({st.text!r}): {st.expr} = {fmt(got)}, not {fmt(st.value)}"
            )
        bad = _annotations(i, st, env)
        if bad is not None:
            return bad
        if st.name is not None:
            env[st.name] = got
    if steps and same_value(steps[-1].value, answer) is not True:
        return Check.refuted(f"final step gives {fmt(steps[-1].value)}, answer is {fmt(answer)}")
    try:
        result = run_trace(trace_source)
    except TraceError as err:
        return Check.refuted(f"trace rejected: {err}")
    if "answer" not in result:
        return Check.refuted("trace defines no 'answer'")
    if same_value(result["answer"], answer) is not True:
        return Check.refuted(f"trace answer {fmt(result['answer'])} != answer {fmt(answer)}")
    for name, value in env.items():
        name = _unclash(name)
        if name in result and result[name] != value:
            return Check.refuted(f"trace has {name} = {fmt(result[name])}, steps say {fmt(value)}")
    if sympy_source is not None:
        try:
            sym = run_sympy_trace(sympy_source)
        except TraceError as err:
            return Check.refuted(f"sympy trace: {err}")
        same = same_value(sym, answer)
        if same is None:
            return Check.inconclusive(f"cannot decide sympy answer {fmt(sym)} == {fmt(answer)}")
        if not same:
            return Check.refuted(f"sympy trace answer {fmt(sym)} != answer {fmt(answer)}")
    return VERIFIED
