"""Parse relation strings such as ``"total = a + b"`` into exact sympy equations.

The syntax is a small, validated subset of Python expressions: numbers (decimals
become exact rationals), names, ``+ - * / **`` (``^`` is accepted as power),
parentheses and the functions in ``FUNCTIONS``; ``pi`` is the only constant.
Every string is checked with ``ast`` first (so nothing is ever evaluated that is
not arithmetic), then built with sympy's ``parse_expr``.
"""

from __future__ import annotations

import ast
import functools
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy  # type: ignore[import-untyped, unused-ignore]
from sympy.parsing.sympy_parser import (  # type: ignore[import-untyped, unused-ignore]
    convert_xor,
    parse_expr,
    rationalize,
    standard_transformations,
)

from gramgen.errors import InvalidArgument  # type: ignore[import-not-found, unused-ignore]

__all__ = ["FUNCTIONS", "RESERVED", "Relation", "parse_relation", "symbol", "valid_name"]

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "Abs": sympy.Abs,
    "binomial": sympy.binomial,
    "comb": sympy.binomial,
    "factorial": sympy.factorial,
    "floor": sympy.floor,
    "ceiling": sympy.ceiling,
    "ceil": sympy.ceiling,
    "min": sympy.Min,
    "Min": sympy.Min,
    "max": sympy.Max,
    "Max": sympy.Max,
}
CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi}
_PARSER_NAMES = {"Integer", "Float", "Rational", "Symbol", "Function"}
RESERVED: frozenset[str] = frozenset(FUNCTIONS) | frozenset(CONSTANTS) | frozenset(_PARSER_NAMES)
_TRANSFORMS = (*standard_transformations, convert_xor, rationalize)
_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")
_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.BitXor)


def valid_name(name: object) -> bool:
    """True for a Python identifier that is not a keyword nor a reserved name."""
    return (
        isinstance(name, str)
        and name.isidentifier()
        and not keyword.iskeyword(name)
        and name not in RESERVED
        and not name.startswith("_")
    )


@functools.lru_cache(maxsize=4096)
def symbol(name: str) -> sympy.Symbol:
    """The sympy symbol used for a quantity name (real-valued)."""
    return sympy.Symbol(name, real=True)


@dataclass(frozen=True)
class Relation:
    """One parsed equation ``lhs = rhs``."""

    text: str
    lhs: sympy.Expr
    rhs: sympy.Expr
    names: frozenset[str]

    @functools.cached_property
    def residual(self) -> sympy.Expr:
        """``lhs - rhs`` (zero exactly when the relation holds)."""
        return self.lhs - self.rhs

    def __str__(self) -> str:
        return self.text


class _RelationSyntax(Exception):
    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


def _describe(node: ast.AST) -> str:
    kinds = {
        ast.Attribute: "attribute access",
        ast.Lambda: "a lambda",
        ast.ListComp: "a comprehension",
        ast.GeneratorExp: "a comprehension",
        ast.Subscript: "subscripting",
        ast.Compare: "a comparison",
        ast.BoolOp: "a boolean operator",
    }
    for cls, text in kinds.items():
        if isinstance(node, cls):
            return text
    return f"{type(node).__name__} syntax"


