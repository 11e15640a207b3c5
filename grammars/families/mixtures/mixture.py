"""Mixtures: blend two prices or two strengths to hit a target; find an amount."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class Mixture(Story):
    title = "Mixtures of two prices or strengths"
    lexicons: ClassVar[dict[str, Any]] = {
        "nut": ("peanuts", "almonds", "cashews", "walnuts", "pecans", "hazelnuts",
                "pistachios", "raisins", "cranberries"),
        "solute": ("salt", "sugar", "acid"),
        "pounds": ("pounds",),
        "liters": ("liters",),
    }  # fmt: skip
    answer_style = "decimal"
    answer_domain = "rational"
    answer_unit = "unit"  # a role: pounds (level 1) or liters

    def WANT(self, tok: Token) -> str:
        return self.verb(tok, "a")

    NEED = HAVE = ADD = LABEL = PLAN = WANT

    def CHEAP(self, tok: Token) -> str:
        return self.word(tok, "cheap", lexicon="nut")

    def DEAR(self, tok: Token) -> str:
        return self.word(tok, "dear", lexicon="nut")

    def SOL(self, tok: Token) -> str:
        return self.word(tok, "solute")

    def UNIT(self, tok: Token) -> str:
        return self.word(tok, "unit", lexicon="pounds" if self.level == 1 else "liters")

    QTY = MONEY = PCT = Story.NUM

    # -- sentences: tokens go up to the level rule, which builds the equation ----------

    def _toks(self, c: list[Any]) -> list[Token]:
        return [t for t in c if isinstance(t, Token) and t.type in ("QTY", "MONEY", "PCT")]

    have_nuts = target_price = ask_nuts = _toks
    have_solution = target_strength = ask_solution = need_solution = _toks

    def weak_first(self, c: list[Any]) -> list[Token]:
        return self._toks(c)

    def strong_first(self, c: list[Any]) -> list[Token]:
        return self._toks(c)[::-1]

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 2, 12, name="aside")

    def ask_weak(self, c: list[Any]) -> str:
        return "weak"

    def ask_strong(self, c: list[Any]) -> str:
        return "strong"

    def _fives(self, q: Any) -> None:
        """A strength is a multiple of 5% (so a changed digit is caught early)."""
        self.let(f"{q}_fives", q / 5)

    # -- the answer -------------------------------------------------------------------
    #
    # The numbers are chosen by construction: the gaps between the target and the two
    # grades are drawn first, and an amount among the multiples that balance them.
    # Integrality rests on quantities that are drawn (or on the numbers the text
    # states), so that a problem with one number left vague still has many answers.

    def level1(self, c: list[Any]) -> Any:
        (qty_tok, cheap_tok), (mix_tok,), (dear_tok,) = c
        # the answer first: `added` pounds at `premium` dollars above the mix price
        # balance `qty` pounds at `below` dollars under it, qty x below = added x
        # premium; added is drawn among the multiples that make below whole
        added = self.unknown("added", 2, 12)
        premium = self.unknown("premium", 1, 5)  # the dearer price is at most $5 above
        qty = self.number(qty_tok, 2, 12, name="qty")
        cheap = self.number(cheap_tok, 2, 6, name="cheap_price", style="money")
        below = self.let("below", added * premium / qty, hi=5)
        mix = self.result(mix_tok, cheap + below, name="mix_price", style="money")
        self.result(dear_tok, mix + premium, name="dear_price", style="money")
        self.step("A pound of {cheap} is {mix_price} - {cheap_price} = {below:money} below the "
                  "mix price.")  # fmt: skip
        self.step("A pound of {dear} is {dear_price} - {mix_price} = {premium:money} above it.")
        self.let("balance", qty * below)
        self.step("The {cheap} fall short by {qty} x {below:money} = {balance:money} in all.")
        self.step("Each pound of {dear} makes up {premium:money}: {balance} / {premium} = "
                  "{added}.")  # fmt: skip
        self.step("{a} must add {added} pounds of {dear}.")
        return added

    def level2(self, c: list[Any]) -> Any:
        (qty_tok, strong_tok), (mix_tok,), (weak_tok,) = c
        # the gaps first, in steps of 5 points: the strong solution `up` steps above
        # the target, the weak one `down` steps below; the amount to add is
        # qty x up / down, and qty is drawn among the multiples that make it whole
        up = self.unknown("up_fives", 1, 5)
        down = self.unknown("down_fives", 1, 4)  # at most 20 points below the target
        qty = self.number(qty_tok, 2, 20, name="qty")
        mix = self.number(mix_tok, 10, 35, step=5, name="mix", style="percent")
        strong = self.result(strong_tok, mix + 5 * up, name="strong", style="percent", hi=45)
        weak = self.result(weak_tok, mix - 5 * down, name="weak", style="percent")
        for q in (strong, weak):
            self._fives(q)
        above = self.let("above", strong - mix)
        below = self.let("below", mix - weak)
        self.step("The {strong} solution is {strong:int} - {mix:int} = {above} points above "
                  "the target.")  # fmt: skip
        self.step("The {weak} solution is {mix:int} - {weak:int} = {below} points below it.")
        balance = self.let("balance", qty * above)
        self.step("The extra {solute} to balance: {qty} x {above} = {balance}.")
        added = self.let("added", balance / below, hi=20)
        self.let("more_than_one", added - 1)  # at least 2 liters
        self.step("Each liter added takes away {below}: {balance} / {below} = {added}.")
        self.step("{a} must add {added} liters of the {weak} solution.")
        return added

    def level3(self, c: list[Any]) -> Any:
        (total_tok, mix_tok), (weak_tok, strong_tok), _, ask = c
        # the gaps first, in steps of 5 points: the target `drop` steps above the weak
        # solution and `rise` steps below the strong one; the amounts are `batch`
        # times rise (weak) and batch times drop (strong), whole by construction
        rise = self.unknown("rise", 1, 4)
        drop = self.unknown("drop", 1, 4)
        batch = self.unknown("batch", 2, 4)
        weak = self.number(weak_tok, 5, 15, step=5, name="weak", style="percent")
        mix = self.result(mix_tok, weak + 5 * drop, name="mix", style="percent", hi=25)
        strong = self.result(strong_tok, mix + 5 * rise, name="strong", style="percent", hi=40)
        total = self.result(total_tok, batch * (rise + drop), name="total")
        for q in (strong, weak, mix):
            self._fives(q)
        self.let("mix_low", mix - 14)  # between 15% and 25%
        self.let("strong_low", strong - 24)  # 25% to 40%
        below = self.let("below", mix - weak)
        above = self.let("above", strong - mix)
        self.step(
            "The weaker solution is {mix:int} - {weak:int} = {below} points below the "
            "target; the stronger is {strong:int} - {mix:int} = {above} points above."
        )
        parts = self.let("parts", below + above)
        self.step("The amounts go in the ratio {above} : {below}, {above} + {below} = {parts} "
                  "parts.")  # fmt: skip
        if ask == "weak":
            weak_l = self.let("weak_liters", total * above / parts, domain="rational")
            self.step("{total} x {above} / {parts} = {weak_liters}")
            self.step("{a} needs {weak_liters} liters of the weaker solution.")
            return weak_l
        strong_l = self.let("strong_liters", total * below / parts, domain="rational")
        self.step("{total} x {below} / {parts} = {strong_liters}")
        self.step("{a} needs {strong_liters} liters of the stronger solution.")
        return strong_l
