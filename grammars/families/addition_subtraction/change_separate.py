"""Change (separate): a person has some things and gives, sells or loses some; how many left?"""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class ChangeSeparate(Story):
    title = "Change (separate): how many are left after giving some away"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("sticker", "marble", "card", "stamp", "shell", "bead", "button", "pencil",
                  "crayon", "eraser", "ribbon", "badge", "postcard", "keychain"),
    }  # fmt: skip
    answer_unit = "thing"

    # (left lo, left hi), (loss lo, loss hi) per level: the answer is chosen first,
    # the losses drawn, and the starting amount computed from them
    RANGES: ClassVar[dict[int, tuple[tuple[int, int], tuple[int, int]]]] = {
        1: ((2, 10), (2, 9)),
        2: ((5, 40), (3, 30)),
        3: ((20, 150), (10, 120)),
    }

    def GIVES(self, tok: Token) -> str:
        return self.verb(tok, "a")

    LOSES = SELLS = DROPS = DONATES = KEEPS = OWNS = HASV = PUTS = GIVES

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")  # every count written beside it is at least 2

    def OTHER_ITEM(self, tok: Token) -> str:
        return self.noun(tok, "other", lexicon="thing")

    def setup(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok

    def loss(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok

    again = last = loss

    # distracting facts: numbers the answer does not use
    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 5, 80, name="distractor")

    def classmates(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 18, 32, name="distractor")

    def age(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 7, 12, name="distractor")

    def blocks(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 2, 12, name="distractor")

    def question(self, c: list[Any]) -> None:
        return None

    def _left(self, start_tok: Token, loss_toks: list[Token]) -> Any:
        (left_lo, left_hi), (lo, hi) = self.RANGES[self.level]
        left = self.unknown("left", left_lo, left_hi)
        losses = [self.number(tok, lo, hi, name=f"loss{i}") for i, tok in enumerate(loss_toks, 1)]
        self.result(start_tok, left + sum(losses), name="start")
        names = [f"{{loss{i}}}" for i in range(1, len(losses) + 1)]
        if len(losses) == 1:
            self.step("{a} starts with {start} {thing} and parts with {loss1} of them.")
            self.step("{start} - {loss1} = {left}")
        else:
            self.let("gone", sum(losses))
            self.step(f"{{a}} parts with {' + '.join(names)} = {{gone}} {{thing}} in all.")
            self.step("{start} - {gone} = {left}")
        self.step("{a} has {left} {thing} left.")
        return left

    def level1(self, c: list[Any]) -> Any:
        start, loss, _ = c
        return self._left(start, [loss])

    def level2(self, c: list[Any]) -> Any:
        start, l1, l2, _ = c
        return self._left(start, [l1, l2])

    def level3(self, c: list[Any]) -> Any:
        start, _, l1, l2, l3, _ = c
        return self._left(start, [l1, l2, l3])
