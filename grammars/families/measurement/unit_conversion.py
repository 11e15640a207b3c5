"""Unit conversion: amounts in one unit (or mixed units) written in another unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story

# unit pair -> conversion factor and ranges: lo, hi (and step) per kind of amount
PAIRS: dict[str, dict[str, Any]] = {
    "m": {"factor": 100, "l1": (2, 9), "l2": (1, 9), "part": (1, 99, 1),
          "first": (2, 4), "second": (1, 3), "lone": (10, 95, 5)},
    "h": {"factor": 60, "l1": (2, 8), "l2": (1, 10), "part": (5, 55, 5),
          "first": (1, 5), "second": (1, 4), "lone": (10, 55, 5)},
    "ft": {"factor": 12, "l1": (2, 9), "l2": (1, 20), "part": (1, 11, 1),
           "first": (2, 12), "second": (1, 9), "lone": (2, 11, 1)},
    "kg": {"factor": 1000, "first": (1, 5), "second": (1, 3), "part": (100, 900, 100)},
    "l": {"factor": 1000, "first": (1, 5), "second": (1, 3), "part": (100, 900, 100)},
}  # fmt: skip
UP = ("kg", "l")  # pairs whose answer is in the larger unit
BIG = {"M": "m", "KG": "kg", "L": "l", "H": "h", "FT": "ft"}
SMALL = {"CM": "m", "G": "kg", "ML": "l", "MIN": "h", "INCH": "ft"}


class _Amount:
    """An amount in one unit pair: a larger part and a smaller part (either may be None)."""

    def __init__(self, pair: str, index: int) -> None:
        self.pair = pair
        self.index = index
        self.big: Any = None
        self.small: Any = None
        self.verb: Token | None = None


class _Pronoun:
    """A subject pronoun in a sentence: the verb agrees with it."""


def _kit(pair: str, kind: str) -> Callable[[UnitConversion, list[Any]], _Amount]:
    def action(self: UnitConversion, c: list[Any]) -> _Amount:
        return self.amount(pair, kind, c)

    action.__name__ = f"{kind}_{pair}"
    return action


class UnitConversion(Story):
    title = "Unit conversion: meters, kilograms, liters, hours and feet"
    lexicons: ClassVar[dict[str, Any]] = {
        "stuff_m": ("ribbon", "rope", "string", "wire", "fabric", "yarn", "garden hose",
                    "fairy lights"),
        "stuff_kg": ("flour", "rice", "sugar", "clay", "potting soil", "bird seed", "oats",
                     "apples"),
        "stuff_l": ("juice", "water", "milk", "lemonade", "paint", "orange juice", "soup",
                    "olive oil"),
        "stuff_h": ("homework", "chores", "gardening", "piano practice", "a jigsaw puzzle",
                    "a science project", "a painting", "a model boat"),
        "stuff_ft": ("rope", "wire", "fencing", "garden hose", "pipe", "chain", "ribbon",
                     "string"),
        "big_m": ("meter",), "small_m": ("centimeter",),
        "big_kg": ("kilogram",), "small_kg": ("gram",),
        "big_l": ("liter",), "small_l": ("milliliter",),
        "big_h": ("hour",), "small_h": ("minute",),
        "big_ft": ("foot",), "small_ft": ("inch",),
        # the unit the question asks for (its own lexicons: a role draws distinct words)
        "target_CM": ("centimeter",), "target_MIN": ("minute",), "target_INCH": ("inch",),
        "target_KG": ("kilogram",), "target_L": ("liter",),
        # verbs after a name (after a pronoun they agree with it)
        **{f"GET{i}": ("buys", "uses", "orders", "gets") for i in (1, 2, 3)},
        **{f"SPEND{i}": ("spends",) for i in (1, 2, 3)},
    }  # fmt: skip
    answer_unit = "target"
    # answers are whole by construction; any positive number is a valid answer to a
    # question whose grams (or milliliters) were left vague
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.amounts: list[_Amount] = []

    # -- terminals --------------------------------------------------------------------

    def PRONOUN(self, tok: Token) -> _Pronoun:
        self.pronoun(tok, "a", "subject")
        return _Pronoun()

    # numbers, units and materials are bound by the kit that holds them, verbs by the
    # sentence (it knows whether their subject is a name or a pronoun)
    def GET(self, tok: Token) -> Token:
        return tok

    SPEND = GET

    def ITEM(self, tok: Token) -> Token:
        return tok

    # -- kits: one amount each ----------------------------------------------------------

    def _small(self, tok: Token, rng: tuple[int, int, int], name: str) -> Any:
        lo, hi, step = rng
        return self.number(tok, lo, hi, step=step, name=name)

    def amount(self, pair: str, kind: str, c: list[Any]) -> _Amount:
        p = PAIRS[pair]
        out = _Amount(pair, len(self.amounts) + 1)
        i = out.index
        nums = self.tokens(c, "NUM")
        if kind == "k":  # the larger unit alone
            lo, hi = p["l1"] if self.level == 1 else p["first"]
            out.big = self.number(nums[0], lo, hi, name=f"big{i}")
        elif kind in ("x", "xa"):  # a mixed amount
            lo, hi = p["l2"] if kind == "x" else p["second"]
            out.big = self.number(nums[0], lo, hi, name=f"big{i}")
            out.small = self._small(nums[1], p["part"], f"small{i}")
        elif kind == "s":  # grams or milliliters to be written in the larger unit
            if self.level == 1:
                out.small = self.number(nums[0], 2000, 9000, step=1000, name=f"small{i}")
            else:
                out.small = self.number(nums[0], 100, 1900, step=100, name=f"small{i}")
        elif pair not in UP:  # "another 85 centimeters"
            out.small = self._small(nums[0], p["lone"], f"small{i}")
        else:  # the last grams or milliliters make the total whole
            prev = self.amounts[-1].small
            whole = self.unknown("whole", 2, 4) if self.level == 2 else 1
            out.small = self.result(nums[0], whole * p["factor"] - prev, name=f"small{i}")
        for tok in c:
            if isinstance(tok, Token) and tok.type in BIG:
                self.noun(tok, "big", out.big, lexicon=f"big_{pair}")
            elif isinstance(tok, Token) and tok.type in SMALL:
                self.noun(tok, "small", out.small, lexicon=f"small_{pair}")
        for tok in self.tokens(c, "ITEM"):
            self.word(tok, "stuff", lexicon=f"stuff_{pair}")
        (out.verb,) = [t for t in c if isinstance(t, Token) and t.type in ("GET", "SPEND")]
        self.amounts.append(out)
        return out

    k_m, k_kg, k_l, k_h, k_ft = (_kit(p, "k") for p in ("m", "kg", "l", "h", "ft"))
    x_m, x_h, x_ft = (_kit(p, "x") for p in ("m", "h", "ft"))
    s_kg, s_l = (_kit(p, "s") for p in ("kg", "l"))
    xa_m, xa_kg, xa_l, xa_h, xa_ft = (_kit(p, "xa") for p in ("m", "kg", "l", "h", "ft"))
    sa_m, sa_kg, sa_l, sa_h, sa_ft = (_kit(p, "sa") for p in ("m", "kg", "l", "h", "ft"))

    # -- sentences ----------------------------------------------------------------------

    def fact(self, c: list[Any]) -> _Amount:
        (got,) = [x for x in c if isinstance(x, _Amount)]
        assert got.verb is not None
        if any(isinstance(x, _Pronoun) for x in c):
            self.verb(got.verb, "a")
        else:  # after a name: "buys", "uses", ... as a word
            self.word(got.verb, f"verb{got.index}", lexicon=f"{got.verb.type}{got.index}")
        return got

    more = last = fact

    def ask(self, c: list[Any]) -> None:
        for tok in c:
            if isinstance(tok, Token) and tok.type in {**BIG, **SMALL}:
                self.noun(tok, "target", 2, lexicon=f"target_{tok.type}")

    total = ask

    # -- levels -------------------------------------------------------------------------

    def _convert(self, a: _Amount) -> Any:
        """The amount in the smaller unit, with its steps."""
        f = PAIRS[a.pair]["factor"]
        i = a.index
        if a.big is None:
            return a.small
        conv = self.let(f"conv{i}", a.big * f)
        self.step(f"{{big{i}}} x {f} = {{conv{i}}}")
        if a.small is None:
            return conv
        part = self.let(f"part{i}", conv + a.small)
        self.step(f"{{conv{i}}} + {{small{i}}} = {{part{i}}}")
        return part

    def _solve(self) -> Any:
        pair = self.amounts[0].pair
        f = PAIRS[pair]["factor"]
        if pair in UP:
            self.step(f"There are {f} {{small}} in 1 {{target:1}}.")
        else:
            self.step(f"There are {f} {{target}} in 1 {{big:1}}.")
        parts = [self._convert(a) for a in self.amounts]
        if len(parts) == 1:
            total = parts[0]
        else:
            total = self.let("total", sum(parts))
            self.step(" + ".join(f"{{{p}}}" for p in parts) + " = {total}")
        if pair in UP:
            total_name = str(total)
            total = self.let("answer_big", total / f, domain="rational")
            self.step(f"{{{total_name}}} / {f} = {{answer_big}}")
        self.step(f"So the amount is {{{total}}} {{target}}.")
        return total

    def level1(self, c: list[Any]) -> Any:
        return self._solve()

    level2 = level3 = level1
