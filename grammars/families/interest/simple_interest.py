"""Simple interest: interest = principal x rate x years; find the interest, total or principal."""

from __future__ import annotations

from typing import Any

from lark import Token

from gramgen.semantics import Story


class SimpleInterest(Story):
    title = "Simple interest: the interest, the final amount or the principal"
    answer_style = "money"
    answer_domain = "rational"

    # -- terminals -------------------------------------------------------------------

    def LEAVES(self, tok: Token) -> str:
        return self.verb(tok, "a")

    DOES = KEEPS = WAITS = EARNS = RECEIVES = LEAVES

    PCT = MONEY = Story.NUM

    # -- sentences -------------------------------------------------------------------

    def _slot(self, c: list[Any]) -> Token:
        (tok,) = [x for x in c if isinstance(x, Token) and x.type in ("NUM", "PCT", "MONEY")]
        return tok

    def deposit(self, c: list[Any]) -> Token:
        return self._slot(c)

    rate = intro = years = earned = deposit

    def ask_interest(self, c: list[Any]) -> str:
        return "interest"

    want_interest = ask_interest

    def want_total(self, c: list[Any]) -> str:
        return "total"

    def want_principal(self, c: list[Any]) -> str:
        return "principal"

    def want_final(self, c: list[Any]) -> str:
        return "final"

    # -- levels ----------------------------------------------------------------------

    def _interest(self, c: list[Any]) -> Any:
        ptok, rtok, ttok, ask = c
        if self.level == 1:
            p = self.number(ptok, 100, 2000, step=100, name="principal", style="money")
            r = self.number(rtok, 2, 9, name="rate", style="percent")
            t = self.number(ttok, 2, 5, name="years")
        else:
            p = self.number(ptok, 1000, 25000, step=250, name="principal", style="money")
            r = self.number(rtok, "1.5", "9.5", step="0.5", name="rate", style="percent")
            t = self.number(ttok, 2, 10, name="years")
        self.let("per_year", p * r / 100, domain="rational")
        self.step(
            "Each year the interest is {rate} of {principal}: "
            "{principal} x {rate:decimal} / 100 = {per_year}."
        )
        interest = self.let("interest", p * r * t / 100, domain="rational")
        self.step("Over {years} years: {per_year} x {years} = {interest}.")
        if ask == "interest":
            self.step("So the interest is {interest}.")
            return interest
        total = self.let("total", p + interest, domain="rational")
        self.step("At the end there is {principal} + {interest} = {total}.")
        return total

    level1 = level2 = _interest

    def level3(self, c: list[Any]) -> Any:
        rtok, ttok, itok, ask = c
        # the rates stop below 8% so that no corrupted number gives an answer in eighths
        # of a dollar (which gramgen.family._mentions cannot write in cents)
        r = self.number(rtok, 2, "7.5", step="0.5", name="rate", style="percent")
        t = self.number(ttok, 2, 7, name="years")
        p = self.unknown("principal", 500, 20000, step=500)
        interest = self.result(
            itok, p * r * t / 100, name="interest", style="money", domain="rational"
        )
        self.let("share", r * t, domain="rational")
        self.step(
            "Each year the interest is {rate} of the principal, so in {years} years it is "
            "{rate:decimal} x {years} = {share:decimal} percent of it."
        )
        self.step("So the principal is {interest} / {share:decimal} x 100 = {principal}.")
        if ask == "principal":
            self.step("{a} started with {principal}.")
            return p
        total = self.let("total", p + interest, domain="rational")
        self.step("At the end there is {principal} + {interest} = {total}.")
        return total
