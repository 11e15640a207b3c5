"""Compound interest added yearly for one to three years; balances in whole cents."""

from __future__ import annotations

from typing import Any

from lark import Token

from gramgen.semantics import Story


class CompoundInterest(Story):
    title = "Compound interest: the balance after 1-3 years, the interest, or the principal"
    answer_style = "money"
    answer_domain = "rational"

    # -- terminals -------------------------------------------------------------------

    def LEAVES(self, tok: Token) -> str:
        return self.verb(tok, "a")

    WAITS = HAS = CHECKS = DOES = LEAVES

    def PCT(self, tok: Token) -> Token:
        return tok

    MONEY = PCT

    # -- sentences -------------------------------------------------------------------

    def deposit(self, c: list[Any]) -> Token:
        (tok,) = [x for x in c if isinstance(x, Token) and x.type in ("PCT", "MONEY")]
        return tok

    rate = intro = balance = deposit

    def one_year(self, c: list[Any]) -> int:
        return 1

    def two_years(self, c: list[Any]) -> int:
        return 2

    def three_years(self, c: list[Any]) -> int:
        return 3

    def want_balance(self, c: list[Any]) -> str:
        return "balance"

    ask_balance = want_balance

    def want_interest(self, c: list[Any]) -> str:
        return "interest"

    def want_principal(self, c: list[Any]) -> str:
        return "principal"

    # -- helpers ---------------------------------------------------------------------

    @staticmethod
    def _step(years: int, base: int) -> int:
        """Principals in multiples of 100^(years - 1) dollars make every yearly balance a
        whole number of cents at any whole-percent rate (a constraint on the balances
        instead would fail the "not enough information" check, which tries whole
        numbers in place of a vague rate or principal)."""
        return max(base, 100 ** (years - 1))

    def _balances(self, p: Any, r: Any, years: int, last: Token | None = None) -> Any:
        """The balance after each year."""
        self.let("factor", 1 + r / 100, domain="rational")
        balance = p
        for k in range(1, years + 1):
            expr = p * ((100 + r) / 100) ** k
            if k == years and last is not None:
                balance = self.result(last, expr, name=f"bal{k}", style="money", domain="rational")
            else:
                balance = self.let(f"bal{k}", expr, domain="rational")
        return balance

    def _end(self, ask: str, years: int, balance: Any, p: Any) -> Any:
        if ask == "balance":
            self.step(f"The final balance is {{bal{years}}}.")
            return balance
        interest = self.let("interest", balance - p, domain="rational")
        self.step(f"The interest earned is {{bal{years}}} - {{principal}} = {{interest}}.")
        return interest

    # -- levels ----------------------------------------------------------------------

    def _forward(self, c: list[Any]) -> Any:
        ptok, rtok, years, ask = c
        if self.level == 1:
            step = self._step(years, 50)
            p = self.number(ptok, 100, 5000, step=step, name="principal", style="money")
            r = self.number(rtok, 2, 6, name="rate", style="percent")
        else:
            step = self._step(years, 100)
            hi = 50000 if years < 3 else 90000
            p = self.number(ptok, 1000, hi, step=step, name="principal", style="money")
            r = self.number(rtok, 3, 9, name="rate", style="percent")
        balance = self._balances(p, r, years)
        self.step(
            "Each year the balance is multiplied by 1 + {rate:decimal} / 100 = {factor:decimal}."
        )
        previous = "principal"
        for k in range(1, years + 1):
            self.step(f"After year {k}: {{{previous}}} x {{factor:decimal}} = {{bal{k}}}.")
            previous = f"bal{k}"
        return self._end(ask, years, balance, p)

    level1 = level2 = _forward

    def level3(self, c: list[Any]) -> Any:
        rtok, years, btok, ask = c
        r = self.number(rtok, 2, 8, name="rate", style="percent")
        p = self.unknown(
            "principal", 500, 40000 if years < 3 else 90000, step=self._step(years, 100)
        )
        balance = self._balances(p, r, years, last=btok)
        self.step(
            "Each year the balance was multiplied by 1 + {rate:decimal} / 100 = "
            "{factor:decimal}, so divide by it once for each year."
        )
        for k in range(years, 0, -1):
            before = f"bal{k - 1}" if k > 1 else "principal"
            self.step(f"Before year {k}: {{bal{k}}} / {{factor:decimal}} = {{{before}}}.")
        if ask == "principal":
            self.step("So the principal was {principal}.")
            return p
        return self._end(ask, years, balance, p)
