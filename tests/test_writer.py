"""The compiled writer of a view's steps and trace writes what the templates say."""

from __future__ import annotations

from fractions import Fraction

import pytest

from gramgen.errors import SemanticError
from gramgen.writer import compile_writer, template_parts


def _writer(steps, *, styles=None, roles=(), trace=(), kind="python", answer_style="int"):
    quantities = {"a", "b", "answer"}
    return compile_writer(steps, quantities, styles or {}, answer_style, set(roles),
                          list(trace), kind, "shop.lark")  # fmt: skip


def test_numbers_take_the_style_of_their_field_slot_or_the_answer():
    w = _writer(["{a:comma} and {b} make {answer}"], styles={"b": "money"},
                answer_style="money")  # fmt: skip
    steps, _ = w({"a": 12500, "b": Fraction(5, 2), "answer": 12500 + Fraction(5, 2)}, {})
    assert steps == ["12,500 and $2.50 make $12,502.50"]


def test_a_fraction_in_a_whole_number_style_is_written_as_a_fraction():
    w = _writer(["{a} / 2 = {answer}"])
    assert w({"a": 3, "b": 1, "answer": Fraction(3, 2)}, {})[0] == ["3 / 2 = 3/2"]
    # and a whole Fraction is written as a whole number
    assert w({"a": Fraction(4), "b": 1, "answer": Fraction(2)}, {})[0] == ["4 / 2 = 2"]


def test_role_words_are_singular_with_spec_1_else_plural():
    w = _writer(["{a} {item:1} box holds {b} {item}"], roles={"item"})
    steps, _ = w({"a": 1, "b": 6, "answer": 6}, {"item": ("muffin", "muffins")})
    assert steps == ["1 muffin box holds 6 muffins"]


def test_a_field_that_is_neither_quantity_nor_role_names_the_file_and_template():
    with pytest.raises(SemanticError, match=r"shop\.lark: step '\{a\} \+ \{c\}' names \{c\}"):
        _writer(["{a} + {c}"], roles={"item"})


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("python", "from fractions import Fraction\na = Fraction(7)\nb = Fraction(3, 4)\n"),
        ("sympy", "from fractions import Fraction\na = Integer(7)\nb = Rational(3, 4)\n"),
    ],
)
def test_trace_literals_follow_the_trace_kind(kind, expected):
    trace = [("from fractions import Fraction", None), ("a = {}", "a"), ("b = {}", "b")]
    if kind == "python":
        trace = [trace[0], ("a = Fraction({})", "a"), ("b = Fraction({})", "b")]
    w = _writer([], trace=trace, kind=kind)
    assert w({"a": 7, "b": Fraction(3, 4), "answer": 1}, {}) == ([], expected)


def test_template_parts_split_fields_and_specs():
    assert template_parts("{a} + {b:1} .") == (("", "a", ""), (" + ", "b", "1"), (" .", "", ""))


def test_views_with_the_same_solution_share_a_writer_and_others_do_not():
    # a family has thousands of views and most write alike: their writer is compiled once
    same = _writer(["{a} + {b} = {answer}"]), _writer(["{a} + {b} = {answer}"])
    assert same[0] is same[1]
    other = _writer(["{b} + {a} = {answer}"])
    values = {"a": 1, "b": 2, "answer": 3}
    assert other(values, {})[0] == ["2 + 1 = 3"] != same[0](values, {})[0]


_STYLES = ["int", "decimal", "comma", "money", "cents", "percent", "fraction", "mixed", "words"]


_NUMBERS = (0, 7, 999, 1000, 123456, -1250)
_WHOLE_CASES = [(s, n) for s in _STYLES for n in _NUMBERS if s != "words" or 0 <= n <= 1000]


@pytest.mark.parametrize(("style", "n"), _WHOLE_CASES)
def test_a_whole_number_is_written_as_format_number_writes_it(style, n):
    """Whole numbers take a shortcut in the writer's code: the same text as the general
    way, as an int or as a whole Fraction."""
    from gramgen.semantics import format_number

    w = _writer([f"{{a:{style}}}"])
    assert w({"a": n, "b": 1, "answer": 1}, {})[0] == [format_number(n, style)]
    assert w({"a": Fraction(n), "b": 1, "answer": 1}, {})[0] == [format_number(n, style)]
