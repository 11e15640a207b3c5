"""Discounts: a price and a percent off; the savings, the sale price, or with tax."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class DiscountSale(Story):
    title = "Discounts and sale prices"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("jacket", "lamp", "backpack", "helmet", "blender", "sweater", "watch",
                  "suitcase", "tent", "guitar", "camera", "heater", "coat", "rug", "chair",
                  "umbrella", "skateboard"),
    }  # fmt: skip
    answer_style = "money"
    answer_domain = "rational"

    def LIKE(self, tok: Token) -> str:
        return self.verb(tok, "a")

    HAVE = BUY = NEED = PAY = DECIDE = PUT = DOES = LIKE

    def ART(self, tok: Token) -> str:
        return self.article(tok, "thing")

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing", 1)

    def ITEMS(self, tok: Token) -> str:
        return self.noun(tok, "thing", 2)

    MONEY = MONEY_X = PCT = Story.NUM

    # -- sentences --------------------------------------------------------------------

    def setup(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "MONEY")
        lo, hi, step = {1: (10, 80, 1), 2: (20, 150, 1), 3: (40, 300, 5)}[self.level]
        return self.number(tok, lo, hi, step=step, name="price", style="money")

    def discount(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "PCT")
        lo, hi = (10, 50) if self.level == 1 else (5, 60)
        return self.number(tok, lo, hi, step=5, name="rate", style="percent")

    def buy(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c)
        return self.number(tok, 2, 6, name="count")

    def tax(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "PCT")
        return self.number(tok, 4, 10, step=2, name="tax", style="percent")

    def other(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 2, 12, name="days")
        for tok in self.tokens(c, "MONEY_X"):
            self.number(tok, 20, 400, name="aside", style="money")

    def ask_sale(self, c: list[Any]) -> str:
        return "sale"

    def ask_save(self, c: list[Any]) -> str:
        return "save"

    def ask_pay(self, c: list[Any]) -> str:
        return "pay"

    def ask_final(self, c: list[Any]) -> str:
        return "final"

    def ask_one(self, c: list[Any]) -> str:
        return c[0]

    ask_many = ask_one

    # -- the answer -------------------------------------------------------------------

    def _sale(self, price: Any, rate: Any) -> tuple[Any, Any]:
        save = self.let("save", price * rate / 100, domain="rational")
        self.step("The discount is {rate} of {price}: {price} x {rate:int} / 100 = {save}.")
        sale = self.let("sale", price - save, domain="rational")
        self.step("The sale price is {price} - {save} = {sale}.")
        return save, sale

    def level1(self, c: list[Any]) -> Any:
        price, rate, ask = c
        save, sale = self._sale(price, rate)
        if ask == "save":
            self.step("{a} saves {save}.")
            return save
        self.step("{a} pays {sale} for the {thing:1}.")
        return sale

    def level2(self, c: list[Any]) -> Any:
        price, rate, count, ask = c
        save, sale = self._sale(price, rate)
        if ask == "save":
            saved = self.let("saved", count * save, domain="rational")
            self.step("On {count} {thing}: {count} x {save} = {saved}.")
            self.step("{a} saves {saved} in all.")
            return saved
        paid = self.let("paid", count * sale, domain="rational")
        self.step("For {count} {thing}: {count} x {sale} = {paid}.")
        self.step("{a} pays {paid} in all.")
        return paid

    def level3(self, c: list[Any]) -> Any:
        price, rate, _, tax, _ = c
        _, sale = self._sale(price, rate)
        # the tax comes to whole cents
        tax_amount = self.let("tax_amount", sale * tax / 100, domain="rational")
        self.let("tax_cents", tax_amount * 100)
        self.step("The tax is {tax} of {sale}: {sale} x {tax:int} / 100 = {tax_amount}.")
        final = self.let("final", sale + tax_amount, domain="rational")
        self.step("{sale} + {tax_amount} = {final}")
        self.step("{a} pays {final} in total.")
        return final
