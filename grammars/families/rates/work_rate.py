"""Working together: from each person's time alone, the time the job takes together."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class WorkRate(Story):
    title = "Working together (work rates)"
    lexicons: ClassVar[dict[str, Any]] = {
        "job": ("paint the fence", "mow the lawn", "clean the garage", "weed the garden",
                "wash the windows", "rake the leaves", "sort the mail", "stack the wood",
                "sweep the yard", "tidy the attic"),
    }  # fmt: skip
    answer_style = "mixed"
    answer_domain = "rational"
    answer_unit = "hours"

    def THIRD(self, tok: Token) -> str:
        return self.person(tok, "c")

    def FOURTH(self, tok: Token) -> str:
        return self.person(tok, "d")

    def POSS_B(self, tok: Token) -> str:
        return self.pronoun(tok, "b", "possessive")

    def REFL_B(self, tok: Token) -> str:
        return self.pronoun(tok, "b", "reflexive")

    def POSS_C(self, tok: Token) -> str:
        return self.pronoun(tok, "c", "possessive")

    def REFL_C(self, tok: Token) -> str:
        return self.pronoun(tok, "c", "reflexive")

    def JOB(self, tok: Token) -> str:
        return self.word(tok, "job")

    HRS = MONEY = Story.NUM

    # -- sentences --------------------------------------------------------------------

    def alone_a(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c, "HRS")
        return tok

    alone_b = alone_c = alone_a

    def other(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 2, 12, name="aside")
        for tok in self.tokens(c, "MONEY"):
            self.number(tok, 20, 200, step=10, name="aside", style="money")

    def ask_two(self, c: list[Any]) -> None:
        return None

    ask_three = ask_two

    # -- the answer -------------------------------------------------------------------

    def _together(self, hours: list[Any]) -> Any:
        names = "abc"[: len(hours)]
        rates = []
        for n, h in zip(names, hours, strict=True):
            rates.append(self.let(f"rate_{n}", 1 / h, domain="rational"))
            self.step(f"{{{n}}} does 1/{{{h}}} of the job in an hour.")
        rate = self.let("rate", sum(rates), domain="rational")
        self.step(
            " + ".join(f"1/{{{h}}}" for h in hours) + " = {rate:fraction} of the job per hour."
        )
        time = self.let("time", 1 / rate, domain="rational")
        if self.level == 2:  # levels 1 and 3 choose the time together first
            self.let("twelfths", time * 12)  # a simple fraction: halves, thirds, ...
        self.step("Together they need 1 / ({rate:fraction}) = {time:fraction} hours.")
        self.step("The job takes {time} hours together.")
        return time

    def level1(self, c: list[Any]) -> Any:
        a_tok, b_tok, _ = c
        # chosen so that the time together is whole: b = a t / (a - t)
        together = self.unknown("together", 2, 4)
        a = self.number(a_tok, 3, 12, name="hours_a")
        b = self.result(b_tok, a * together / (a - together), name="hours_b", hi=12)
        self.let("unlike", 1 / (a - b), domain="any")  # two different times
        return self._together([a, b])

    def level2(self, c: list[Any]) -> Any:
        a_tok, b_tok, _ = c
        a = self.number(a_tok, 4, 20, name="hours_a")
        b = self.number(b_tok, 4, 20, name="hours_b")
        self.let("unlike", 1 / (a - b), domain="any")  # two different times
        return self._together([a, b])

    def level3(self, c: list[Any]) -> Any:
        a_tok, b_tok, c_tok, _, _ = c
        # the time together is chosen (in quarter hours) and the third person's time
        # follows from it; the first two are drawn (and may be left vague)
        together = self.unknown("together", Fraction(5, 4), 5, step=Fraction(1, 4))
        a = self.number(a_tok, 4, 15, name="hours_a")
        b = self.number(b_tok, 4, 15, name="hours_b")
        third = self.result(c_tok, 1 / (1 / together - 1 / a - 1 / b), name="hours_c", hi=20)
        self.let("slowest", third - 3)  # at least 4 hours
        return self._together([a, b, third])
