"""Answer parsing/grading table, and exact unit conversion."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
import sympy

from gramgen.errors import InvalidArgument
from gramgen.solvers import Verdict, convert, grade, parse_answer, parse_unit
from gramgen.solvers.answers import AnswerNotFound

V, R, INC = Verdict.VERIFIED, Verdict.REFUTED, Verdict.INCONCLUSIVE

# (given text, expected, options, verdict)
GRADING = [
    ("3/4", F(3, 4), {}, V),
    ("0.75", F(3, 4), {}, V),
    ("75%", F(3, 4), {}, V),
    ("75%", 75, {}, V),
    ("75%", F(3, 4), {"percent_ok": False}, R),
    ("0.75", 75, {}, R),
    ("$1,250.00", 1250, {}, V),
    ("$1,250.00", 125000, {"unit": "cents"}, V),
    ("1 1/2", F(3, 2), {}, V),
    ("-1 1/2", F(-3, 2), {}, V),
    ("-2", -2, {}, V),
    ("\u22122", -2, {}, V),
    ("1.5e3", 1500, {}, V),
    ("x = 5", 5, {}, V),
    ("The answer is 42.", 42, {}, V),
    ("The answer is 41.", 42, {}, R),
    ("#### 18", 18, {}, V),
    ("\\frac{3}{4}", F(3, 4), {}, V),
    ("$\\dfrac{3}{4}$", F(3, 4), {}, V),
    ("\\boxed{7}", 7, {}, V),
    ("so we get \\boxed{\\frac{1}{2}} in the end", F(1, 2), {}, V),
    ("sqrt(2)/2", sympy.sqrt(2) / 2, {}, V),
    ("1/sqrt(2)", "sqrt(2)/2", {}, V),
    ("2\\sqrt{3}", sympy.sqrt(12), {}, V),
    ("0.707", sympy.sqrt(2) / 2, {}, R),
    ("3pi/4", 3 * sympy.pi / 4, {}, V),
    ("12 km", 12, {}, V),
    ("12 km", 12000, {"unit": "m"}, V),
    ("1.5 km", 1500, {"unit": "m"}, V),
    ("3.5 hours", 210, {"unit": "min"}, V),
    ("3 km", 3, {"unit": "h"}, R),
    ("90 km/h", 25, {"unit": "m/s"}, V),
    ("2 11/12 hours", F(35, 12), {}, V),  # a mixed number before a unit
    ("It takes 2 1/2 hours.", 150, {"unit": "min"}, V),
    ("1 square meter", 10000, {"unit": "cm2"}, V),
    ("54 cubic centimeters", F(27, 500), {"unit": "L"}, V),
    ("100 m", 100, {"unit": "square meters"}, R),
    ("She has 42 apples left.", 42, {}, V),
    ("**42**", 42, {}, V),
    ("Answer: 50 percent", F(1, 2), {}, V),
    ("I don't know", 3, {}, R),
    ("1,000,000", 10**6, {}, V),
    ("0.1 + 0.2", F(3, 10), {}, V),
    ("2.50", F(5, 2), {}, V),
    ("7/0", 7, {}, R),
]


@pytest.mark.parametrize(("given", "expected", "options", "verdict"), GRADING)
def test_grading_table(given, expected, options, verdict):
    check = grade(given, expected, **options)
    assert check.verdict is verdict, check
    assert check.reason  # every verdict says what was read (or why not)


def test_grading_table_is_big_enough():
    assert len(GRADING) >= 30


def test_reason_says_what_was_parsed():
    check = grade("1.5 km", 1500, unit="m")
    assert "1.5 km" in check.reason and "1500 m" in check.reason
    assert "expected 42" in grade("41", 42).reason


def test_undecidable_equivalence_is_inconclusive(monkeypatch):
    from gramgen.solvers import answers

    monkeypatch.setattr(answers, "is_zero", lambda expr: None)
    assert grade("sqrt(2)", sympy.sqrt(2) + 0 * sympy.pi).verdict is INC


def test_parse_answer_fields():
    p = parse_answer("The answer is 75%.")
    assert p.value == F(3, 4) and p.number == 75 and p.percent
    p = parse_answer("It takes 3.5 hours")
    assert p.value == F(7, 2) and p.unit is not None and p.unit.name == "h"
    with pytest.raises(AnswerNotFound):
        parse_answer("no digits here")


def test_parse_answer_never_evaluates_code():
    for text in ("__import__('os').system('true')", "().__class__", "open('x').read()"):
        with pytest.raises(AnswerNotFound):
            parse_answer(text)
    # a power tower is refused as an expression (only the fallback "last number" is read)
    assert parse_answer("9**9**9**9").value == 9
    assert grade("9**9**9**9", 9**9).verdict is R


def test_expected_float_is_rejected():
    with pytest.raises(InvalidArgument, match="exact"):
        grade("0.5", 0.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------- units
@pytest.mark.parametrize(
    ("value", "src", "dst", "result"),
    [
        (F(3, 2), "km", "m", 1500),
        (1, "mile", "km", F(201168, 125000)),
        (12, "inches", "feet", 1),
        (1, "lb", "oz", 16),
        (90, "km/h", "m/s", 25),
        (60, "mph", "kilometers per hour", F(12070080, 125000)),
        (2, "hours", "minutes", 120),
        (1, "day", "h", 24),
        (3, "L", "mL", 3000),
        (5, "dollars", "cents", 500),
        (250, "g", "kg", F(1, 4)),
    ],
)
def test_convert_exact(value, src, dst, result):
    assert convert(value, src, dst) == result


def test_unit_names_and_errors():
    assert parse_unit("kilometres").name == "km"
    assert parse_unit("Hours").name == "h"
    assert parse_unit("h").name == "h"
    assert parse_unit("km per hour").dimension == "length/time"
    with pytest.raises(InvalidArgument, match="cannot convert km"):
        convert(1, "km", "h")
    with pytest.raises(InvalidArgument, match="unknown unit 'parsecs'"):
        parse_unit("parsecs")
    with pytest.raises(InvalidArgument, match="float"):
        convert(1.5, "km", "m")  # type: ignore[arg-type]
