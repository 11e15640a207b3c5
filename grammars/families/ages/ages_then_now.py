"""Ages then and now: a relation now and another in n years or n years ago."""

from __future__ import annotations

from typing import Any

import sympy
from lark import Token

from gramgen.semantics import Story


def _q(name: str) -> Any:
    return sympy.Symbol(name, real=True)


class AgesThenNow(Story):
    title = "Ages then and now: times as old now and in other years"
    answer_unit = "years"
    # generated ages are whole; a vague number may leave a fraction, which answers it
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.toks: dict[str, Token] = {}
        self.when = "future"
        self.ask = ""

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    WORDNUM = Story.NUM

    # -- sentences hand over their numbers; the levels say what they are -------------

    def _keep(self, c: list[Any], *keys: str) -> None:
        for key, tok in zip(keys, self.tokens(c), strict=False):
            self.toks[key] = tok
        for tok in self.tokens(c, "WORDNUM"):
            self.toks["k"] = tok

    def older(self, c: list[Any]) -> None:
        self._keep(c, "d")

    def future(self, c: list[Any]) -> None:
        self._keep(c, "n")

    def times_now(self, c: list[Any]) -> None:
        (self.toks["m"],) = self.tokens(c, "WORDNUM")

    def then_future(self, c: list[Any]) -> None:
        self._keep(c, "n")
        self.when = "future"

    def then_past(self, c: list[Any]) -> None:
        self._keep(c, "n")
        self.when = "past"

    def sum_now(self, c: list[Any]) -> None:
        self._keep(c, "s")

    def distract(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 2, 12, name="aside", vague=None)

    def ask_b(self, c: list[Any]) -> None:
        return None

    ask_a = then = ask_b

    def ask_twice(self, c: list[Any]) -> None:
        self.ask = "twice"

    def ask_ago(self, c: list[Any]) -> None:
        self.ask = "ago"
        (self.toks["k"],) = self.tokens(c, "WORDNUM")

    def ask_when(self, c: list[Any]) -> None:
        return None

    # -- levels ----------------------------------------------------------------------

    def level2(self, c: list[Any]) -> Any:
        # a + n = k (b + n) with a = b + d: d = (k - 1)(b + n)
        b = self.unknown("b_age", 2, 15)
        k = self.number(self.toks["k"], 2, 4, name="k", style="words")
        n = self.number(self.toks["n"], 2, 10, name="n")
        self.result(self.toks["d"], (k - 1) * (b + n), name="d")
        self.step(
            "In {n} years both will be {n} years older, and {a} will still be {d} years older "
            "than {b}."
        )
        self.step(
            "Then the age of {a} will be {k:int} times the age of {b}, so the difference of "
            "{d} years will be ({k:int} - 1) times the age of {b} at that time."
        )
        later = self.let("b_later", _q("d") / (k - 1))
        self.step(
            "{d} / ({k:int} - 1) = {b_later}, so {b} will be {b_later} years old in {n} years."
        )
        now = self.let("b_now", later - n)
        self.step("{b_later} - {n} = {b_now}")
        self.step("So {b} is {b_now} years old now.")
        return now

    def level1(self, c: list[Any]) -> Any:
        # (neither is left vague: with "three times" now only "twice" fits later, and
        # with "twice" later only "three times" keeps the younger one at least 2 then)
        m = self.number(self.toks["m"], 3, 5, name="m", style="words", vague=None)
        k = self.number(self.toks["k"], 2, 6, name="k", style="words", vague=None)
        b = self.unknown("b_age", 2, 15)
        future = self.when == "future"
        # future: m b + n = k (b + n), n = b (m - k)/(k - 1) (m > k);
        # past:   m b - n = k (b - n), n = b (k - m)/(k - 1) (k > m)
        gap = m - k if future else k - m
        n = self.result(self.toks["n"], b * gap / (k - 1), name="n", hi=30)
        self.let("gap", gap, domain="whole")
        self.let("n_more", n - 1, domain="whole")  # at least 2 years
        self.let("young_then", b - n + 2 * (1 if future else 0) - 1)  # at least 2 then
        self.step("Call the age of {b} now x. Then {a} is {m:int}x years old.")
        if future:
            self.step("In {n} years: {m:int}x + {n} = {k:int}(x + {n}).")
            self.step(
                "Take {k:int}x and {n} from both sides: ({m:int} - {k:int})x = ({k:int} - 1) x {n}."
            )
        else:
            self.step("{n} years ago: {m:int}x - {n} = {k:int}(x - {n}).")
            self.step(
                "Collect the x terms on one side: ({k:int} - {m:int})x = ({k:int} - 1) x {n}."
            )
        rhs = self.let("rhs", (k - 1) * n)
        self.step(
            f"({{{'m' if future else 'k'}:int}} - {{{'k' if future else 'm'}:int}}) = {{gap}} "
            "and ({k:int} - 1) x {n} = {rhs}"
        )
        self.let("x", rhs / _q("gap"))
        self.step("So x = {rhs} / {gap} = {x}: {b} is {x} years old.")
        a = self.let("a_age", m * b)
        self.step("{a} is {m:int} x {x} = {a_age} years old.")
        self.step("So {a} is {a_age} years old now.")
        return a

    def level3(self, c: list[Any]) -> Any:
        b = self.unknown("b_age", 5, 30)
        y = self.unknown("y", 2, 15)
        if self.ask == "twice":
            a = 2 * b + y  # in y years a + y = 2 (b + y)
        else:
            k = self.number(self.toks["k"], 2, 4, name="k", style="words")
            self.let("back_then", b - y - 1)  # b was at least 2 years old y years ago
            a = k * b - (k - 1) * y  # y years ago a - y = k (b - y)
        self.result(self.toks["d"], a - b, name="d")
        self.result(self.toks["s"], a + b, name="s", hi=120)
        twice_a = self.let("twice_a", _q("s") + _q("d"))
        a_age = self.let("a_age", twice_a / 2)
        self.step(
            "The sum and the difference together count the age of {a} twice: "
            "{s} + {d} = {twice_a}, and {twice_a} / 2 = {a_age}."
        )
        b_age = self.let("b_now", _q("s") - a_age)
        self.step("So {a} is {a_age} and {b} is {s} - {a_age} = {b_now} years old.")
        if self.ask == "twice":
            self.step("In y years: {a_age} + y = 2({b_now} + y), so y = {a_age} - 2 x {b_now}.")
            got = self.let("years", a_age - 2 * b_age)
            self.step("{a_age} - 2 x {b_now} = {years}")
            self.step("So in {years} years {a} will be twice as old as {b}.")
            return got
        k = _q("k")
        self.step(
            "y years ago: {a_age} - y = {k:int}({b_now} - y), "
            "so ({k:int} - 1)y = {k:int} x {b_now} - {a_age}."
        )
        kb = self.let("kb", k * b_age)
        diff = self.let("diff", kb - a_age)
        self.step("{k:int} x {b_now} = {kb} and {kb} - {a_age} = {diff}")
        km1 = self.let("km1", k - 1)
        got = self.let("years", diff / km1)
        self.step("y = {diff} / {km1} = {years}")
        self.step("So {years} years ago {a} was {k:int} times as old as {b}.")
        return got
