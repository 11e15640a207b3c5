"""A chain of events in a baker's day, one step each; what is left, or how many boxes."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story

START = {1: (12, 60), 2: (24, 120), 3: (48, 200)}
CAP = {1: 150, 2: 300, 3: 500}  # no bakery ends up with thousands
CHANGE = {1: (2, 15), 2: (3, 30), 3: (4, 40)}  # sold or baked; fewer are given or lost


class StoryChain(Story):
    main_role = "p"
    other_role = "o"
    verbs = (
        "SELL",
        "GIVE",
        "PUT",
        "BURN",
        "THROW",
        "BAKE",
        "HAS",
        "PACK",
        "DOES",
    )
    title = "Story chain: a baker's day of changes, then what is left or how many boxes"
    lexicons: ClassVar[dict[str, Any]] = {
        "goods": ("cookie", "muffin", "cupcake", "roll", "bagel", "scone", "pretzel",
                  "brownie", "tart"),
        "box": ("box", "bag", "tray", "tin"),
    }  # fmt: skip
    answer_unit = "unit"  # the goods, or the boxes, whichever the question counts

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.nouns: list[tuple[Token, Any]] = []  # goods, bound once the question is known
        self.changes = 0

    # -- terminals ------------------------------------------------------------------

    ITEM = ITEM_ONE = BOX = Story.NUM

    def _goods(self, c: list[Any], count: Any = 2) -> None:
        self.nouns += [(t, count) for t in self.tokens(c, "ITEM")]
        self.nouns += [(t, 1) for t in self.tokens(c, "ITEM_ONE")]

    # -- sentences ------------------------------------------------------------------

    def start(self, c: list[Any]) -> Any:
        # chosen first, then written: a vague start would rarely leave two whole
        # answers among the numbers gramgen tries, so it is never the dropped fact
        (tok,) = self.tokens(c)
        start = self.result(tok, self.unknown("start", *START[self.level]), name="s0")
        self._goods(c, start)
        return start

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 2, 12, name="distractor")
        self._goods(c)

    def _change(self, c: list[Any], kind: str) -> tuple[str, Any]:
        """The kind of change and its amount's token; the amount is made in the level
        action, which knows whether this is the last change."""
        toks = self.tokens(c)
        if not toks:
            self._goods(c)
            return kind, None
        self.changes += 1
        lo, hi = CHANGE[self.level]
        if kind in ("give", "drop"):
            hi = {"give": hi // 2, "drop": 8}[kind]
        return kind, (toks[0], lo, hi, self.changes, c)

    def _amount(self, pending: Any, last: bool) -> Any:
        """Only the last change is stated freely (it may be left vague); earlier ones
        are chosen first, as a vague one would rarely leave two whole answers."""
        tok, lo, hi, k, c = pending
        if last:
            amount = self.number(tok, lo, hi, name=f"k{k}")
        else:
            amount = self.result(tok, self.unknown(f"u{k}", lo, hi), name=f"k{k}")
        self._goods(c, amount)
        return amount

    def sell(self, c: list[Any]) -> tuple[str, Any]:
        return self._change(c, "sell")

    def give(self, c: list[Any]) -> tuple[str, Any]:
        return self._change(c, "give")

    def drop(self, c: list[Any]) -> tuple[str, Any]:
        return self._change(c, "drop")

    def bake(self, c: list[Any]) -> tuple[str, Any]:
        return self._change(c, "bake")

    def half(self, c: list[Any]) -> tuple[str, Any]:
        return self._change(c, "half")

    def double(self, c: list[Any]) -> tuple[str, Any]:
        return self._change(c, "double")

    def ask_left(self, c: list[Any]) -> tuple[str, Any]:
        self._goods(c)
        return "left", None

    def ask_boxes(self, c: list[Any]) -> tuple[str, Any]:
        self._goods(c)
        (tok,) = self.tokens(c)
        size = self.number(tok, 2, 12, name="size")
        for box in self.tokens(c, "BOX"):
            self.noun(box, "unit", 2, lexicon="box")
        return "boxes", size

    # -- the solution ---------------------------------------------------------------

    STEP: ClassVar[dict[str, str]] = {
        "sell": "Sells {k}: {prev} - {k} = {now}",
        "give": "Gives away {k}: {prev} - {k} = {now}",
        "drop": "Loses {k}: {prev} - {k} = {now}",
        "bake": "Bakes {k} more: {prev} + {k} = {now}",
        "half": "Half are sold: {prev} / 2 = {now}",
        "double": "The number doubles: {prev} x 2 = {now}",
    }

    def level1(self, c: list[Any]) -> Any:
        state = c[0]
        events = [x for x in c[1:-1] if isinstance(x, tuple)]
        ask, size = c[-1]
        prev = "s0"
        for i, (kind, pending) in enumerate(events, 1):
            last = i == len(events) and ask == "left"
            amount = None if pending is None else self._amount(pending, last)
            if kind in ("sell", "give", "drop"):
                state = self.let(f"s{i}", state - amount, hi=CAP[self.level])
            elif kind == "bake":
                state = self.let(f"s{i}", state + amount, hi=CAP[self.level])
            elif kind == "half":
                state = self.let(f"s{i}", state / 2, hi=CAP[self.level])
            else:
                state = self.let(f"s{i}", state * 2, hi=CAP[self.level])
            k = getattr(amount, "name", "")
            self.step(self.STEP[kind].format(k=f"{{{k}}}", prev=f"{{{prev}}}", now=f"{{s{i}}}"))
            prev = f"s{i}"
        self.let("spare", state - 1)  # at least two are left (plural in the steps)
        goods = "thing" if ask == "boxes" else "unit"
        for tok, count in self.nouns:
            self.noun(tok, goods, count, lexicon="goods")
        if ask == "left":
            self.step(f"{{p}} has {{{prev}}} {{unit}} left.")
            return state
        boxes = self.let("boxes", state / size)
        self.let("more_boxes", boxes - 1)  # at least two boxes
        self.step(f"{{{prev}}} / {{size}} = {{boxes}}")
        self.step("{p} fills {boxes} {unit}.")
        return boxes

    level2 = level3 = level1
