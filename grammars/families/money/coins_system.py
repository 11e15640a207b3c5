"""Coins or bills of two kinds: count and total value given; how many of one kind?"""

from __future__ import annotations

from typing import Any

from lark import Token

from gramgen.semantics import Story


class CoinsSystem(Story):
    title = "Coins and bills of two kinds: number and value given, find one count"

    # Quantities here are whole by construction (the unknowns are chosen first and the
    # rest computed by + - x); checking them as positive numbers (not necessarily whole)
    # lets the "not enough information" check try any number in place of a vague one.
    answer_domain = "rational"

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals -------------------------------------------------------------------

    def COUNTS(self, tok: Token) -> str:
        return self.verb(tok, "a")

    HAVE = COUNTS

    def MONEY(self, tok: Token) -> Token:
        return tok

    # -- sentences -------------------------------------------------------------------

    def _slots(self, c: list[Any]) -> list[Token]:
        return [x for x in c if isinstance(x, Token) and x.type in ("NUM", "MONEY")]

    def c_kinds(self, c: list[Any]) -> list[Token]:
        return self._slots(c)

    b_kinds = c_count = b_count = c_value = b_value = c_kinds

    def ask_small(self, c: list[Any]) -> str:
        return "small"

    def ask_large(self, c: list[Any]) -> str:
        return "large"

    def distract(self, c: list[Any]) -> None:
        (tok,) = self._slots(c)
        if tok.type == "MONEY":
            self.number(tok, 10, 90, name="distractor", style="money")
        else:
            self.number(tok, 2, 30, name="distractor")

    # -- the system ------------------------------------------------------------------

    def _system(self, c: list[Any], bills: bool) -> Any:
        kinds, count, value, ask = c[0], c[1], c[2], c[-1]
        small, large = kinds
        big = self.level == 3
        # The larger value is picked by a hidden choice, so that only the smaller one is
        # a free number (a vague smaller value always leaves the count open); the pairs
        # keep v2 - v1 +- 1 off multiples of 8 (a corrupted number then never gives an
        # answer in eighths, which gramgen.family._mentions cannot write in cents).
        choice = self.unknown("choice", 0, 1)
        if bills:
            # the bills of the smaller value come first: left vague, "smaller bills"
            v1 = self.number(small, 10, 20, step=10, name="v1", style="money", vague="smaller")
            v2 = self.result(large, 20 + 30 * choice, name="v2", style="money")  # $20 or $50
            lo, hi = (3, 40) if big else (2, 25)
        else:
            v1 = self.number(small, 5, 10, step=5, name="v1")
            # 5 with 25 or 50 cents; 10 with 20 or 50 cents
            v2 = self.result(large, 50 - choice * (v1 + 20), name="v2")
            lo, hi = (5, 60) if big else (2, 12)
        n1 = self.unknown("n1", lo, hi)
        n2 = self.unknown("n2", lo, hi)
        self.result(count[0], n1 + n2, name="n_total")
        if bills:
            self.result(value[0], v1 * n1 + v2 * n2, name="value", style="money")
            unit, each = "bills", "bill"
            self.let("low", v1 * (n1 + n2))
            self.let("extra", v2 * n2 - v1 * n2)
            total = "{value}"
        else:
            worth_c = (v1 * n1 + v2 * n2) / 100
            value_sym = self.result(
                value[0], worth_c, name="value", style="cents", domain="rational"
            )
            unit, each = "coins", "coin"
            self.let("cents", 100 * value_sym)
            self.step("{value} is {cents} cents.")
            self.let("low", v1 * (n1 + n2))
            self.let("extra", v2 * n2 - v1 * n2)
            total = "{cents}"
        self.let("diff", v2 - v1)

        def amount(q: str) -> str:  # money grouped in thousands ($1,540), or cents
            return f"{{{q}:money}}" if bills else f"{{{q}}} cents"

        worth, worth2 = amount("v1"), amount("v2")
        self.step(
            f"If all {{n_total}} {unit} were worth {worth}, they would be worth "
            f"{{n_total}} x {{v1}} = {amount('low')}."
        )
        low = "{low:money}" if bills else "{low}"
        self.step(f"The real total is {total} - {low} = {amount('extra')} more than that.")
        self.step(
            f"Each {each} worth {worth2} adds {{v2}} - {{v1}} = {amount('diff')}, so "
            f"{{extra}} / {{diff}} = {{n2}} {unit} are worth {worth2}."
        )
        self.step(f"The other {{n_total}} - {{n2}} = {{n1}} {unit} are worth {worth}.")
        if ask == "small":
            self.step(f"So {{n1}} of the {unit} have the lower value, {worth}.")
            return n1
        self.step(f"So {{n2}} of the {unit} have the higher value, {worth2}.")
        return n2

    def level1(self, c: list[Any]) -> Any:
        return self._system(c, bills=False)

    def level2(self, c: list[Any]) -> Any:
        return self._system(c, bills=True)

    def level3(self, c: list[Any]) -> Any:
        return self._system(c, bills=len(c[0]) == 2 and c[0][0].type == "MONEY")
