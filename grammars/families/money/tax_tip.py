"""Sales tax and tips on a restaurant bill: the tip, the tax, the total, each share."""

from __future__ import annotations

from typing import Any, ClassVar

from gramgen.semantics import Story


class TaxTip(Story):
    title = "Sales tax and tips on a restaurant bill"
    verbs = ("WANT", "DECIDE", "LEAVE", "ADD", "PLAN", "GIVE", "DOES", "ORDER", "GET")
    lexicons: ClassVar[dict[str, Any]] = {
        "food": ("taco", "burger", "salad", "sandwich", "wrap", "quesadilla", "omelet",
                 "pretzel", "bagel", "muffin", "croissant", "pizza"),
        "drink": ("lemonade", "soda", "latte", "coffee", "milkshake", "smoothie", "tea"),
    }  # fmt: skip
    answer_style = "money"
    answer_domain = "rational"

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        """Amounts of money: positive, in dollars and cents."""
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals ---------------------------------------------------------------------

    MONEY = PCT = FOOD = FOOD_ONE = DRINK = DRINK_ONE = Story.NUM

    # -- sentences ---------------------------------------------------------------------

    def bill(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "MONEY")
        return self.number(tok, 12, 90, name="bill", style="money")

    def tip(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "PCT")
        return self.number(tok, 10, 25, step=5, name="rate", style="percent")

    def _dish(self, c: list[Any], k: int, role: str) -> Any:
        (qtok,) = self.tokens(c, "NUM")
        (ptok,) = self.tokens(c, "MONEY")
        qty = self.number(qtok, 2, 6, name=f"q{k}")
        lo, hi = (4, 14) if k == 1 else (2, 6)
        price = self.number(ptok, lo, hi, step="0.25", name=f"p{k}", style="cents")
        kind = role.upper()
        for tok in self.tokens(c, kind):
            self.noun(tok, role, qty)
        for tok in self.tokens(c, f"{kind}_ONE"):
            self.noun(tok, role, 1)
        cost = self.let(f"cost{k}", qty * price)
        self.step(f"{{q{k}}} {{{role}}} cost {{q{k}}} x {{p{k}}} = {{cost{k}:cents}}.")
        return cost

    def dish_one(self, c: list[Any]) -> Any:
        return self._dish(c, 1, "food")

    def dish_two(self, c: list[Any]) -> Any:
        return self._dish(c, 2, "drink")

    def tax(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "PCT")
        lo, hi, step = (4, 10, 2) if self.level == 2 else (4, 9, 1)
        return self.number(tok, lo, hi, step=step, name="tax", style="percent")

    def group_bill(self, c: list[Any]) -> tuple[Any, Any]:
        (ntok,) = self.tokens(c, "NUM")
        (mtok,) = self.tokens(c, "MONEY")
        friends = self.number(ntok, 2, 5, name="friends")
        bill = self.number(mtok, 40, 300, name="bill", style="money")
        # $15 to $50 a person
        self.let("bill_low", bill - 15 * (friends + 1), domain="nonnegative")
        self.let("bill_high", 50 * (friends + 1) - bill, domain="nonnegative")
        return friends, bill

    def tip_before(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "PCT")
        return self.number(tok, 15, 25, step=5, name="rate", style="percent")

    def other_count(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "NUM")
        self.number(tok, 3, 30, name="aside")

    def other_money(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "MONEY")
        self.number(tok, 4, 12, name="aside", style="money")

    def ask_the_tip(self, c: list[Any]) -> str:
        return "part"

    ask_the_tax = ask_the_tip

    def ask_with_tip(self, c: list[Any]) -> str:
        return "total"

    ask_with_tax = ask_total_all = ask_with_tip

    def ask_share(self, c: list[Any]) -> str:
        return "share"

    def ask_tip(self, c: list[Any]) -> str:
        return str(c[0])

    ask_tax = ask_group = ask_tip

    # -- the answer --------------------------------------------------------------------

    def _percent(self, name: str, base: str, rate: str, what: str) -> None:
        self.step(
            f"The {what} is {{{rate}}} of {{{base}}}: "
            f"{{{base}}} x {{{rate}:int}} / 100 = {{{name}}}."
        )

    def level1(self, c: list[Any]) -> Any:
        bill, rate, ask = c
        tip = self.let("tip_amount", bill * rate / 100)
        self._percent("tip_amount", "bill", "rate", "tip")
        if ask == "part":
            self.step("The tip is {tip_amount}.")
            return tip
        total = self.let("total", bill + tip)
        self.step("With the tip: {bill} + {tip_amount} = {total}.")
        self.step("{a} pays {total} in all.")
        return total

    def level2(self, c: list[Any]) -> Any:
        cost1, cost2, tax, ask = c
        food = self.let("food_total", cost1 + cost2)
        self.step("Before tax: {cost1:cents} + {cost2:cents} = {food_total:cents}.")
        amount = self.let("tax_amount", food * tax / 100)
        self.let("tax_cents", amount * 100, domain="whole")  # a whole number of cents
        self.step(
            "The tax is {tax} of {food_total:cents}: "
            "{food_total:cents} x {tax:int} / 100 = {tax_amount:cents}."
        )
        if ask == "part":
            self.step("The sales tax is {tax_amount:cents}.")
            return amount
        total = self.let("total", food + amount)
        self.step("With tax: {food_total:cents} + {tax_amount:cents} = {total:cents}.")
        self.step("{a} pays {total:cents} in all.")
        return total

    def level3(self, c: list[Any]) -> Any:
        (friends, bill), tax, rate, _, ask = c
        tax_amount = self.let("tax_amount", bill * tax / 100)
        self._percent("tax_amount", "bill", "tax", "tax")
        tip = self.let("tip_amount", bill * rate / 100)
        self._percent("tip_amount", "bill", "rate", "tip")
        total = self.let("total", bill + tax_amount + tip)
        self.step("The total is {bill} + {tax_amount} + {tip_amount} = {total}.")
        if ask == "total":
            self.step("Altogether they pay {total}.")
            return total
        people = self.let("people", friends + 1, domain="whole")
        self.step("{a} and {friends} others make {friends} + 1 = {people:int} people.")
        share = self.let("share", total / people)
        self.let("share_cents", share * 100, domain="whole")  # a whole number of cents
        self.step("Each share is {total} / {people:int} = {share}.")
        self.step("Each person pays {share}.")
        return share
