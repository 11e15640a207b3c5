"""Working together: from each person's time alone, the time the job takes together."""

from __future__ import annotations

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

    def _together(self, hours: list[Any], *, per_hour: int = 1) -> Any:
        """The time together, from each person's time alone, in a whole number of
        ``per_hour`` parts of an hour (1: whole hours; 12: halves, thirds, quarters,
        sixths or twelfths; 60: whole minutes, fifths as well)."""
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
        parts = {1: "whole_hours", 12: "twelfths", 60: "minutes"}[per_hour]
        self.let(parts, time * per_hour)  # whole hours, or a simple fraction of them
        self.step("Together they need 1 / ({rate:fraction}) = {time:fraction} hours.")
        self.step("The job takes {time} hours together.")
        return time

    # The numbers are chosen by construction: one person's time is drawn, the others
    # follow from it through ratios drawn first, and it is drawn among the multiples
    # that make every time alone whole and the time together simple.

    def level1(self, c: list[Any]) -> Any:
        a_tok, b_tok, _ = c
        # the other takes `times` as long: together a * times / (times + 1), whole
        # when a is a multiple of times + 1 (3 and 6 hours make 2; 4 and 12 make 3)
        times = self.unknown("times", 2, 3)
        a = self.number(a_tok, 3, 12, name="hours_a")
        b = self.result(b_tok, a * times, name="hours_b", hi=18)
        return self._together([a, b])

    def level2(self, c: list[Any]) -> Any:
        a_tok, b_tok, _ = c
        # the other takes (k + 2) / k as long: 3, 2, 5/3, 3/2 or 7/5 times; a is drawn
        # among the multiples that make every time whole and the time together a
        # number of twelfths of an hour (5 and 7 hours make 2 11/12)
        k = self.unknown("k", 1, 5)
        a = self.number(a_tok, 4, 20, name="hours_a")
        b = self.result(b_tok, a * (k + 2) / k, name="hours_b", hi=24)
        return self._together([a, b], per_hour=12)

    def level3(self, c: list[Any]) -> Any:
        a_tok, b_tok, c_tok, _, _ = c
        # the third person's time is drawn; the first two work `speed_a` and `speed_b`
        # (1 to 3) times as fast, and the time together is whole minutes (4, 6 and 12
        # hours make 2; 5, 10 and 10 make 2 1/2; 5, 15 and 15 make 3)
        speed_a = self.unknown("speed_a", 1, 3)
        speed_b = self.unknown("speed_b", 1, 3)
        third = self.number(c_tok, 4, 24, name="hours_c")
        a = self.result(a_tok, third / speed_a, name="hours_a", hi=15)
        b = self.result(b_tok, third / speed_b, name="hours_b", hi=15)
        self.let("least_a", a - 3)  # at least 4 hours each
        self.let("least_b", b - 3)
        return self._together([a, b, third], per_hour=60)