def _check_side(source: str, offset: int, names: set[str]) -> None:
    stripped = source.strip()
    offset += len(source) - len(source.lstrip())
    try:
        tree = ast.parse(stripped, mode="eval")
    except SyntaxError as err:
        col = offset + min(err.offset or 1, len(stripped) + 1)
        raise _RelationSyntax(f"syntax error ({err.msg})", col) from None
    for node in ast.walk(tree):
        col = offset + getattr(node, "col_offset", 0) + 1
        if isinstance(node, ast.Expression | ast.Load | ast.operator | ast.unaryop):
            continue
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, _BINOPS):
                raise _RelationSyntax(f"operator {type(node.op).__name__} is not allowed", col)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                raise _RelationSyntax(f"operator {type(node.op).__name__} is not allowed", col)
        elif isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise _RelationSyntax(f"literal {node.value!r} is not a number", col)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                what = ast.unparse(node.func)
                raise _RelationSyntax(f"calling {what!r} is not allowed (attribute access)", col)
            if node.func.id not in FUNCTIONS:
                raise _RelationSyntax(
                    f"unknown function {node.func.id!r} (allowed: {', '.join(sorted(FUNCTIONS))})",
                    col,
                )
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                raise _RelationSyntax("function arguments must be plain positional values", col)
            if not node.args:
                raise _RelationSyntax(f"{node.func.id}() needs an argument", col)
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                continue  # checked as the callee of a Call
            if node.id in CONSTANTS:
                continue
            if node.id in _PARSER_NAMES or node.id.startswith("_"):
                raise _RelationSyntax(f"name {node.id!r} is reserved", col)
            names.add(node.id)
        else:
            raise _RelationSyntax(f"{_describe(node)} is not allowed", col)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Name)
            and node.id in FUNCTIONS
            and not any(isinstance(p, ast.Call) and p.func is node for p in ast.walk(tree))
        ):
            raise _RelationSyntax(
                f"{node.id!r} is a function name, not a quantity", offset + node.col_offset + 1
            )


@functools.lru_cache(maxsize=8192)
def _parse(text: str) -> Relation:
    marks = [m.start() for m in _EQUALS.finditer(text)]
    if len(marks) != 1:
        found = "none" if not marks else f"{len(marks)}"
        col = marks[1] + 1 if len(marks) > 1 else None
        raise _RelationSyntax(f"expected exactly one '=' (an equation), found {found}", col)
    cut = marks[0]
    left, right = text[:cut], text[cut + 1 :]
    if not left.strip():
        raise _RelationSyntax("nothing left of '='", cut + 1)
    if not right.strip():
        raise _RelationSyntax("nothing right of '='", cut + 1)
    names: set[str] = set()
    _check_side(left, 0, names)
    _check_side(right, cut + 1, names)
    local: dict[str, Any] = {n: symbol(n) for n in names}
    glob: dict[str, Any] = {
        "Integer": sympy.Integer,
        "Float": sympy.Float,
        "Rational": sympy.Rational,
        "Symbol": sympy.Symbol,
        **FUNCTIONS,
        **CONSTANTS,
    }
    try:
        lhs = sympy.sympify(
            parse_expr(
                left.strip(), local_dict=local, global_dict=glob, transformations=_TRANSFORMS
            )
        )
        rhs = sympy.sympify(
            parse_expr(
                right.strip(), local_dict=local, global_dict=glob, transformations=_TRANSFORMS
            )
        )
    except Exception as err:  # parse_expr raises many types
        raise _RelationSyntax(f"sympy could not parse it ({type(err).__name__}: {err})") from None
    if lhs.has(sympy.Float) or rhs.has(sympy.Float):
        raise _RelationSyntax("a number could not be made exact")
    if lhs.has(sympy.zoo, sympy.nan) or rhs.has(sympy.zoo, sympy.nan):
        raise _RelationSyntax("division by zero in the relation itself")
    return Relation(text=text, lhs=lhs, rhs=rhs, names=frozenset(names))


def parse_relation(text: object, index: int | None = None) -> Relation:
    """Parse one relation; errors name the relation (1-based ``index``) and the column.

    >>> parse_relation("total = a + b").names == {"total", "a", "b"}
    True
    """
    where = f"relation {index}" if index is not None else "relation"
    if not isinstance(text, str):
        raise InvalidArgument(f"{where} must be a str like 'total = a + b', got {text!r}")
    try:
        return _parse(text)
    except _RelationSyntax as err:
        at = f" at column {err.column}" if err.column is not None else ""
        pointer = ""
        if err.column is not None:
            pointer = f"\n    {text}\n    {' ' * (err.column - 1)}^"
        raise InvalidArgument(f"{where} {text!r}: {err.message}{at}{pointer}") from None
