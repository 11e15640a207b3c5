"""Time elapsed: clock times read as "quarter past 4", durations, end times and breaks."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story


class _Clock:
    """A clock time as written: its kind ("past", "to", ...) and its number tokens."""

    def __init__(self, kind: str, toks: list[Token]) -> None:
        self.kind = kind
        self.toks = toks


class TimeElapsed(Story):
    title = "Time elapsed: start times, durations and end times on a clock"
    lexicons: ClassVar[dict[str, Any]] = {
        "event": ("concert", "football match", "school play", "talent show", "film",
                  "piano recital", "magic show", "quiz night", "dance show", "puppet show"),
        "hour": ("hour",),
    }  # fmt: skip
    answer_unit = "minutes"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.times: dict[str, tuple[Any, Any]] = {}  # "s"/"e" -> (hour, minute)
        self.oclock: dict[str, bool] = {}  # "s"/"e" -> written as "7 o'clock"
        self.dur: Any = None
        self.brk: Any = None
        self.dur_steps: list[str] = []

    # -- terminals --------------------------------------------------------------------

    def EVENT(self, tok: Token) -> str:
        return self.word(tok, "event")

    HOUR = Story.NUM

    # -- clock times: the sentence holding one says whether it starts or ends ----------

    def c_oclock(self, c: list[Any]) -> _Clock:
        return _Clock("oclock", self.tokens(c))

    def c_half(self, c: list[Any]) -> _Clock:
        return _Clock("half", self.tokens(c))

    def c_qpast(self, c: list[Any]) -> _Clock:
        return _Clock("qpast", self.tokens(c))

    def c_qto(self, c: list[Any]) -> _Clock:
        return _Clock("qto", self.tokens(c))

    def c_past(self, c: list[Any]) -> _Clock:
        return _Clock("past", self.tokens(c))

    def c_to(self, c: list[Any]) -> _Clock:
        return _Clock("to", self.tokens(c))

    def _time(self, c: list[Any], tag: str) -> None:
        """Hour and minutes (past that hour) of the clock time in sentence ``c``: a
        start time is drawn, an end time (tag "e") is a few whole hours later."""
        (clk,) = [x for x in c if isinstance(x, _Clock)]
        hour_tok = clk.toks[-1]
        adj = 1 if clk.kind in ("qto", "to") else 0  # "quarter to 4" is 45 minutes past 3
        if tag == "s":  # left vague: "at half past a certain hour" ("... o'clock": not)
            vague = None if clk.kind == "oclock" else "a certain hour"
            h = self.number(hour_tok, 2 + adj, 10 + adj, name="s_h", vague=vague)
        else:
            lo, hi = {1: (0, 1), 2: (1, 2), 3: (1, 3)}[self.level]
            over = self.unknown("hours_over", lo, hi)
            h = self.result(hour_tok, self.times["s"][0] + over + adj, name="e_h", hi=12)
        hour = self.let(f"{tag}_hour", h - adj)
        fixed = {"oclock": 0, "half": 30, "qpast": 15, "qto": 45}
        if clk.kind in fixed:
            minute = self.let(f"{tag}_min", fixed[clk.kind], domain="nonnegative")
        else:
            m = self.number(clk.toks[0], 5, 25, step=5, name=f"{tag}_m")
            minute = self.let(f"{tag}_min", m if clk.kind == "past" else 60 - m)
        self.times[tag] = (hour, minute)
        self.oclock[tag] = clk.kind == "oclock"

    # -- sentences ----------------------------------------------------------------------

    def begin(self, c: list[Any]) -> None:
        self._time(c, "s")

    def ends(self, c: list[Any]) -> None:
        self._time(c, "e")

    def d_min(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c)
        lo, hi = (10, 50) if self.level == 1 else (65, 150)
        return self.number(tok, lo, hi, step=5, name="dur")

    def d_hm(self, c: list[Any]) -> Any:
        (h_tok, m_tok) = self.tokens(c)
        (unit,) = self.tokens(c, "HOUR")
        dh = self.number(h_tok, 1, 2, name="dur_h")
        self.noun(unit, "hour", dh)
        self.number(m_tok, 5, 55, step=5, name="dur_m")
        self.dur_steps = ["{dur_h} x 60 + {dur_m} = {dur}"]
        return self.let("dur", dh * 60 + sympy.Symbol("dur_m", real=True))

    def lasts(self, c: list[Any]) -> None:
        (self.dur,) = [x for x in c if isinstance(x, sympy.Expr)]

    play = lasts

    def pause(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.brk = self.number(tok, 5, 30, step=5, name="brk")

    def _end_hour(self, toks: list[Token], between: bool) -> Any:
        hour, minute = self.times["s"]
        span = self.dur if self.brk is None else self.dur + self.brk
        end_hour = self.result(
            toks[0], sympy.floor((60 * hour + minute + span) / 60), name="end_hour", hi=11
        )
        if between:
            self.result(toks[1], end_hour + 1, name="next_hour")
        for i, tok in enumerate(toks[2 if between else 1 :]):
            self.result(tok, end_hour, name=f"end_hour{i + 2}")
        return end_hour

    def ask_end(self, c: list[Any]) -> Any:
        return self._end_hour(self.tokens(c), between=False)

    def ask_end_between(self, c: list[Any]) -> Any:
        return self._end_hour(self.tokens(c), between=True)

    def ask_dur(self, c: list[Any]) -> None:
        return None

    ask_play = ask_dur

    # -- levels -------------------------------------------------------------------------

    def _at(self, tag: str) -> str:
        """When a clock time is, in a step: "at 7 o'clock", not "at 0 minutes past 7"."""
        if self.oclock[tag]:
            return f"at {{{tag}_hour}} o'clock"
        return f"at {{{tag}_min}} minutes past {{{tag}_hour}}"

    def _solve_end(self, end_hour: Any) -> Any:
        hour, minute = self.times["s"]
        self.step(f"The {{event}} starts {self._at('s')}.")
        for text in self.dur_steps:
            self.step(text)
        span = self.dur
        if self.brk is not None:
            span = self.let("span", self.dur + self.brk)
            self.step("{dur} + {brk} = {span}")
        total = self.let("end_total", minute + span)
        self.step(f"{{s_min}} + {{{span}}} = {{end_total}}")
        self.step("That is {end_total} minutes after {s_hour} o'clock.")
        over = self.let("hours_over", end_hour - hour, domain="nonnegative")
        carry = self.let("carry", 60 * over, domain="nonnegative")
        self.step("{end_hour} - {s_hour} = {hours_over}")
        self.step("{hours_over} x 60 = {carry}")
        got = self.let("end_min", total - carry, hi=59)
        self.step("{end_total} - {carry} = {end_min}")
        self.step("It ends at {end_min} minutes past {end_hour}.")
        return got

    def _solve_dur(self) -> Any:
        (sh, sm), (eh, em) = self.times["s"], self.times["e"]
        self.step(f"It starts {self._at('s')}.")
        self.step(f"It ends {self._at('e')}.")
        elapsed = self.let("elapsed", 60 * (eh - sh) + em - sm)
        least = {1: 10, 2: 50, 3: 60}[self.level]
        self.let("elapsed_over", elapsed - least + 1)  # it lasts at least that long
        self.step("({e_hour} - {s_hour}) x 60 + {e_min} - {s_min} = {elapsed}")
        if self.brk is None:
            self.step("It lasts {elapsed} minutes.")
            return elapsed
        play = self.let("play", elapsed - self.brk)
        self.let("play_over", play - 39)  # most of it is not the break
        self.step("{elapsed} - {brk} = {play}")
        self.step("Without the break it lasts {play} minutes.")
        return play

    def level1(self, c: list[Any]) -> Any:
        last = c[-1]
        if isinstance(last, sympy.Expr):
            return self._solve_end(last)
        return self._solve_dur()

    level2 = level3 = level1
