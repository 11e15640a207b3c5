"""Filling tanks: taps and pipes in liters per minute, leaks and drains; minutes to fill."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class FillingTanks(Story):
    title = "Filling tanks: taps, leaks and drains at rates in liters per minute"
    lexicons: ClassVar[dict[str, Any]] = {
        "tank": ("tank", "trough", "cistern", "vat", "reservoir"),
    }
    answer_unit = "minutes"

    # -- terminals ---------------------------------------------------------------------

    def TANK(self, tok: Token) -> str:
        return self.word(tok, "tank")

    # -- sentences ---------------------------------------------------------------------

    def tank(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c, "NUM")
        return tok

    def tank_part(self, c: list[Any]) -> tuple[Token, Token]:
        full, now = self.tokens(c, "NUM")
        return full, now

    def tank_part_rev(self, c: list[Any]) -> tuple[Token, Token]:
        now, full = self.tokens(c, "NUM")
        return full, now

    def _rate(self, c: list[Any], name: str, lo: int, hi: int, step: int = 5) -> Any:
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, lo, hi, step=step, name=name)

    def tap_one(self, c: list[Any]) -> Any:
        lo, hi = {1: (10, 40), 2: (10, 50), 3: (10, 50)}[self.level]
        return self._rate(c, "rate1", lo, hi)

    def tap_two(self, c: list[Any]) -> tuple[str, Any]:
        lo, hi = (5, 30) if self.level == 2 else (10, 40)
        return "tap", self._rate(c, "rate2", lo, hi)

    def leak(self, c: list[Any]) -> tuple[str, Any]:
        return "leak", self._rate(c, "leak", 2, 12, 1)

    def drain(self, c: list[Any]) -> Any:
        return self._rate(c, "drain", 4, 25, 1)

    def other_count(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "NUM")
        self.number(tok, 3, 12, name="aside")

    def ask_time(self, c: list[Any]) -> None:
        return None

    ask_full = ask_time

    # -- levels ------------------------------------------------------------------------

    def _fill(self, tok: Token, net: Any, lo: int, hi: int) -> Any:
        time = self.unknown("time", lo, hi)
        self.result(tok, net * time, name="capacity", style="comma")
        return time

    def level1(self, c: list[Any]) -> Any:
        tok, rate, _ = c
        time = self._fill(tok, rate, 8, 30)
        self.step("It fills at {rate1} liters a minute: {capacity} / {rate1} = {time}.")
        self.step("It takes {time} minutes to fill.")
        return time

    def level2(self, c: list[Any]) -> Any:
        tok, rate1, (kind, rate2), _ = c
        if kind == "tap":
            net = self.let("net", rate1 + rate2)
            self.step("Together the two add {rate1} + {rate2} = {net} liters each minute.")
        else:
            net = self.let("net", rate1 - rate2)
            self.let("net_check", net - 4)  # at least 5 liters a minute
            self.step("With the leak, it gains {rate1} - {leak} = {net} liters each minute.")
        time = self._fill(tok, net, 5, 40)
        self.step("{capacity} / {net} = {time}")
        self.step("It takes {time} minutes to fill.")
        return time

    def level3(self, c: list[Any]) -> Any:
        (full_tok, now_tok), rate1, (_, rate2), drain, _, _ = c
        start = self.number(now_tok, 50, 400, step=10, name="start")
        net = self.let("net", rate1 + rate2 - drain)
        self.let("net_check", net - 4)  # at least 5 liters a minute
        time = self.unknown("time", 5, 60)
        room = self.let("room", net * time)
        self.result(full_tok, start + room, name="capacity", style="comma")
        self.step("Each minute it gains {rate1} + {rate2} - {drain} = {net} liters.")
        self.step("It still needs {capacity} - {start} = {room:comma} liters.")
        self.step("{room:comma} / {net} = {time}")
        self.step("It is full after {time} minutes.")
        return time
