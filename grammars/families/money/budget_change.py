"""Spending a budget: several purchases; how much is left or how much more is needed?"""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class BudgetChange(Story):
    title = "Spending a budget: money left over or still needed after several purchases"
    # one lexicon per item role, named after it (an article before its noun looks its
    # word up by role), disjoint so that two items of one problem differ
    lexicons: ClassVar[dict[str, Any]] = {
        "small1": ("pen", "pencil", "eraser", "marker", "notebook", "sticker"),
        "small2": ("bookmark", "ruler", "postcard", "balloon", "folder", "candle"),
        "large1": ("kite", "ball", "puzzle", "book", "poster", "backpack", "lamp"),
        "large2": ("cap", "scarf", "frisbee", "game", "umbrella", "helmet", "watch"),
    }  # fmt: skip
    answer_style = "money"
    answer_domain = "rational"

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        """Amounts of money: positive, in dollars and cents."""
        return super().let(name, expr, domain=domain, hi=hi)

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self._items = {"small": 0, "large": 0}

    # -- terminals -------------------------------------------------------------------

    def BUYS(self, tok: Token) -> str:
        return self.verb(tok, "a")

    SPENDS = PAYS = PICKS = WANTS = NEEDS = PLANS = HAS = ADDS = CHOOSES = DOES = BUYS

    MONEY = ITEM = ART = ART_CAP = Story.NUM

    # -- sentences -------------------------------------------------------------------

    def _item(self, c: list[Any], count: Any, kind: str) -> str:
        self._items[kind] += 1
        role = f"{kind}{self._items[kind]}"
        for tok in c:
            if isinstance(tok, Token) and tok.type in ("ART", "ART_CAP"):
                self.article(tok, role)
        (item,) = self.tokens(c, "ITEM")
        self.noun(item, role, count)
        return role

    def allowance(self, c: list[Any]) -> Token:
        return self.tokens(c, "MONEY")[0]

    def weekly(self, c: list[Any]) -> Any:
        (money,) = self.tokens(c, "MONEY")
        (weeks,) = self.tokens(c, "NUM")
        w = self.number(money, 5, 20, name="weekly", style="money")
        n = self.number(weeks, 3, 10, name="weeks")
        return self.let("saved", w * n)

    def spent(self, c: list[Any]) -> Any:
        (money,) = self.tokens(c, "MONEY")
        return self.number(money, 3, 15, name="gone", style="money")

    def bought(self, c: list[Any]) -> Any:
        role = self._item(c, 1, "large")
        (money,) = self.tokens(c, "MONEY")
        return self.number(money, 3, 20, name=f"price_{role}", style="money")

    def want_many(self, c: list[Any]) -> tuple[str, str]:
        (qtok,) = self.tokens(c, "NUM")
        k = self._items["small"] + 1
        q = self.number(qtok, 2, 6, name=f"q{k}")
        role = self._item(c, q, "small")
        (money,) = self.tokens(c, "MONEY")
        self.number(money, 2, 6, step="0.25", name=f"each{k}", style="cents")
        self.let(f"cost{k}", q * self._sym(f"each{k}"))
        return f"cost{k}", f"{{q{k}}} {{{role}}} cost {{q{k}}} x {{each{k}}} = {{cost{k}:cents}}."

    def want_one(self, c: list[Any]) -> tuple[Token, str]:
        role = self._item(c, 1, "large")
        return self.tokens(c, "MONEY")[0], role

    def ask_left(self, c: list[Any]) -> str:
        return "left"

    def end_left(self, c: list[Any]) -> str:
        return "left"

    def end_more(self, c: list[Any]) -> str:
        return "more"

    # -- helpers ---------------------------------------------------------------------

    def _sym(self, name: str) -> Any:
        import sympy

        return sympy.Symbol(name, real=True)

    def _costs(self, m1: tuple[str, str], m2: tuple[str, str], role: str) -> None:
        self.step(m1[1])
        self.step(m2[1])
        self.step(
            f"With the {{{role}:1}} at {{price3}}, the total cost is "
            f"{{{m1[0]}:cents}} + {{{m2[0]}:cents}} + {{price3}} = {{cost:cents}}."
        )

    def _finish(self, ask: str, have: str, cost: str) -> Any:
        money = ":cents" if self.level > 1 else ""  # dollars and cents from level 2
        if ask == "left":
            self.step(f"{{{have}{money}}} - {{{cost}{money}}} = {{left{money}}}.")
            self.step(f"So {{a}} has {{left{money}}} left over.")
            return self._sym("left")
        self.step(f"{{{cost}{money}}} - {{{have}{money}}} = {{short{money}}}.")
        self.step(f"So {{a}} needs {{short{money}}} more.")
        return self._sym("short")

    # -- levels ----------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        atok, p1, p2, ask = c
        left = self.unknown("left", 1, 25)
        self.result(atok, p1 + p2 + left, name="budget", style="money")
        self.let("spent_all", p1 + p2)
        self.step("{a} spends {price_large1} + {price_large2} = {spent_all}.")
        return self._finish(ask, "budget", "spent_all")

    def level2(self, c: list[Any]) -> Any:
        atok, m1, m2, (ptok, role), ask = c
        p3 = self.number(ptok, 5, 40, step="0.25", name="price3", style="cents")
        cost = self.let("cost", self._sym(m1[0]) + self._sym(m2[0]) + p3)
        self._costs(m1, m2, role)
        if ask == "left":
            left = self.unknown("left", "0.25", 15, step="0.25")
            self.result(atok, cost + left, name="budget", style="cents", domain="rational")
        else:
            short = self.unknown("short", "0.25", 6, step="0.25")
            self.result(atok, cost - short, name="budget", style="cents", domain="rational")
        return self._finish(ask, "budget", "cost")

    def level3(self, c: list[Any]) -> Any:
        saved, gone, m1, m2, (ptok, role), ask = c
        have = self.let("have", saved - gone)
        self.step("{a} saves {weekly} x {weeks} = {saved}.")
        self.step("After spending {gone}, {saved} - {gone} = {have} is left to use.")
        both = self._sym(m1[0]) + self._sym(m2[0])
        if ask == "left":
            left = self.unknown("left", "0.25", 12, step="0.25")
            expr = have - both - left
        else:
            short = self.unknown("short", "0.25", 20, step="0.25")
            expr = have - both + short
        p3 = self.result(ptok, expr, name="price3", style="cents", domain="rational")
        self.let("p3_check", p3 - 4, hi=56)  # the single item costs $4 to $60
        self.let("cost", both + p3)
        self._costs(m1, m2, role)
        return self._finish(ask, "have", "cost")
