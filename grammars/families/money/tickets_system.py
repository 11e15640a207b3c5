"""Adult and child tickets: tickets sold and takings given; how many of one kind?"""

from __future__ import annotations

from typing import Any

from lark import Token

from gramgen.semantics import Story


class TicketsSystem(Story):
    title = "Adult and child tickets: number sold and takings given, find one count"
    answer_unit = "tickets"
    # the counts are whole by construction; checking the answer as a positive number (not
    # necessarily whole) lets the "not enough information" check put any number in place
    # of a vague price
    answer_domain = "rational"

    def MONEY(self, tok: Token) -> Token:
        return tok

    # -- sentences -------------------------------------------------------------------

    def _slots(self, c: list[Any]) -> list[Token]:
        return [x for x in c if isinstance(x, Token) and x.type in ("NUM", "MONEY")]

    def adult_first(self, c: list[Any]) -> tuple[Token, Token]:
        adult, child = self._slots(c)
        return adult, child

    def child_first(self, c: list[Any]) -> tuple[Token, Token]:
        child, adult = self._slots(c)
        return adult, child

    def sold(self, c: list[Any]) -> list[Token]:
        return self._slots(c)

    seats = takings = sold

    def ask_adult(self, c: list[Any]) -> str:
        return "adult"

    def ask_child(self, c: list[Any]) -> str:
        return "child"

    # -- the system ------------------------------------------------------------------

    def _tickets(self, c: list[Any]) -> Any:
        (atok, ctok), count, (ttok,), ask = c
        # the adult ticket costs an odd number of dollars more (so the checks never meet
        # eighths of a dollar, see _mentions in gramgen.family)
        half_gap = self.unknown("half_gap", 1, 5)
        if self.level == 1:
            p_child = self.number(ctok, 2, 6, name="p_child", style="money")
            lo, hi, price = 5, 40, "money"
        else:
            p_child = self.number(ctok, 3, "7.5", step="0.5", name="p_child", style="cents")
            lo, hi, price = 20, 150, "cents"
        p_adult = self.result(
            atok, p_child + 2 * half_gap + 1, name="p_adult", style=price, domain="rational"
        )
        adults = self.unknown("adults", lo, hi)
        children = self.unknown("children", lo, hi)
        if self.level == 3:
            stok, etok = count
            empty = self.number(etok, 3, 40, name="empty")
            self.result(stok, adults + children + empty, name="seats")
            sold = self.let("sold", adults + children)
            self.step("The tickets sold are the seats filled: {seats} - {empty} = {sold}.")
        else:
            sold = self.result(count[0], adults + children, name="sold")
        money = price
        takings = self.result(
            ttok, p_adult * adults + p_child * children, name="takings", style=money,
            domain="rational",
        )  # fmt: skip
        low = self.let("low", p_child * sold, domain="rational")
        self.step(
            f"If all {{sold}} tickets were child tickets, they would bring in "
            f"{{sold}} x {{p_child}} = {{low:{money}}}."
        )
        self.let("extra", takings - low, domain="rational")
        self.step(
            f"The takings are {{takings}} - {{low:{money}}} = {{extra:{money}}} more than that."
        )
        self.let("diff", p_adult - p_child, domain="rational")
        self.step(
            f"Each adult ticket costs {{p_adult}} - {{p_child}} = {{diff:{money}}} more, so "
            f"{{extra:{money}}} / {{diff:{money}}} = {{adults}} tickets are adult tickets."
        )
        self.step("The other {sold} - {adults} = {children} tickets are child tickets.")
        if ask == "adult":
            self.step("So {adults} adult tickets are sold.")
            return adults
        self.step("So {children} child tickets are sold.")
        return children

    level1 = level2 = level3 = _tickets
