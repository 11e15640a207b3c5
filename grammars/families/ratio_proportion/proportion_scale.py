"""Direct proportion: scale a batch, a recipe or a map distance."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class ProportionScale(Story):
    title = "Direct proportion: batches, recipes and map scales"
    lexicons: ClassVar[dict[str, Any]] = {
        "product": ("pancake", "muffin", "cookie", "waffle", "biscuit", "roll", "scone",
                    "cupcake", "crepe", "dumpling"),
        "ingredient": ("cups of flour", "eggs", "cups of milk", "bags of flour",
                       "cups of oats", "sticks of butter"),
        "food": ("flour", "rice", "pasta", "butter", "sugar", "cheese", "oats", "yogurt",
                 "chocolate", "spinach", "honey"),
        "grams": ("grams",),
        "distance": ("kilometers",),
        "town": ("Ashford", "Brookvale", "Cedarton", "Dunmore", "Elmwood", "Fairview",
                 "Glenrock", "Hillside", "Kingsbay", "Lakeport", "Millbrook", "Northfield"),
    }  # fmt: skip
    answer_style = "decimal"
    answer_domain = "rational"
    # a role: the things baked (level 1), grams (level 2), kilometers (level 3)
    answer_unit = "unit"

    def USE(self, tok: Token) -> str:
        return self.verb(tok, "a")

    DOES = USE

    def TOWN1(self, tok: Token) -> str:
        return self.word(tok, "t1", lexicon="town")

    def TOWN2(self, tok: Token) -> str:
        return self.word(tok, "t2", lexicon="town")

    def TOWN3(self, tok: Token) -> str:
        return self.word(tok, "t3", lexicon="town")

    def ING(self, tok: Token) -> str:
        return self.word(tok, "ingredient")

    def PRODUCTS(self, tok: Token) -> str:
        return self.noun(tok, "unit", lexicon="product")

    def FOOD(self, tok: Token) -> str:
        return self.word(tok, "food")

    def UNIT(self, tok: Token) -> str:
        return self.word(tok, "unit", lexicon="grams" if self.level == 2 else "distance")

    AMT = AMT2 = OUT = SERV = SERV2 = GRAMS = MAP = REAL = LEG = Story.NUM

    # -- sentences --------------------------------------------------------------------

    def batch(self, c: list[Any]) -> Any:
        (amt,) = self.tokens(c, "AMT")
        (out,) = self.tokens(c, "OUT")
        amount = self.number(amt, 2, 6, name="amount")
        per = self.unknown("per", 2, 10)
        made = self.result(out, amount * per, name="made")
        return amount, made

    def batch_ask(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "AMT2")
        return self.number(tok, 2, 12, name="amount2")

    def recipe(self, c: list[Any]) -> Any:
        (serv,) = self.tokens(c, "SERV")
        (grams,) = self.tokens(c, "GRAMS")
        people = self.number(serv, 2, 8, name="people")
        per = self.unknown("per", 10, 80, step=5)
        amount = self.result(grams, people * per, name="amount", style="comma")
        return people, amount

    def cook_for(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "SERV2")
        return self.number(tok, 2, 12, name="people2")  # the answer stays under 1,000

    def recipe_ask(self, c: list[Any]) -> None:
        return None

    def scale(self, c: list[Any]) -> Any:
        (map_tok,) = self.tokens(c, "MAP")
        (real_tok,) = self.tokens(c, "REAL")
        cm = self.number(map_tok, 1, 5, name="cm")
        per = self.unknown("per", Fraction(3, 2), 10, step=Fraction(1, 2))
        real = self.result(real_tok, cm * per, name="real")
        return cm, real

    def route(self, c: list[Any]) -> Any:
        leg1, leg2 = self.tokens(c, "LEG")
        return self.number(leg1, 2, 15, name="leg1"), self.number(leg2, 2, 15, name="leg2")

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 3, 20, name="aside")

    def route_ask(self, c: list[Any]) -> None:
        return None

    # -- the answer -------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        (amount, made), amount2 = c
        self.let("change", 1 / (amount2 - amount), domain="any")  # a different amount
        each = self.let("each", made / amount)
        self.step("Each of the {ingredient} makes {made} / {amount} = {each} {unit}.")
        total = self.let("total", amount2 * each)
        self.step("{amount2} x {each} = {total}")
        self.step("{a} can make {total} {unit}.")
        return total

    def level2(self, c: list[Any]) -> Any:
        (people, amount), people2, _ = c
        self.let("change", 1 / (people2 - people), domain="any")  # a different number
        each = self.let("each", amount / people)
        self.step("For one person: {amount} / {people} = {each} {unit} of {food}.")
        total = self.let("total", people2 * each)
        self.step("For {people2} people: {people2} x {each} = {total}.")
        self.step("{a} needs {total} {unit} of {food}.")
        return total

    def level3(self, c: list[Any]) -> Any:
        (cm, real), (leg1, leg2), _, _ = c
        per = self.let("each", real / cm, domain="rational")
        self.step("1 cm on the map is {real} / {cm} = {each} {unit}.")
        length = self.let("length", leg1 + leg2)
        self.step("The route is {leg1} + {leg2} = {length} cm on the map.")
        total = self.let("total", length * per, domain="rational")
        self.let("halves", total * 2)  # a whole number of half kilometers
        self.step("{length} x {each} = {total}")
        self.step("The route is {total} {unit} long.")
        return total
