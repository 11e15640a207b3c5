"""Steps, traces, sympy traces and the trace sandbox; construction collapse."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

from gramgen.errors import GramgenError
from gramgen.solvers import (
    POSITIVE,
    WHOLE,
    Domain,
    GenerationCollapsed,
    Problem,
    Sampler,
    Skeleton,
    Step,
    TraceError,
    UnsafeTrace,
    Verdict,
    check_solution,
    run_sympy_trace,
    run_trace,
    solution_steps,
    sympy_trace,
    trace_from_steps,
)

CHAIN = Problem(
    relations=("total = a*b", "left = total - c", "each = left / d"),
    knowns={"a": 3, "b": 4, "c": 2, "d": 5},
    unknowns=("total", "left", "each"),
    answer="each",
    domains={"each": WHOLE},
)


def test_gsm8k_style_steps_agree():
    steps = [
        Step("Natalia sold 48/2 = <<48/2=24>>24 clips in May.", "48/2", 24, "may"),
        Step("In total she sold 48+24 = <<48+24=72>>72 clips.", "48 + may", 72, "total"),
    ]
    trace = "april = 48\nmay = april / 2\nanswer = april + may\n"
    assert check_solution(steps, trace, 72).ok


@pytest.mark.parametrize(
    ("steps", "trace", "answer", "needle"),
    [
        (
            [Step("5+3 = <<5+3=9>>9", "5+3", 9)],
            "answer = 9",
            9,
            "step 1 ('5+3 = <<5+3=9>>9'): 5+3 = 8",
        ),
        ([Step("<<5+3=9>>8", "5+3", 8)], "answer = 8", 8, "annotation <<5+3=9>> is wrong"),
        ([Step("8", "5+3", 8)], "answer = 7", 8, "trace answer 7 != answer 8"),
        ([Step("8", "5+3", 8)], "answer = 8", 9, "final step gives 8"),
        ([Step("8", "5+3", 8, "x")], "x = 7\nanswer = 8", 8, "trace has x = 7"),
        ([Step("8", "5+3", 8)], "x = 8", 8, "trace defines no 'answer'"),
        ([Step("8", "5+3", 8)], "answer = __import__('os')", 8, "trace rejected"),
    ],
)
def test_disagreements_are_refuted(steps, trace, answer, needle):
    check = check_solution(steps, trace, answer)
    assert check.verdict is Verdict.REFUTED and needle in check.reason, check


def test_steps_trace_and_sympy_trace_from_a_problem():
    steps = solution_steps(CHAIN)
    assert [s.name for s in steps][-3:] == ["total", "left", "each"]
    assert "<<12 - 2=10>>" in steps[-2].text or "<<-2 + 12=10>>" in steps[-2].text
    trace = trace_from_steps(steps)
    assert run_trace(trace)["answer"] == 2
    script = sympy_trace(CHAIN)
    assert run_sympy_trace(script) == 2
    assert check_solution(steps, trace, 2, sympy_source=script).ok
    assert check_solution(steps, trace, 3, sympy_source=script).is_refuted


def test_linear_and_quadratic_problems_have_agreeing_traces():
    lin = Problem(
        relations=("x + y = s", "x - y = d"),
        knowns={"s": 10, "d": F(1, 2)},
        unknowns=("x", "y"),
        answer="y",
    )
    quad = Problem(
        relations=("x**2 - s*x + q = 0",),
        knowns={"s": 1, "q": -6},
        unknowns=("x",),
        answer="x",
        domains={"x": POSITIVE},
    )
    for p in (lin, quad):
        steps = solution_steps(p)
        value = p.answer_value()
        assert check_solution(steps, trace_from_steps(steps), value, sympy_source=sympy_trace(p)).ok


def test_sympy_trace_with_two_solutions_is_rejected():
    p = Problem(relations=("x**2 = 4",), knowns={}, unknowns=("x",), answer="x")
    with pytest.raises(TraceError, match="2 solutions"):
        run_sympy_trace(sympy_trace(p))


def test_trace_exact_arithmetic():
    out = run_trace("a = 5\nb = Fraction(3, 4)\nc = 0.1 + 0.2\nanswer = a * b + math.comb(5, 2)")
    assert out == {"a": 5, "b": F(3, 4), "c": F(3, 10), "answer": F(55, 4)}
    assert run_trace("x = round(Fraction(7, 2))\ny = max(1, 2, 3) - abs(-4)")["y"] == -1


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("x = __import__('os')", "calling '__import__'"),
        ("x = a.b", "attribute access 'a.b'"),
        ("x = (1).__class__", "attribute access"),
        ("x = (lambda: 1)()", "calling 'lambda: 1'"),
        ("f = lambda: 1", "Lambda"),
        ("x = [i for i in [1]]", "ListComp"),
        ("x = {i for i in [1]}", "SetComp"),
        ("x = 10**10**10", "exponent 10000000000"),
        ("x = 2**100000", "exponent 100000"),
        ("import os", "statement Import"),
        ("print(1)", "statement Expr"),
        ("while 1: pass", "statement While"),
        ("x = open('f')", "calling 'open'"),
        ("x = math.system(1)", "calling 'math.system'"),
        ("__x = 1", "assigning to '__x'"),
        ("x = 'abc'", "a string outside Fraction"),
        ("x = 1 if 1 else 2", "IfExp"),
        ("x = 1 < 2", "Compare"),
    ],
)
def test_malicious_traces_are_rejected_before_running(source, needle):
    with pytest.raises(UnsafeTrace) as err:
        run_trace(source)
    assert needle in str(err.value)


def test_runtime_trace_errors_are_clear():
    with pytest.raises(TraceError, match="division by zero at line 2"):
        run_trace("a = 0\nb = 1 / a")
    with pytest.raises(TraceError, match="name 'z' is not defined"):
        run_trace("a = z")
    with pytest.raises(TraceError, match="too large"):
        run_trace("a = 10**999\nb = a**999")
    with pytest.raises(TraceError, match="factorial"):
        run_trace("a = math.factorial(100000)")


def test_unsafe_sympy_traces_are_rejected():
    for src in ("import os", "x = eval('1')", "x = solve.__globals__", "answer = 2**10**10"):
        with pytest.raises(UnsafeTrace):
            run_sympy_trace(src)


# ---------------------------------------------------------------- construction collapse
def test_generation_collapsed_message_is_useful():
    sk = Skeleton.of(["y = x**2 + 1"], ["x"], ["y"], {"y": Domain("integer", lo=5, hi=5)})
    sampler = Sampler(sk, {"x": Domain.between(1, 10**6)}, window=200, min_rate=0.05)
    with pytest.raises(GenerationCollapsed) as err:
        sampler.samples(random.Random(0), 3)
    msg = str(err.value)
    assert "y = x**2 + 1" in msg and "0.00%" in msg and "last 200 tries" in msg
    assert "is not an integer between" in msg
    assert isinstance(err.value, GramgenError)
    assert err.value.top_reasons and sampler.stats.tries >= 200


def test_sampler_from_problem_carries_the_problem():
    sampler = Sampler.from_problem(
        CHAIN,
        {
            "a": Domain.between(1, 9),
            "b": Domain.between(1, 9),
            "c": Domain.between(0, 9),
            "d": Domain.between(1, 9),
        },
    )
    smp = sampler.sample(random.Random(1))
    assert smp.problem is not None and smp.problem.solve().check.ok
    assert smp.problem.answer_value() == smp.values["each"]


def test_sampler_argument_errors():
    sk = Skeleton.of(["y = 2*x"], ["x"], ["y"])
    with pytest.raises(GramgenError, match="bounded domain"):
        Sampler(sk, {"x": WHOLE})
    with pytest.raises(GramgenError, match="not in the skeleton"):
        Sampler(sk, {"z": Domain.between(1, 2)})
    with pytest.raises(GramgenError, match=r"random\.Random"):
        Sampler(sk, {"x": Domain.between(1, 2)}).draw(42)  # type: ignore[arg-type]


def test_rational_free_values_on_a_grid():
    sk = Skeleton.of(["cost = price * n"], ["price", "n"], ["cost"], {"cost": WHOLE})
    sampler = Sampler(
        sk,
        {"price": Domain("rational", lo=1, hi=5), "n": Domain.between(1, 12)},
        steps={"price": F(1, 4)},
    )
    for smp in sampler.samples(random.Random(5), 50):
        assert (smp.knowns["price"] * 4).denominator == 1
        assert smp.values["cost"] == smp.knowns["price"] * smp.knowns["n"]


def test_quantity_named_answer_does_not_clash_with_the_trace_answer():
    p = Problem(
        relations=("answer = 0.15*price", "solve = price - answer"),
        knowns={"price": 240},
        unknowns=("answer", "solve"),
        answer="solve",
        domains={"solve": POSITIVE},
    )
    steps = solution_steps(p)
    trace = trace_from_steps(steps)
    assert "answer_q = 3*price/20" in trace
    assert check_solution(steps, trace, 204, sympy_source=sympy_trace(p)).ok
