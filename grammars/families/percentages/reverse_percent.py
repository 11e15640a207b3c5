"""Reverse percentages: the price before a percent discount, increase, or discount and tax."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class ReversePercent(Story):
    title = "Reverse percentages: the original price before a percent change"
    lexicons: ClassVar[dict[str, Any]] = {
        "small": ("jacket", "lamp", "backpack", "helmet", "blender", "sweater", "watch",
                  "suitcase", "tent", "heater", "coat", "rug", "kettle", "toaster"),
        "big": ("bike", "scooter", "printer", "tablet", "desk", "armchair", "camera",
                "guitar", "sofa", "laptop", "treadmill", "telescope", "bookcase"),
    }  # fmt: skip
    answer_style = "money"
    answer_domain = "rational"

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        """Amounts of money and percents: positive."""
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals ---------------------------------------------------------------------

    @property
    def _things(self) -> str:
        return "small" if self.level == 1 else "big"

    def ART(self, tok: Token) -> str:
        return self.article(tok, "item", lexicon=self._things)

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "item", 1, lexicon=self._things)

    MONEY = PCT = Story.NUM

    # -- sentences ---------------------------------------------------------------------

    def _money(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c, "MONEY")
        return tok

    sale_price = new_price = paid = _money

    def _pct(self, c: list[Any], name: str, lo: int, hi: int, step: int) -> Any:
        (tok,) = self.tokens(c, "PCT")
        return self.number(tok, lo, hi, step=step, name=name, style="percent")

    def percent_off(self, c: list[Any]) -> Any:
        return self._pct(c, "rate", 10, 50, 5)

    def went_up(self, c: list[Any]) -> tuple[str, Any]:
        return "up", self._pct(c, "rate", 5, 40, 5)

    def went_down(self, c: list[Any]) -> tuple[str, Any]:
        return "down", self._pct(c, "rate", 5, 40, 5)

    def tax(self, c: list[Any]) -> Any:
        return self._pct(c, "tax", 4, 10, 1)

    def other(self, c: list[Any]) -> None:
        for tok in self.tokens(c, "NUM"):
            self.number(tok, 2, 12, name="aside")
        for tok in self.tokens(c, "MONEY"):
            self.number(tok, 3, 15, name="aside", style="money")

    def ask_orig(self, c: list[Any]) -> str:
        return "original"

    ask_before = ask_original = ask_orig

    def ask_saved(self, c: list[Any]) -> str:
        return "change"

    ask_diff = ask_saved

    def ask_sale(self, c: list[Any]) -> str:
        return str(c[0])

    ask_change = ask_sale

    # -- the answer --------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        tok, rate, ask = c
        original = self.unknown("original", 12, 120)
        keep = self.let("keep", 100 - rate)
        sale = self.result(tok, original * keep / 100, name="sale", style="money")
        self.let("sale_dollars", sale, domain="whole")  # a sale price in whole dollars
        self.step("The sale price is 100 - {rate:int} = {keep:int} percent of the original price.")
        self.step("So the original price is {sale} / {keep:int} x 100 = {original}.")
        if ask == "original":
            self.step("The original price was {original}.")
            return original
        saved = self.let("saved", original - sale)
        self.step("{a} saved {original} - {sale} = {saved}.")
        return saved

    def level2(self, c: list[Any]) -> Any:
        tok, (way, rate), ask = c
        original = self.unknown("original", 80, 900)
        if way == "up":
            keep = self.let("keep", 100 + rate)
            self.step("This year's price is 100 + {rate:int} = {keep:int} percent of last year's.")
        else:
            keep = self.let("keep", 100 - rate)
            self.step("This year's price is 100 - {rate:int} = {keep:int} percent of last year's.")
        new = self.result(tok, original * keep / 100, name="now", style="money")
        self.step("So last year's price was {now} / {keep:int} x 100 = {original}.")
        if ask == "original":
            self.step("Last year the {item:1} cost {original}.")
            return original
        if way == "up":
            diff = self.let("diff", new - original)
            self.step("The price went up by {now} - {original} = {diff}.")
        else:
            diff = self.let("diff", original - new)
            self.step("The price went down by {original} - {now} = {diff}.")
        return diff

    def level3(self, c: list[Any]) -> Any:
        tok, rate, tax, _, _ = c
        original = self.unknown("original", 60, 600)
        keep = self.let("keep", 100 - rate)
        sale = self.let("sale", original * keep / 100)
        with_tax = self.let("with_tax", 100 + tax)
        self.result(tok, sale * with_tax / 100, name="total", style="money", domain="rational")
        # a whole number of cents, by construction: the original price is drawn among
        # the multiples that make it whole, given the percents (drawn first). It is
        # written multiplied out, (100 - rate)(100 + tax) expanded: the construction
        # needs a coefficient it can read off as one polynomial in the percents.
        self.let("cents", original * (10000 + 100 * tax - 100 * rate - rate * tax) / 100,
                 domain="whole")  # fmt: skip
        self.step("With tax, {a} paid 100 + {tax:int} = {with_tax:int} percent of the sale price.")
        self.step("So the sale price was {total} / {with_tax:int} x 100 = {sale}.")
        self.step("The sale price is 100 - {rate:int} = {keep:int} percent of the original price.")
        self.step("So the original price was {sale} / {keep:int} x 100 = {original}.")
        self.step("The {item:1} first cost {original}.")
        return original
