"""Speed, distance and time: find one from the other two, or a trip in two legs."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class SpeedDistanceTime(Story):
    title = "Speed, distance and time"
    lexicons: ClassVar[dict[str, Any]] = {
        "km": ("kilometers",),
        "kmh": ("kilometers per hour",),
        "hours": ("hours",),
        "minutes": ("minutes",),
    }
    answer_style = "decimal"
    answer_domain = "rational"
    # a role: the unit the question asks in (kilometers, hours, minutes, km per hour)
    answer_unit = "unit"

    def DRIVE(self, tok: Token) -> str:
        return self.verb(tok, "a")

    GO = KEEP = TAKE = SPEND = STOP = PASS = DRIVE

    @property
    def _time_words(self) -> str:
        return "minutes" if self.level == 2 else "hours"

    def TUNIT(self, tok: Token) -> str:
        return self.word(tok, "tunit", lexicon=self._time_words)

    def HOURS(self, tok: Token) -> str:
        return self.word(tok, "unit", lexicon=self._time_words)

    def KM(self, tok: Token) -> str:
        return self.word(tok, "unit", lexicon="km")

    def KMH(self, tok: Token) -> str:
        return self.word(tok, "unit", lexicon="kmh")

    SPEED = TIME = DIST = Story.NUM

    # -- quantities -------------------------------------------------------------------
    # level 1: whole hours; level 2: minutes (a time t minutes is t / 60 hours).
    # Every answer is whole by construction.

    def _speed(self, tok: Token, name: str = "speed") -> Any:
        lo, hi = {1: (20, 50), 2: (40, 120), 3: (30, 100)}[self.level]
        return self.number(tok, lo, hi, step=5, name=name)

    def _time(self, tok: Token, name: str = "time") -> Any:
        if self.level == 2:
            return self.number(tok, 20, 240, step=5, name=name)
        return self.number(tok, 2, 4 if self.level == 1 else 5, name=name)

    @property
    def _per_hour(self) -> int:
        return 60 if self.level == 2 else 1

    def speed_time(self, c: list[Any]) -> tuple[Any, Any]:
        (s,) = self.tokens(c, "SPEED")
        (t,) = self.tokens(c, "TIME")
        return self._speed(s), self._time(t)

    def dist_speed(self, c: list[Any]) -> tuple[Any, Any]:
        (s,) = self.tokens(c, "SPEED")
        (d,) = self.tokens(c, "DIST")
        speed = self._speed(s)
        if self.level == 2:
            time = self.unknown("time0", 20, 240, step=5)
        else:
            time = self.unknown("time0", 2, 5)
        return self.result(d, speed * time / self._per_hour, name="dist"), speed

    def dist_time(self, c: list[Any]) -> tuple[Any, Any]:
        (t,) = self.tokens(c, "TIME")
        (d,) = self.tokens(c, "DIST")
        time = self._time(t)
        lo, hi = (8, 24) if self.level == 2 else (4, 10)
        speed = self.unknown("speed0", lo, hi)  # in fives of km/h
        return self.result(d, 5 * speed * time / self._per_hour, name="dist"), time

    def ask_dist(self, c: list[Any]) -> None:
        return None

    ask_time = ask_speed = ask_dist

    def leg1(self, c: list[Any]) -> tuple[Token, Token]:
        return self.tokens(c, "SPEED")[0], self.tokens(c, "TIME")[0]

    leg2 = leg1

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 2, 12, name="aside")

    def ask_total(self, c: list[Any]) -> str:
        return "total"

    def ask_average(self, c: list[Any]) -> str:
        return "average"

    # -- the answer -------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        return self._one(c)

    def level2(self, c: list[Any]) -> Any:
        return self._one(c)

    def _one(self, c: list[Any]) -> Any:
        (a, b), _ = c
        names = {str(a), str(b)}
        minutes = self.level == 2
        if names == {"speed", "time"}:
            speed, time = a, b
            dist = self.let("distance", speed * time / self._per_hour)  # whole km
            if minutes:
                self.step("{time} minutes is {time} / 60 of an hour.")
                self.step("{speed} x {time} / 60 = {distance}")
            else:
                self.step("Distance = speed x time = {speed} x {time} = {distance}.")
            self.step("{a} travels {distance} kilometers.")
            return dist
        if names == {"dist", "speed"}:
            dist, speed = a, b
            if minutes:
                mins = self.let("minutes", dist * 60 / speed)
                self.step("Time in hours = distance / speed, so in minutes it is 60 times that.")
                self.step("{dist} x 60 / {speed} = {minutes}")
                self.step("The trip takes {minutes} minutes.")
                return mins
            time = self.let("hours", dist / speed)
            self.step("Time = distance / speed = {dist} / {speed} = {hours} hours.")
            self.step("The trip takes {hours} hours.")
            return time
        dist, time = a, b
        if minutes:
            speed = self.let("answer_speed", dist * 60 / time)
            self.step("In {time} minutes {a} goes {dist} km; an hour is 60 minutes.")
            self.step("Speed = {dist} x 60 / {time} = {answer_speed} km/h.")
        else:
            speed = self.let("answer_speed", dist / time)
            self.step("Speed = distance / time = {dist} / {time} = {answer_speed}.")
        self.step("The speed is {answer_speed} kilometers per hour.")
        return speed

    def level3(self, c: list[Any]) -> Any:
        (s1_tok, t1_tok), (s2_tok, t2_tok), _, ask = c
        s1, t1 = self._speed(s1_tok, "speed1"), self._time(t1_tok, "time1")
        t2 = self._time(t2_tok, "time2")
        if ask == "average":
            # the average speed is chosen (whole); the second speed follows from it
            avg = self.unknown("avg", 40, 90)
            s2 = self.result(s2_tok, (avg * (t1 + t2) - s1 * t1) / t2, name="speed2", hi=120)
            self.let("slowest", s2 - 19)  # at least 20 km/h
            self.let("fives", s2 / 5)  # a multiple of 5 km/h
            self.let("unlike", (s2 - s1) ** 2 - 99)  # at least 10 km/h apart
        else:
            s2 = self._speed(s2_tok, "speed2")
        d1 = self.let("dist1", s1 * t1)
        self.step("First part: {speed1} x {time1} = {dist1} km.")
        d2 = self.let("dist2", s2 * t2)
        self.step("Second part: {speed2} x {time2} = {dist2} km.")
        total = self.let("total", d1 + d2)
        self.step("In all: {dist1} + {dist2} = {total} km.")
        if ask == "total":
            self.step("{a} travels {total} kilometers.")
            return total
        hours = self.let("hours", t1 + t2)
        self.step("Time: {time1} + {time2} = {hours} hours.")
        average = self.let("average", total / hours)
        self.step("Average speed: {total} / {hours} = {average} km/h.")
        self.step("The average speed is {average} kilometers per hour.")
        return average
