"""Rational equations about shared work: one worker's (or a drain's) time alone from
the time the job takes together."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story


def _q(name: str) -> Any:
    return sympy.Symbol(name, real=True)


class WorkAlone(Story):
    title = "Rational equations: one worker's time alone from the time together"
    verbs = ("WORK",)
    lexicons: ClassVar[dict[str, Any]] = {
        "job": ("paint the fence", "mow the lawn", "clean the garage", "weed the garden",
                "wash the windows", "rake the leaves", "sort the mail", "stack the wood",
                "sweep the yard", "tidy the attic"),
        "tank": ("tank", "pool", "pond", "cistern", "trough", "reservoir"),
    }  # fmt: skip
    answer_unit = "hours"
    # generated answers are whole; a vague number may leave a fraction, which answers it
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.toks: dict[str, Token] = {}

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals -------------------------------------------------------------------

    def POSS_B(self, tok: Token) -> str:
        return self.pronoun(tok, "b", "possessive")

    def JOB(self, tok: Token) -> str:
        return self.word(tok, "job")

    def TANK(self, tok: Token) -> str:
        return self.noun(tok, "tank", 1)

    # -- sentences hand over their number; the levels say what it is ---------------

    def _keep(self, c: list[Any], key: str) -> None:
        (self.toks[key],) = self.tokens(c)

    def alone_a(self, c: list[Any]) -> None:
        self._keep(c, "a")

    def together(self, c: list[Any]) -> None:
        self._keep(c, "t")

    def tap(self, c: list[Any]) -> None:
        self._keep(c, "a")

    def both_open(self, c: list[Any]) -> None:
        self._keep(c, "t")

    def start_alone(self, c: list[Any]) -> None:
        self._keep(c, "h")

    def finish(self, c: list[Any]) -> None:
        self._keep(c, "t")

    def ask_b(self, c: list[Any]) -> None:
        return None

    ask_drain = ask_b

    # -- levels ----------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        # with q chosen, a = g (1 + q), t = g q and the other takes g q (1 + q) hours
        q = self.unknown("q", 2, 5)
        t = self.number(self.toks["t"], 2, 12, name="t")
        g = self.let("g", t / q, domain="whole")
        a = self.result(self.toks["a"], g * (1 + q), name="a_hours", hi=30)
        self.step("{a} does 1/{a_hours} of the job in an hour; working together they do 1/{t}.")
        rate = self.let("rate", 1 / t - 1 / a)
        self.step("So {b} does 1/{t} - 1/{a_hours} = {rate:fraction} of the job in an hour.")
        b = self.let("b_hours", 1 / rate)
        self.step("{b} alone would need 1 / ({rate:fraction}) = {b_hours} hours.")
        self.step("So {b} would take {b_hours} hours working alone.")
        return b

    def level2(self, c: list[Any]) -> Any:
        # the tap alone is the "together" of the two: a = g q, t = g (1 + q),
        # and the drain empties the tank in g q (1 + q) hours
        q = self.unknown("q", 2, 4)
        a = self.number(self.toks["a"], 2, 12, name="a_hours")
        g = self.let("g", a / q, domain="whole")
        t = self.result(self.toks["t"], g * (1 + q), name="t", hi=24)
        self.step("Filling alone, 1/{a_hours} of the {tank:1} fills in an hour.")
        self.step("With the drain open, the {tank:1} gains only 1/{t} of its volume in an hour.")
        rate = self.let("rate", 1 / a - 1 / t)
        self.step(
            "So the drain empties 1/{a_hours} - 1/{t} = {rate:fraction} of the {tank:1} in an hour."
        )
        b = self.let("drain", 1 / rate)
        self.step("A full {tank:1} drains in 1 / ({rate:fraction}) = {drain} hours.")
        self.step("So the drain takes {drain} hours to empty the {tank:1}.")
        return b

    def level3(self, c: list[Any]) -> Any:
        # a = h + t + r: r hours of the first person's work are left when the other
        # joins; the other does r/a of the job in t hours and takes t a / r alone
        r = self.unknown("r", 1, 5)
        t = self.number(self.toks["t"], 2, 5, name="t")
        h = self.number(self.toks["h"], 2, 9, name="h")
        a = self.result(self.toks["a"], h + t + r, name="a_hours")
        hours = self.let("worked", h + t)
        self.step("{a} works {h} + {t} = {worked} hours in all.")
        done = self.let("done_a", hours / a)
        self.step("In that time {a} does {worked}/{a_hours} of the job.")
        left = self.let("left", 1 - done)
        self.step(
            "That leaves 1 - {worked}/{a_hours} = {left:fraction} of the job, "
            "which {b} does in {t} hours."
        )
        b = self.let("b_hours", t / left, domain="whole")
        self.step("So {b} alone would need {t} / ({left:fraction}) = {b_hours} hours.")
        self.step("{b} would take {b_hours} hours working alone.")
        return b
