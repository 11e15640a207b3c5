"""A problem's steps and trace written from its numbers by one compiled function per view.

Every problem of a view (the structure the actions see) has the same step
templates ("{a} + {b} = {answer}") and, per meaning, the same trace lines
(``a = Fraction({})``); only the numbers and the role words change. So the
templates are read once, each field's style settled once, and the whole solution
becomes one generated function: the numbers are looked up once each and written
by a few string operations, with whole numbers (nearly all of them) on a fast path.

>>> w = compile_writer(["{a} + {b} = {answer}"], {"a", "b", "answer"}, {}, "int",
...                    set(), [("a = {}", "a")], "python", "f.lark")
>>> w({"a": 2, "b": Fraction(1, 2), "answer": Fraction(5, 2)}, {})
(['2 + 1/2 = 5/2'], 'a = 2\\n')
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from fractions import Fraction
from typing import Any

from .errors import SemanticError
from .semantics import format_number

__all__ = ["Writer", "compile_writer", "style_for", "template_parts"]

#: ``writer(values, words) -> (steps, trace)``
Writer = Callable[[Mapping[str, Any], Mapping[str, tuple[str, str]]], tuple[list[str], str]]

_FIELD = re.compile(r"\{([A-Za-z_]\w*)(?::(\w+))?\}")


def style_for(value: Any, style: str) -> str:
    """``style``, or ``fraction`` where a whole-number style meets a fraction."""
    whole = type(value) is int or Fraction(value).denominator == 1
    return "fraction" if not whole and style in ("int", "comma", "words") else style


@functools.lru_cache(maxsize=4096)
def template_parts(template: str) -> tuple[tuple[str, str, str], ...]:
    """``"{a} + {b:1} ."`` as ``(("", "a", ""), (" + ", "b", "1"), (" .", "", ""))``."""
    parts: list[tuple[str, str, str]] = []
    at = 0
    for m in _FIELD.finditer(template):
        parts.append((template[at : m.start()], m.group(1), m.group(2) or ""))
        at = m.end()
    parts.append((template[at:], "", ""))
    return tuple(parts)


def _number(value: Any, style: str) -> str:
    return format_number(value, style_for(value, style))


def _python_literal(value: Any) -> str:
    v = Fraction(value)
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}, {v.denominator}"


def _sympy_literal(value: Any) -> str:
    v = Fraction(value)
    if v.denominator == 1:
        return f"Integer({v.numerator})"
    return f"Rational({v.numerator}, {v.denominator})"


# how a whole number is written without a call, and what writes any other value, by
# style (a number style, or the trace's literals)
_WRITE = {
    "int": ("str({0})", "_number({0}, 'int')"),
    "decimal": ("str({0})", "_number({0}, 'decimal')"),
    "comma": ('f"{{{0}:,}}"', "_number({0}, 'comma')"),
    "money": ('f"${{{0}:,}}"', "_number({0}, 'money')"),
    "percent": ('f"{{{0}}}%"', "_number({0}, 'percent')"),
    "fraction": ("str({0})", "_number({0}, 'fraction')"),
    "mixed": ("str({0})", "_number({0}, 'mixed')"),
    "python": ("str({0})", "_python_literal({0})"),
    "sympy": ('f"Integer({{{0}}})"', "_sympy_literal({0})"),
}


def compile_writer(
    steps: Sequence[str],
    quantities: Collection[str],
    styles: Mapping[str, str],
    answer_style: str,
    roles: Collection[str],
    trace_lines: Sequence[tuple[str, str | None]],
    trace_kind: str,
    source: str,
) -> Writer:
    """The writer of one view's solution.

    ``steps``: the step templates; a field names a quantity (written in the style
    its spec, the quantity's slot (``styles``) or ``answer_style`` gives) or a role
    (its word; spec ``1``: singular). ``trace_lines``: each line's text and the
    quantity whose literal fills its ``{}`` (None: none). Raises SemanticError, naming
    ``source``, for a field that is neither a quantity nor a role.

    Views are many and most write alike: a writer is made once for each set of
    arguments, and compiled once for each source it comes to.
    """
    key = (tuple(steps), frozenset(quantities), tuple(styles.items()), answer_style,
           frozenset(roles), tuple(trace_lines), trace_kind, source)  # fmt: skip
    return _writer_for(key)


@functools.lru_cache(maxsize=4096)
def _writer_for(key: tuple[Any, ...]) -> Writer:
    steps, quantities, styles, answer_style, roles, trace_lines, trace_kind, source = key
    styles = dict(styles)
    names: dict[str, str] = {}  # quantity -> local variable
    texts: dict[tuple[str, str], str] = {}  # (local, how it is written) -> local
    lines: list[str] = []

    def value(name: str) -> str:
        local = names.get(name)
        if local is None:
            local = names[name] = f"q{len(names)}"
            lines.append(f"    {local} = v[{name!r}]")
        return local

    def written(local: str, how: str) -> str:
        key = (local, how)
        got = texts.get(key)
        if got is None:
            got = texts[key] = f"t{len(texts)}"
            fast, slow = _WRITE.get(how, ("", f"_number({{0}}, {how!r})"))
            code = slow.format(local)
            if fast:
                code = f"{fast.format(local)} if type({local}) is int else {code}"
            lines.append(f"    {got} = {code}")
        return got

    step_codes = []
    for template in steps:
        pieces = []
        parts = template_parts(template)
        for text, name, spec in parts:
            if text:
                pieces.append(repr(text))
            if not name:
                continue
            if name in quantities:
                pieces.append(written(value(name), spec or styles.get(name) or answer_style))
            elif name in roles:
                pieces.append(f"w[{name!r}][{0 if spec == '1' else 1}]")
            else:
                raise SemanticError(
                    f"{source}: step {template!r} names {{{name}}}, which is neither "
                    f"a quantity ({sorted(quantities)}) nor a role ({sorted(roles)})"
                )
        step_codes.append(_concat(pieces))
    trace_pieces: list[str] = []
    text = ""  # the trace's text since its last value
    for line, quantity in trace_lines:
        if quantity is None:
            text += line + "\n"
            continue
        before, _, after = line.partition("{}")
        trace_pieces += [repr(text + before), written(value(quantity), trace_kind)]
        text = after + "\n"
    if text:
        trace_pieces.append(repr(text))
    body = "\n".join(lines)
    trace = _concat(trace_pieces) if trace_pieces else repr("\n")
    src = f"def write(v, w):\n{body}\n    return [{', '.join(step_codes)}], {trace}\n"
    return _compiled(src, source)


def _concat(pieces: Sequence[str]) -> str:
    """An expression joining the string expressions ``pieces``: ``a + b`` for a few, one
    ``join`` for many (a chain of ``+`` copies the text so far at each step, and a
    trace has dozens of pieces)."""
    if len(pieces) <= 4:
        return " + ".join(pieces) or "''"
    return f"''.join(({', '.join(pieces)}))"


@functools.lru_cache(maxsize=4096)
def _compiled(src: str, source: str) -> Writer:
    """``src``'s function (compiling costs ~0.7 ms)."""
    namespace: dict[str, Any] = {
        "_number": _number,
        "_python_literal": _python_literal,
        "_sympy_literal": _sympy_literal,
    }
    exec(compile(src, f"<gramgen writer {source}>", "exec"), namespace)
    fn: Writer = namespace["write"]
    return fn
