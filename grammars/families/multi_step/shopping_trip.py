"""A shopping trip: items at prices, a discount or a shared bill, and the money left."""

from __future__ import annotations

from typing import Any, ClassVar

from gramgen.semantics import Story

# money to spend, quantities, and prices (lo, hi, step) by level
BUDGET = {1: (10, 50, 1), 2: (30, 100, 5), 3: (60, 200, 5)}
QTY = {1: (2, 6), 2: (2, 8), 3: (2, 9)}
PRICE = {1: (1, 5, 0.5), 2: (1, 6, 0.25), 3: (2, 15, 1)}


class ShoppingTrip(Story):
    main_role = "p"
    other_role = "o"
    verbs = (
        "BUY",
        "PICK",
        "GET",
        "USE",
        "SAVE",
        "WALK",
        "DOES",
    )
    title = "Shopping trip: costs of several items, discounts, shared bills, money left"
    lexicons: ClassVar[dict[str, Any]] = {
        # everyday things for levels 1 and 2, pricier ones for level 3
        "item": ("notebook", "marker", "folder", "sandwich", "muffin", "bagel", "pen",
                 "juice", "cookie", "apple", "eraser", "ruler"),
        "gift": ("puzzle", "kite", "plant", "mug", "candle", "poster", "ball", "book",
                 "scarf", "hat", "frame", "lamp"),
    }  # fmt: skip
    answer_style = "money"
    answer_domain = "rational"

    items = 0

    @property
    def lexicon(self) -> str:
        return "gift" if self.level == 3 else "item"

    # -- terminals ------------------------------------------------------------------

    MONEY = PERCENT = ITEM = ITEM_ONE = Story.NUM

    # -- sentences ------------------------------------------------------------------

    def budget(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "MONEY")
        lo, hi, step = BUDGET[self.level]
        return self.number(tok, lo, hi, step=step, name="budget", style="money")

    def buy(self, c: list[Any]) -> tuple[Any, Any]:
        self.items += 1
        k = self.items
        (qtok,) = self.tokens(c, "NUM")
        (ptok,) = self.tokens(c, "MONEY")
        qty = self.number(qtok, *QTY[self.level], name=f"q{k}")
        lo, hi, step = PRICE[self.level]
        price = self.number(ptok, lo, hi, step=step, name=f"p{k}", style="money")
        for tok in self.tokens(c, "ITEM"):
            self.noun(tok, f"i{k}", qty, lexicon=self.lexicon)
        for tok in self.tokens(c, "ITEM_ONE"):
            self.noun(tok, f"i{k}", 1, lexicon=self.lexicon)
        return qty, price

    def coupon(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "PERCENT")
        return self.number(tok, 10, 40, step=5, name="off", style="percent")

    def group(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, 2, 5, name="friends")

    def split(self, c: list[Any]) -> None:
        return None

    ask_left = ask_share = split

    def other_money(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "MONEY")
        self.number(tok, 5, 40, name="distractor", style="money")

    def other_count(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "NUM")
        self.number(tok, 3, 20, name="distractor")

    # -- the solutions --------------------------------------------------------------

    def _costs(self, buys: list[tuple[Any, Any]]) -> Any:
        costs = []
        for k, (qty, price) in enumerate(buys, 1):
            costs.append(self.let(f"cost{k}", qty * price, domain="rational"))
            self.step(f"{{q{k}}} {{i{k}}} cost {{q{k}}} x {{p{k}}} = {{cost{k}}}")
        if len(costs) == 1:
            return costs[0]
        total = self.let("total", costs[0] + costs[1], domain="rational")
        self.step("Together: {cost1} + {cost2} = {total}")
        return total

    def _left(self, budget: Any, spent: Any, name: str) -> Any:
        left = self.let("left", budget - spent, domain="rational")
        self.step(f"{{budget}} - {{{name}}} = {{left}}")
        self.step("{p} has {left} left.")
        return left

    def level1(self, c: list[Any]) -> Any:
        budget, buys = c[0], [x for x in c[1:] if isinstance(x, tuple)]
        return self._left(budget, self._costs(buys), "total" if len(buys) > 1 else "cost1")

    level2 = level1

    def level3(self, c: list[Any]) -> Any:
        first, buy1, buy2, deal = c[0], c[1], c[2], c[3]
        total = self._costs([buy1, buy2])
        if deal is not None:  # a discount: first is the budget, deal the percent off
            disc = self.let("discount", total * deal / 100, domain="rational")
            self.let("discount_cents", disc * 100)  # a whole number of cents
            self.step("{off} off: {total} x {off:int} / 100 = {discount}")
            pay = self.let("pay", total - disc, domain="rational")
            self.step("{total} - {discount} = {pay}")
            return self._left(first, pay, "pay")
        people = self.let("people", first + 1)
        self.step("{p} and {friends} others: {friends} + 1 = {people:int} people")
        share = self.let("share", total / people, domain="rational")
        self.let("share_cents", share * 100)  # a whole number of cents
        self.step("{total} / {people:int} = {share}")
        self.step("Each person pays {share}.")
        return share
