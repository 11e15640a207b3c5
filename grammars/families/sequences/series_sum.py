"""The sum of an arithmetic series, worked backwards: first term, step or number of terms."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story


def _q(name: str) -> Any:
    return sympy.Symbol(name, real=True)


class SeriesSum(Story):
    title = "Arithmetic series: the first term, the step or the number of terms from the total"
    verbs = ("READ", "PRACTICE", "HAVE", "MANAGE", "ADD", "COUNT")
    lexicons: ClassVar[dict[str, Any]] = {
        "pages": ("page",), "minutes": ("minute",), "rows": ("row",),
    }  # fmt: skip
    answer_unit = "unit"
    # generated answers are whole; a vague number may leave a fraction, which answers it
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.toks: dict[str, Token] = {}

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    def MONEY(self, tok: Token) -> Token:
        return tok

    def UNIT(self, tok: Token) -> str:
        return self.noun(tok, "unit", lexicon={1: "pages", 2: "minutes", 3: "rows"}[self.level])

    # -- sentences hand over their numbers; the levels say what they are -------------

    def _keep(self, c: list[Any], *keys: str) -> None:
        toks = [x for x in c if isinstance(x, Token) and x.type in ("NUM", "MONEY")]
        for key, tok in zip(keys, toks, strict=True):
            self.toks[key] = tok

    def read_total(self, c: list[Any]) -> None:
        self._keep(c, "n", "s")

    def read_total_b(self, c: list[Any]) -> None:
        self._keep(c, "s", "n")

    def read_more(self, c: list[Any]) -> None:
        self._keep(c, "d")

    stack_more = read_more

    def practice_first(self, c: list[Any]) -> None:
        self._keep(c, "a")

    stack_top = practice_first

    def practice_total(self, c: list[Any]) -> None:
        self._keep(c, "n", "s")

    def practice_total_b(self, c: list[Any]) -> None:
        self._keep(c, "s", "n")

    def stack_total(self, c: list[Any]) -> None:
        self._keep(c, "s")

    def practice_grow(self, c: list[Any]) -> None:
        return None

    ask_rows = practice_grow

    def distract(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 2, 40, name="aside", vague=None)
        for tok in self.tokens(c, "MONEY"):
            self.number(tok, 1, 3, name="aside", style="money", vague=None)

    def ask_first(self, c: list[Any]) -> str:
        return "first"

    def ask_last(self, c: list[Any]) -> str:
        return "last"

    def ask_step(self, c: list[Any]) -> str:
        return "step"

    def ask_read(self, c: list[Any]) -> str:
        return str(c[0])

    ask_practice = ask_read

    # -- levels ----------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        n = self.number(self.toks["n"], 4, 8, name="n")
        d = self.number(self.toks["d"], 2, 6, name="d")
        a = self.unknown("a0", 5, 30)
        self.result(self.toks["s"], n * a + d * n * (n - 1) / 2, name="s")
        extra = self.let("extra", d * (n - 1) * n / 2)
        self.step(
            "Compared with the first day, the days add 0, {d}, 2 x {d} and so on extra pages: "
            "{d} x ({n} - 1) x {n} / 2 = {extra} in all."
        )
        base = self.let("base", _q("s") - extra)
        self.step("Without the extra pages: {s} - {extra} = {base}.")
        first = self.let("first", base / n)
        self.step("That is {n} equal days: {base} / {n} = {first} pages on the first day.")
        if c[-1] == "first":
            self.step("So {a} reads {first} pages on the first day.")
            return first
        last = self.let("last", first + (n - 1) * d)
        self.step("On the last day: {first} + ({n} - 1) x {d} = {last}")
        self.step("So {a} reads {last} pages on the last day.")
        return last

    def level2(self, c: list[Any]) -> Any:
        a = self.number(self.toks["a"], 5, 20, name="start")
        n = self.number(self.toks["n"], 4, 8, name="n")
        d = self.unknown("d", 2, 5)
        self.result(self.toks["s"], n * a + d * n * (n - 1) / 2, name="s")
        base = self.let("base", n * a)
        self.step(
            "Without any increase, {n} days of {start} minutes would make "
            "{n} x {start} = {base} minutes."
        )
        extra = self.let("extra", _q("s") - base)
        self.step("The increases add {s} - {base} = {extra} minutes.")
        steps = self.let("steps", (n - 1) * n / 2)
        self.step(
            "Day 2 has one increase, day 3 two, and so on: ({n} - 1) x {n} / 2 = {steps} "
            "increases in all."
        )
        step = self.let("step", extra / steps)
        self.step("Each increase is {extra} / {steps} = {step} minutes.")
        if c[-1] == "step":
            self.step("So {a} practices {step} minutes longer each day.")
            return step
        last = self.let("last", a + (n - 1) * step)
        self.step("On the last day: {start} + ({n} - 1) x {step} = {last}")
        self.step("So {a} practices for {last} minutes on the last day.")
        return last

    def level3(self, c: list[Any]) -> Any:
        # (never left vague: another number rarely gives a whole number of rows)
        a = self.number(self.toks["a"], 4, 12, name="top", vague=None)
        d = self.number(self.toks["d"], 2, 4, name="d", vague=None)
        rows = self.unknown("rows", 5, 14)
        self.result(self.toks["s"], rows * a + d * rows * (rows - 1) / 2, name="s")
        self.step(
            "With n rows, the bottom row has {top} + (n - 1) x {d} cans, and the rows add up to "
            "n x (2 x {top} + (n - 1) x {d}) / 2 cans."
        )
        self.let("twice", 2 * _q("s"))
        lin = self.let("lin", 2 * a - d)
        self.step(
            "Set that equal to {s} and double both sides: {d}n² + {lin}n = {twice}, since "
            "2 x {top} - {d} = {lin}."
        )
        n = self.let("n_rows", rows)
        self.let("other", d * rows + lin)
        self.step(
            "This factors as (n - {n_rows})({d}n + {other}) = 0; "
            "check: {n_rows} x {other} = {twice}."
        )
        self.step("The number of rows cannot be negative, so the stack has {n_rows} rows.")
        return n
