"""Run untrusted little programs safely: exact traces and sympy solution scripts.

A *trace* is a tiny program of assignments over exact numbers::

    a = 5
    b = Fraction(3, 4)
    answer = a * b

``run_trace`` never calls ``exec``: it validates the whole ``ast`` first (only
assignments to plain names, ``+ - * / // % **``, numeric literals, names,
``Fraction(...)``, ``min/max/abs/round`` and ``math.comb/perm/factorial/gcd/lcm/
floor/ceil``) and then interprets it with ``Fraction`` arithmetic (``/`` is exact
division). Exponents and number sizes are bounded before anything is computed.

A *sympy trace* (see ``solution.sympy_trace``) is validated against a similar
whitelist and then executed with no builtins and only whitelisted sympy names.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import sympy  # type: ignore[import-untyped, unused-ignore]

from gramgen.errors import InvalidArgument  # type: ignore[import-not-found, unused-ignore]

from .exact import Value, from_sympy

__all__ = ["TraceError", "UnsafeTrace", "eval_expression", "run_sympy_source", "run_trace"]

MAX_SOURCE = 50_000
MAX_STATEMENTS = 1_000
MAX_EXPONENT = 1_000
MAX_BITS = 100_000


class TraceError(InvalidArgument):  # type: ignore[misc, unused-ignore]
    """A trace failed: undefined name, division by zero, a number too large..."""


class UnsafeTrace(TraceError):
    """A trace uses a construct outside the whitelist; nothing of it was executed."""


_BINOPS: dict[type, Callable[[Fraction, Fraction], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
}
_MATH = {"comb", "perm", "factorial", "gcd", "lcm", "floor", "ceil"}
_PLAIN = {"Fraction", "min", "max", "abs", "round"}


def _where(node: ast.AST) -> str:
    return f"line {getattr(node, 'lineno', '?')}, column {getattr(node, 'col_offset', -1) + 1}"


def _unsafe(node: ast.AST, what: str) -> UnsafeTrace:
    return UnsafeTrace(f"unsafe trace at {_where(node)}: {what} is not allowed")


def _func_name(node: ast.Call) -> str | None:
    f = node.func
    if isinstance(f, ast.Name) and f.id in _PLAIN | _MATH:
        return f.id
    if (
        isinstance(f, ast.Attribute)
        and isinstance(f.value, ast.Name)
        and f.value.id == "math"
        and f.attr in _MATH
    ):
        return f.attr
    return None


def _check_expr(node: ast.AST, source: str) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Load | ast.operator | ast.unaryop):
            continue
        if isinstance(sub, ast.BinOp):
            if not isinstance(sub.op, (*_BINOPS, ast.Pow)):
                raise _unsafe(sub, f"operator {type(sub.op).__name__}")
            if (
                isinstance(sub.op, ast.Pow)
                and isinstance(sub.right, ast.Constant)
                and isinstance(sub.right.value, int)
                and abs(sub.right.value) > MAX_EXPONENT
            ):
                raise _unsafe(sub, f"exponent {sub.right.value} (max {MAX_EXPONENT})")
            if isinstance(sub.op, ast.Pow) and not any(
                isinstance(n, ast.Name | ast.Call) for n in ast.walk(sub.right)
            ):
                _check_expr(sub.right, source)
                try:
                    exponent = _num(sub.right, {}, source)
                except TraceError as err:
                    raise _unsafe(sub, f"a power whose exponent fails ({err})") from None
                if abs(exponent) > MAX_EXPONENT:
                    raise _unsafe(sub, f"exponent {exponent} (max {MAX_EXPONENT})")
        elif isinstance(sub, ast.UnaryOp):
            if not isinstance(sub.op, ast.USub | ast.UAdd):
                raise _unsafe(sub, f"operator {type(sub.op).__name__}")
        elif isinstance(sub, ast.Constant):
            if type(sub.value) not in (int, float, str):
                raise _unsafe(sub, f"literal {sub.value!r}")
        elif isinstance(sub, ast.Call):
            name = _func_name(sub)
            if name is None:
                raise _unsafe(sub, f"calling {ast.unparse(sub.func)!r}")
            if sub.keywords or any(isinstance(a, ast.Starred) for a in sub.args):
                raise _unsafe(sub, "keyword or starred arguments")
            for a in sub.args:
                is_str = isinstance(a, ast.Constant) and isinstance(a.value, str)
                if is_str and name != "Fraction":
                    raise _unsafe(a, "a string argument")
        elif isinstance(sub, ast.Attribute):
            if not (
                isinstance(sub.value, ast.Name) and sub.value.id == "math" and sub.attr in _MATH
            ):
                raise _unsafe(sub, f"attribute access {ast.unparse(sub)!r}")
        elif isinstance(sub, ast.Name):
            if sub.id.startswith("_"):
                raise _unsafe(sub, f"the name {sub.id!r}")
        else:
            raise _unsafe(sub, type(sub).__name__)
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            parents = [p for p in ast.walk(node) if isinstance(p, ast.Call) and sub in p.args]
            if not parents:
                raise _unsafe(sub, "a string outside Fraction('...')")


def _parse(source: str, what: str) -> ast.Module:
    """``source`` parsed, after checking it is a string of bounded length."""
    if not isinstance(source, str):
        raise InvalidArgument(f"{what} must be a str, got {type(source).__name__}")
    if len(source) > MAX_SOURCE:
        raise UnsafeTrace(f"{what} is too long ({len(source)} > {MAX_SOURCE} characters)")
    try:
        return ast.parse(source, mode="exec")
    except SyntaxError as err:
        raise TraceError(f"{what} syntax error at line {err.lineno}: {err.msg}") from None


def _validate(source: str) -> list[ast.Assign]:
    tree = _parse(source, "trace")
    if len(tree.body) > MAX_STATEMENTS:
        raise UnsafeTrace(f"trace has too many statements ({len(tree.body)})")
    body: list[ast.Assign] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import) and [(a.name, a.asname) for a in stmt.names] == [
            ("math", None)
        ]:
            continue
        if (
            isinstance(stmt, ast.ImportFrom)
            and stmt.module == "fractions"
            and [(a.name, a.asname) for a in stmt.names] == [("Fraction", None)]
        ):
            continue
        if not isinstance(stmt, ast.Assign):
            raise _unsafe(stmt, f"statement {type(stmt).__name__} (only assignments)")
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            raise _unsafe(stmt, "assigning to anything but one plain name")
        target = stmt.targets[0].id
        if target.startswith("_") or target in _PLAIN | _MATH | {"math"}:
            raise _unsafe(stmt, f"assigning to {target!r}")
        _check_expr(stmt.value, source)
        body.append(stmt)
    return body


def _size_ok(v: Fraction, node: ast.AST) -> Fraction:
    if v.numerator.bit_length() > MAX_BITS or v.denominator.bit_length() > MAX_BITS:
        raise TraceError(f"number too large at {_where(node)}")
    return v


def _integral(v: Fraction, node: ast.AST, what: str, limit: int) -> int:
    if v.denominator != 1:
        raise TraceError(f"{what} needs whole numbers at {_where(node)}, got {v}")
    if abs(v.numerator) > limit:
        raise TraceError(f"{what} argument {v} is too large at {_where(node)}")
    return v.numerator


def _call(name: str, args: list[Fraction], node: ast.Call) -> Fraction:
    if name == "Fraction":
        if not 1 <= len(args) <= 2:
            raise TraceError(f"Fraction takes 1 or 2 arguments at {_where(node)}")
        return args[0] if len(args) == 1 else args[0] / args[1]
    if name in ("min", "max"):
        if not args:
            raise TraceError(f"{name}() needs arguments at {_where(node)}")
        return min(args) if name == "min" else max(args)
    if name == "abs" and len(args) == 1:
        return abs(args[0])
    if name == "round" and len(args) in (1, 2):
        digits = _integral(args[1], node, "round", 100) if len(args) == 2 else 0
        return Fraction(round(args[0], digits))
    if name in ("floor", "ceil") and len(args) == 1:
        return Fraction(math.floor(args[0]) if name == "floor" else math.ceil(args[0]))
    limit = 10_000 if name in ("factorial", "comb", "perm") else 10**100
    ints = [_integral(a, node, name, limit) for a in args]
    try:
        return Fraction(getattr(math, name)(*ints))
    except (TypeError, ValueError) as err:
        raise TraceError(f"{name}{tuple(ints)} failed at {_where(node)}: {err}") from None


def _eval(node: ast.AST, env: Mapping[str, Fraction], source: str) -> Fraction | str:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, float):
            return Fraction(ast.get_source_segment(source, node) or repr(node.value))
        if isinstance(node.value, int):
            return Fraction(node.value)
        raise _unsafe(node, f"literal {node.value!r}")
    if isinstance(node, ast.Name):
        if node.id not in env:
            raise TraceError(f"name {node.id!r} is not defined at {_where(node)}")
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        v = _num(node.operand, env, source)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        a, b = _num(node.left, env, source), _num(node.right, env, source)
        if isinstance(node.op, ast.Pow):
            e = _integral(b, node, "exponent", MAX_EXPONENT)
            size = max(a.numerator.bit_length(), a.denominator.bit_length())
            if size * abs(e) > MAX_BITS:
                raise TraceError(f"power too large at {_where(node)}")
            if a == 0 and e < 0:
                raise TraceError(f"division by zero at {_where(node)}")
            return _size_ok(a**e, node)
        try:
            return _size_ok(Fraction(_BINOPS[type(node.op)](a, b)), node)
        except ZeroDivisionError:
            raise TraceError(f"division by zero at {_where(node)}") from None
    if isinstance(node, ast.Call):
        name = _func_name(node)
        assert name is not None  # validated
        args = [_eval(a, env, source) for a in node.args]
        if name == "Fraction" and len(args) == 1 and isinstance(args[0], str):
            try:
                return Fraction(args[0])
            except ValueError:
                raise TraceError(f"bad Fraction literal {args[0]!r} at {_where(node)}") from None
        nums = [a for a in args if isinstance(a, Fraction)]
        if len(nums) != len(args):
            raise TraceError(f"string argument to {name} at {_where(node)}")
        return _size_ok(_call(name, nums, node), node)
    raise _unsafe(node, type(node).__name__)  # unreachable after validation


def _num(node: ast.AST, env: Mapping[str, Fraction], source: str) -> Fraction:
    v = _eval(node, env, source)
    if isinstance(v, str):
        raise TraceError(f"a string is not a number at {_where(node)}")
    return v


def run_trace(source: str) -> dict[str, Fraction]:
    """Validate, then interpret a trace exactly; returns every assigned name.

    >>> run_trace("a = 5\\nb = Fraction(3, 4)\\nanswer = a * b")["answer"]
    Fraction(15, 4)
    """
    body = _validate(source)
    env: dict[str, Fraction] = {}
    for stmt in body:
        target = stmt.targets[0]
        assert isinstance(target, ast.Name)
        env[target.id] = _num(stmt.value, env, source)
    return env


def eval_expression(expr: str, env: Mapping[str, Fraction] | None = None) -> Fraction:
    """Evaluate one trace expression (same whitelist) with the given names.

    >>> eval_expression("48/2")
    Fraction(24, 1)
    """
    if not isinstance(expr, str):
        raise InvalidArgument(f"expression must be a str, got {expr!r}")
    text = expr.strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise TraceError(f"syntax error in expression {expr!r}: {err.msg}") from None
    _check_expr(tree.body, text)
    return _num(tree.body, dict(env or {}), text)


# ---------------------------------------------------------------- sympy scripts
_SYMPY_NAMES: dict[str, Any] = {
    name: getattr(sympy, name)
    for name in (
        "Eq", "Rational", "Integer", "solve", "symbols", "sqrt", "binomial", "factorial",
        "floor", "ceiling", "Abs", "Min", "Max", "pi",
    )
}  # fmt: skip
_ATTRS = {"is_integer", "is_rational", "is_real", "is_positive", "is_nonnegative"}
_KEYWORDS = {("symbols", "real"), ("solve", "dict")}


def _check_sympy(tree: ast.Module) -> list[ast.stmt]:
    small: set[str] = set()
    body: list[ast.stmt] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "sympy":
            if any(a.name not in _SYMPY_NAMES or a.asname for a in stmt.names):
                raise _unsafe(stmt, "importing anything but the whitelisted sympy names")
            continue
        if isinstance(stmt, ast.Expr) and not (
            isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name)
            and stmt.value.func.id == "print"
        ):
            raise _unsafe(stmt, "an expression statement other than print(...)")
        if not isinstance(stmt, ast.Assign | ast.Expr):
            raise _unsafe(stmt, f"statement {type(stmt).__name__}")
        for node in ast.walk(stmt):
            _check_sympy_node(node, small)
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and ast.unparse(stmt.value.func) in ("Rational", "Integer")
            and all(_int_constant(a) for a in stmt.value.args)
            and len(stmt.value.args) == 1
            and abs(stmt.value.args[0].value) <= MAX_EXPONENT  # type: ignore[attr-defined]
        ):
            small.add(stmt.targets[0].id)
        body.append(stmt)
    return body


def _int_constant(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, int)


def _check_sympy_node(node: ast.AST, small: set[str]) -> None:
    allowed = (
        ast.Assign, ast.Expr, ast.Name, ast.Load, ast.Store, ast.Tuple, ast.List, ast.Subscript,
        ast.ListComp, ast.comprehension, ast.Compare, ast.BoolOp, ast.cmpop, ast.boolop,
        ast.operator, ast.unaryop, ast.keyword,
    )  # fmt: skip
    if isinstance(node, ast.Name) and node.id.startswith("_") and node.id != "_sol":
        raise _unsafe(node, f"the name {node.id!r}")
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, str, bool):
            raise _unsafe(node, f"literal {node.value!r}")
    elif isinstance(node, ast.Call):
        f = node.func
        if not (isinstance(f, ast.Name) and (f.id in _SYMPY_NAMES or f.id in ("print", "len"))):
            raise _unsafe(node, f"calling {ast.unparse(f)!r}")
        for kw in node.keywords:
            if (f.id, kw.arg) not in _KEYWORDS:
                raise _unsafe(node, f"keyword {kw.arg!r} to {f.id}")
    elif isinstance(node, ast.Attribute):
        if node.attr not in _ATTRS:
            raise _unsafe(node, f"attribute {node.attr!r}")
    elif isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow):
            e = node.right
            if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub):
                e = e.operand
            ok = (
                isinstance(e, ast.Constant)
                and isinstance(e.value, int)
                and abs(e.value) <= MAX_EXPONENT
            ) or (isinstance(e, ast.Name) and e.id in small)
            if not ok:
                raise _unsafe(node, "an exponent that is not a small integer constant")
        elif not isinstance(node.op, (*_BINOPS,)):
            raise _unsafe(node, f"operator {type(node.op).__name__}")
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
            raise _unsafe(node, f"operator {type(node.op).__name__}")
    elif isinstance(node, ast.comprehension):
        if node.is_async or not isinstance(node.target, ast.Name):
            raise _unsafe(node, "this comprehension form")
    elif not isinstance(node, allowed):
        raise _unsafe(node, type(node).__name__)


def run_sympy_source(source: str) -> dict[str, Any]:
    """Validate then execute a sympy trace with no builtins; returns its namespace."""
    tree = _parse(source, "sympy trace")
    tree.body = _check_sympy(tree)
    printed: list[tuple[Any, ...]] = []
    namespace: dict[str, Any] = {
        "__builtins__": {},
        **_SYMPY_NAMES,
        "len": len,
        "print": lambda *a: printed.append(a),
    }
    try:
        exec(compile(tree, "<sympy trace>", "exec"), namespace)  # validated whitelist only
    except Exception as err:  # the script's own failure (e.g. no solution: IndexError)
        raise TraceError(f"sympy trace failed: {type(err).__name__}: {err}") from None
    namespace["printed"] = printed
    return namespace


def sympy_answer(source: str) -> Value:
    """The ``answer`` a sympy trace computes (exact)."""
    ns = run_sympy_source(source)
    if "answer" not in ns:
        raise TraceError("sympy trace defines no 'answer'")
    return from_sympy(sympy.sympify(ns["answer"]))
