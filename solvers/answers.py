"""Parse and grade external answers (e.g. a language model's output) exactly.

``parse_answer`` finds the answer in free text (``\\boxed{}``, "The answer is",
``#### 42``, ``x = 5``, or else the last number) and reads it exactly: integers,
decimals and scientific notation become ``Fraction``; ``3/4``, ``1 1/2``,
``75%``, ``$1,250.00``, ``\\frac{3}{4}``, ``sqrt(2)/2``, ``12 km``. Symbolic
answers are parsed by a small AST walker (never ``eval``) into sympy.

``grade`` compares with the expected value exactly (sympy equivalence for
irrational values, INCONCLUSIVE when sympy cannot decide) and converts units.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from fractions import Fraction

import sympy  # type: ignore[import-untyped, unused-ignore]

from gramgen.errors import InvalidArgument  # type: ignore[import-not-found, unused-ignore]

from .exact import Value, fmt, from_sympy, is_rational_value, is_zero, norm, to_sympy
from .units import Unit, parse_unit
from .verdict import Check

__all__ = ["AnswerNotFound", "ParsedAnswer", "grade", "parse_answer", "unit_of"]


class AnswerNotFound(InvalidArgument):  # type: ignore[misc, unused-ignore]
    """No answer could be read from the text."""


@dataclass(frozen=True)
class ParsedAnswer:
    """What was read: the value (percent already divided by 100) and how."""

    text: str
    span: str
    value: Value
    number: Value
    percent: bool = False
    unit: Unit | None = None

    def describe(self) -> str:
        """E.g. ``'75%' = 3/4`` or ``'1.5 km' = 3/2 km``."""
        unit = f" {self.unit.name}" if self.unit else ""
        return f"{self.span!r} = {fmt(self.value)}{unit}"


_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][-+]?\d+)?|[-+]?\.\d+(?:[eE][-+]?\d+)?"
_NUMBER = re.compile(rf"^(?:{_NUM})$")
_MIXED = re.compile(r"^([-+]?\d+)\s+(\d+)\s*/\s*(\d+)$")
_FRACTION = re.compile(rf"^({_NUM})\s*/\s*({_NUM})$")
_LEAD = re.compile(rf"^\s*((?:{_NUM})(?:\s+\d+\s*/\s*\d+|\s*/\s*(?:{_NUM}))?)\s*(.*)$")
_LAST = re.compile(rf"(\$\s*)?((?:{_NUM})(?:\s+\d+/\d+|/\d+)?)(\s*(?:%|percent\b))?")
_CUE = re.compile(r"(?:final answer|answer)\s*(?:is|:|=)\s*|####\s*", re.IGNORECASE)
_END = re.compile(r"\.(?:\s|$)|\n")
_REPLACE = {
    "\u2212": "-", "\u2013": "-", "\u00d7": "*", "\u00f7": "/", "\u00a0": " ", "\u2009": " ",
    "\\cdot": "*", "\\times": "*", "\\div": "/", "\\left": "", "\\right": "", "\\%": "%",
    "\\$": "$", "\\pi": "pi", "{,}": ",", "\\,": "", "\\!": "", "\\ ": " ", "\\dfrac": "\\frac",
    "\\tfrac": "\\frac",
}  # fmt: skip


def _braced(s: str, start: int) -> tuple[str, int] | None:
    """Content of the {...} group opening at s[start] and the index after it."""
    if start >= len(s) or s[start] != "{":
        return None
    depth = 0
    for i in range(start, len(s)):
        depth += {"{": 1, "}": -1}.get(s[i], 0)
        if depth == 0:
            return s[start + 1 : i], i + 1
    return None


def _delatex(s: str) -> str:
    for key, value in _REPLACE.items():
        s = s.replace(key, value)
    for cmd, arity in (("\\frac", 2), ("\\sqrt", 1), ("\\text", 1), ("\\mathrm", 1)):
        while (at := s.find(cmd + "{")) >= 0:
            groups, pos = [], at + len(cmd)
            for _ in range(arity):
                got = _braced(s, pos)
                if got is None:
                    return s
                groups.append(_delatex(got[0]))
                pos = got[1]
            if cmd == "\\frac":
                new = f"({groups[0]})/({groups[1]})"
            elif cmd == "\\sqrt":
                new = f"sqrt({groups[0]})"
            else:
                new = f" {groups[0]} "
            s = s[:at] + new + s[pos:]
    return s.replace("{", "(").replace("}", ")").replace("\\", "")


def _region(text: str) -> str:
    """The part of the text that states the answer."""
    s = text
    while (at := s.rfind("\\boxed{")) >= 0 or (at := s.rfind("\\fbox{")) >= 0:
        got = _braced(s, s.index("{", at))
        if got is None:
            break
        return got[0]
    cues = list(_CUE.finditer(s))
    if cues:
        s = s[cues[-1].end() :]
        end = _END.search(s)
        s = s[: end.start()] if end else s
    s = s.strip()
    for left, right in (("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if len(s) > 2 and s.startswith(left) and s.endswith(right):
            s = s[len(left) : -len(right)]
    return s.strip()


def _number(tok: str) -> Fraction | None:
    tok = tok.replace(" ", "")
    if _NUMBER.match(tok):
        return Fraction(tok.replace(",", ""))
    m = _FRACTION.match(tok)
    if m:
        a, b = _number(m.group(1)), _number(m.group(2))
        if a is not None and b is not None and b != 0:
            return a / b
    return None


_OPS = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__"}


def _symbolic(s: str) -> sympy.Expr | None:
    """Safe parse of e.g. ``2*sqrt(3)/3`` or ``3pi/4`` into sympy (no eval)."""
    s = s.replace("^", "**")
    s = re.sub(r"(\d|\))\s*(?=sqrt|pi|\()", r"\1*", s)
    try:
        tree = ast.parse(s.strip(), mode="eval")
    except SyntaxError:
        return None

    def walk(node: ast.AST) -> sympy.Expr:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            seg = ast.get_source_segment(s.strip(), node) or str(node.value)
            return to_sympy(Fraction(seg))
        if isinstance(node, ast.Name) and node.id == "pi":
            return sympy.pi
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = walk(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return getattr(walk(node.left), _OPS[type(node.op)])(walk(node.right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exp = walk(node.right)
            if not (isinstance(exp, sympy.Rational) and abs(exp.p) <= 100 and exp.q <= 100):
                raise ValueError("exponent too large")
            return walk(node.left) ** exp
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("sqrt", "abs")
            and len(node.args) == 1
            and not node.keywords
        ):
            arg = walk(node.args[0])
            return sympy.sqrt(arg) if node.func.id == "sqrt" else sympy.Abs(arg)
        raise ValueError(f"not allowed: {type(node).__name__}")

    try:
        value = sympy.sympify(walk(tree))
    except (ValueError, ZeroDivisionError, TypeError):
        return None
    if value.has(sympy.zoo, sympy.nan) or value.free_symbols:
        return None
    return value


def _read(span: str, text: str, *, strict: bool = False) -> ParsedAnswer | None:
    """Read one answer span: [$] number/expression [%|percent] [unit] [ignored words].

    ``strict`` refuses spans with words after the number that are not a unit.
    """
    s = span.strip().strip("*").strip().rstrip(".,;:!").strip()
    unit: Unit | None = None
    if s.startswith("$"):
        unit, s = parse_unit("$"), s[1:].strip()
    elif s.endswith("$"):  # "5$"
        unit, s = parse_unit("$"), s[:-1].strip()
    percent = False
    m = re.search(r"\s*(?:%|\bpercent\b|\bper cent\b)\s*$", s)
    if m:
        percent, s = True, s[: m.start()].strip()
    number: Value | None = None
    mixed = _MIXED.match(s)
    if mixed:
        whole, n, d = (int(g) for g in mixed.groups())
        if d:
            number = whole + (Fraction(n, d) if whole >= 0 else -Fraction(n, d))
    if number is None:
        number = _number(s)
    if number is None:
        number = _symbolic(s)
    if number is None:  # a number followed by words: a unit, or words we ignore
        lead = _LEAD.match(s)
        if lead is None:
            return None
        mixed = _MIXED.match(lead.group(1))  # "2 11/12 hours": 35/12, not 211/12
        if mixed and int(mixed.group(3)):
            whole, n, d = (int(g) for g in mixed.groups())
            number = whole + (Fraction(n, d) if whole >= 0 else -Fraction(n, d))
        else:
            number = _number(lead.group(1)) or _number(lead.group(1).split()[0])
        rest = lead.group(2).strip()
        if number is None:
            return None
        if rest.startswith(("%", "percent")):
            percent, rest = True, rest.lstrip("%").removeprefix("percent").strip()
        if rest:
            words = rest.split()
            for k in range(min(3, len(words)), 0, -1):
                try:
                    unit = parse_unit(" ".join(words[:k]))
                except InvalidArgument:
                    continue
                if strict and k < len(words):
                    return None
                break
            if strict and unit is None:
                return None
    value: Value = number
    if percent:
        value = number / 100 if is_rational_value(number) else sympy.sympify(number) / 100
    if isinstance(value, Fraction):
        value, number = norm(value), norm(number) if isinstance(number, Fraction) else number
    if isinstance(value, sympy.Basic):
        value = from_sympy(value)
    return ParsedAnswer(text=text, span=span.strip(), value=value, number=number, percent=percent,
                        unit=unit)  # fmt: skip


def parse_answer(text: str) -> ParsedAnswer:
    """Read the answer stated in ``text`` exactly; raises AnswerNotFound.

    >>> parse_answer("The answer is $1,250.00.").value
    1250
    >>> parse_answer("\\\\boxed{\\\\frac{3}{4}}").value
    Fraction(3, 4)
    """
    if not isinstance(text, str):
        raise InvalidArgument(f"answer text must be a str, got {text!r}")
    region = _delatex(_region(text))
    if "=" in region:
        region = region.rsplit("=", 1)[1]
    got = _read(region, text) if region.strip() else None
    if got is not None:
        return got
    for source in (region, _delatex(text)):
        line = source.strip().rstrip(".!").split("\n")[-1]
        starts = [0] + [m.end() for m in re.finditer(r"\s+", line)]
        for start in starts:  # the longest trailing phrase that is exactly an answer
            got = _read(line[start:], text, strict=True)
            if got is not None:
                return got
        matches = list(_LAST.finditer(source))
        if matches:  # else the last number, ignoring the words after it
            tail = source[matches[-1].start() :].split("\n")[0]
            for span in (tail, matches[-1].group(0)):
                got = _read(span, text)
                if got is not None:
                    return got
    raise AnswerNotFound(f"no answer found in {text!r}")


def unit_of(text: str) -> str | None:
    """The unit of an answer written as a number and a unit and nothing else
    (``'3.25 meters'``: ``'m'``, ``'$12.50'``: ``'dollar'``), else None
    (``'39 pencils'``, ``'3/4'``, ``'5 in each box'``).

    >>> unit_of("20 kilometers per hour"), unit_of("39 pencils")
    ('km/h', None)
    """
    got = _read(text, text, strict=True) if isinstance(text, str) else None
    return got.unit.name if got is not None and got.unit is not None else None


def grade(
    given: str,
    expected: Value | str,
    *,
    unit: str | None = None,
    percent_ok: bool = True,
) -> Check:
    """Grade an answer text against the expected value, exactly.

    ``unit`` is the unit of ``expected``: a given answer with a unit of the same
    dimension is converted first (``'1.5 km'`` vs 1500 with unit ``'m'``). A percent
    answer matches when its written number equals ``expected`` (the question asked
    for a percent) or, if ``percent_ok``, when its value does (``'75%'`` vs 3/4).

    >>> grade("The answer is 1 1/2", Fraction(3, 2)).ok
    True
    """
    if isinstance(expected, float | bool):
        raise InvalidArgument(
            f"expected must be exact (int, Fraction, sympy or str), got {expected!r}"
        )
    if isinstance(expected, str):
        exp = parse_answer(expected)
        expected_value = exp.value
        unit = unit or (exp.unit.name if exp.unit else None)
    else:
        expected_value = from_sympy(to_sympy(expected))
    try:
        got = parse_answer(given)
    except AnswerNotFound:
        return Check.refuted(f"no answer found in {given!r}")
    read = got.describe()
    value, number = got.value, got.number
    if got.unit is not None and unit is not None:
        target = parse_unit(unit)
        if got.unit.dimension != target.dimension:
            return Check.refuted(
                f"read {read}: unit {got.unit.name} ({got.unit.dimension}) cannot be "
                f"compared with {target.name} ({target.dimension})"
            )
        factor = got.unit.factor / target.factor
        value = _scale(value, factor)
        number = _scale(number, factor)
        read += f" = {fmt(value)} {target.name}"
    options = [(number, "percent number")] if got.percent else []
    if not got.percent or percent_ok:
        options.append((value, "percent as a value"))
    undecided = False
    for candidate, how in options:
        same = _same(candidate, expected_value)
        if same is True:
            extra = f" ({how}: {fmt(candidate)})" if got.percent else ""
            return Check.verified(f"read {read}{extra}")
        undecided = undecided or same is None
    if undecided:
        return Check.inconclusive(f"read {read}; cannot decide equality with {fmt(expected_value)}")
    note = " (percent answers not accepted)" if got.percent and not percent_ok else ""
    return Check.refuted(f"read {read}, expected {fmt(expected_value)}{note}")


def _scale(v: Value, factor: Fraction) -> Value:
    if is_rational_value(v):
        return norm(Fraction(v) * factor)  # type: ignore[arg-type, unused-ignore]
    return from_sympy(sympy.sympify(v) * to_sympy(factor))


def _same(a: Value, b: Value) -> bool | None:
    if is_rational_value(a) and is_rational_value(b):
        return bool(a == b)
    return is_zero(sympy.sympify(to_sympy(a) - to_sympy(b)))
