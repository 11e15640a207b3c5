"""Calendar days: days until a date, and days in a span of dates counting both ends."""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from lark import Token

from gramgen.semantics import Story


class Month(NamedTuple):
    name: str
    days: int


class Date(NamedTuple):
    kind: str  # today, event, starts, ends
    month: Month
    tok: Token


#: (lexicon of the unit, lo, hi, step) of each daily activity
DAILY = {
    "per_page": ("page", 5, 30, 1),
    "per_lap": ("lap", 4, 20, 1),
    "per_minute": ("minute", 15, 45, 5),
    "per_km": ("kilometer", 2, 8, 1),
}


class CalendarDays(Story):
    title = "Calendar days: counting the days between dates"
    verbs = ("READ", "SWIM", "PRACTICE", "SPEND", "WALK", "RIDE")
    lexicons: ClassVar[dict[str, Any]] = {
        "day": ("day",),
        "page": ("page",),
        "lap": ("lap",),
        "minute": ("minute",),
        "kilometer": ("kilometer",),
    }
    answer_unit = "unit"  # days, or the unit of the daily activity

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.units: list[Token] = []

    # -- terminals and months ------------------------------------------------------------

    DAY = Story.NUM

    def UNIT(self, tok: Token) -> Token:
        self.units.append(tok)  # bound once the unit is known (see _bind_units)
        return tok

    def jan(self, c: list[Any]) -> Month:
        return Month("January", 31)

    def feb(self, c: list[Any]) -> Month:
        return Month("February", 28)

    def mar(self, c: list[Any]) -> Month:
        return Month("March", 31)

    def apr(self, c: list[Any]) -> Month:
        return Month("April", 30)

    def may(self, c: list[Any]) -> Month:
        return Month("May", 31)

    def jun(self, c: list[Any]) -> Month:
        return Month("June", 30)

    def jul(self, c: list[Any]) -> Month:
        return Month("July", 31)

    def aug(self, c: list[Any]) -> Month:
        return Month("August", 31)

    def sep(self, c: list[Any]) -> Month:
        return Month("September", 30)

    def oct(self, c: list[Any]) -> Month:
        return Month("October", 31)

    def nov(self, c: list[Any]) -> Month:
        return Month("November", 30)

    def dec(self, c: list[Any]) -> Month:
        return Month("December", 31)

    # -- sentences -----------------------------------------------------------------------

    def _date(self, c: list[Any], kind: str) -> Date:
        (month,) = [x for x in c if isinstance(x, Month)]
        (tok,) = self.tokens(c, "DAY")
        return Date(kind, month, tok)

    def today(self, c: list[Any]) -> Date:
        return self._date(c, "today")

    def event(self, c: list[Any]) -> Date:
        return self._date(c, "event")

    def starts(self, c: list[Any]) -> Date:
        return self._date(c, "starts")

    def ends(self, c: list[Any]) -> Date:
        return self._date(c, "ends")

    def _daily(self, c: list[Any], kind: str) -> tuple[str, Any]:
        lex, lo, hi, step = DAILY[kind]
        (tok,) = self.tokens(c, "NUM")
        return lex, self.number(tok, lo, hi, step=step, name="each")

    def per_page(self, c: list[Any]) -> tuple[str, Any]:
        return self._daily(c, "per_page")

    def per_lap(self, c: list[Any]) -> tuple[str, Any]:
        return self._daily(c, "per_lap")

    def per_minute(self, c: list[Any]) -> tuple[str, Any]:
        return self._daily(c, "per_minute")

    def per_km(self, c: list[Any]) -> tuple[str, Any]:
        return self._daily(c, "per_km")

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "NUM")
        self.number(tok, 3, 12, name="aside")

    def ask_days(self, c: list[Any]) -> str:
        return "until"

    def ask_span(self, c: list[Any]) -> str:
        return "span"

    def ask_total(self, c: list[Any]) -> str:
        return "total"

    # -- helpers -------------------------------------------------------------------------

    def _day(self, date: Date, name: str, lo: int, hi: int) -> Any:
        # "March a certain number" reads badly: a date is never the number left vague
        return self.number(date.tok, lo, hi, name=name, vague=None)

    def _bind_units(self, lexicon: str, count: Any) -> None:
        for tok in self.units:
            self.noun(tok, "unit", count, lexicon=lexicon)

    def _span(self, first: Date, last: Date) -> Any:
        """The days from ``first`` to ``last``, both counted (the steps say how)."""
        a, b = first.month, last.month
        if a == b:
            start = self._day(first, "start_day", 1, 10)
            end = self._day(last, "end_day", 3, 20)
            days = self.let("days", end - start + 1)
            self.let("days_check", days - 2)  # at least three days
            self.step(
                f"From {a.name} {{start_day}} to {a.name} {{end_day}}, counting both days: "
                "{end_day} - {start_day} + 1 = {days}."
            )
            return days
        start = self._day(first, "start_day", 15, a.days - 1)
        end = self._day(last, "end_day", 2, 20)
        part = self.let("first_part", a.days - start + 1)
        self.step(
            f"{a.name} has {a.days} days. From {a.name} {{start_day}} to {a.name} {a.days}, "
            f"counting both days: {a.days} - {{start_day}} + 1 = {{first_part}}."
        )
        self.step(f"From {b.name} 1 to {b.name} {{end_day}} there are {{end_day}} more days.")
        days = self.let("days", part + end)
        self.step("In all: {first_part} + {end_day} = {days}.")
        return days

    def _until(self, now: Date, then: Date) -> Any:
        """The days from ``now`` until ``then`` (today not counted)."""
        a, b = now.month, then.month
        if a == b:
            start = self._day(now, "today_day", 1, 10)
            end = self._day(then, "event_day", 3, 20)
            wait = self.let("wait", end - start)
            self.let("wait_check", wait - 1)  # at least two days
            self.step(f"From {a.name} {{today_day}} to {a.name} {{event_day}}: "
                      "{event_day} - {today_day} = {wait}.")  # fmt: skip
            return wait
        start = self._day(now, "today_day", 15, a.days - 1)
        end = self._day(then, "event_day", 2, 20)
        rest = self.let("rest", a.days - start)
        self.step(
            f"{a.name} has {a.days} days. From {a.name} {{today_day}} to {a.name} "
            f"{a.days}: {a.days} - {{today_day}} = {{rest}}."
        )
        wait = self.let("wait", rest + end)
        self.step(f"Then {{event_day}} more days to {b.name} {{event_day}}: "
                  "{rest} + {event_day} = {wait}.")  # fmt: skip
        return wait

    # -- levels --------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        first, last, ask = c
        self._bind_units("day", 2)
        if ask == "until":
            wait = self._until(first, last)
            self.step("It is {wait} days away.")
            return wait
        days = self._span(first, last)
        self.step("It lasts {days} days.")
        return days

    level2 = level1

    def level3(self, c: list[Any]) -> Any:
        first, last, (lexicon, each), _, _ = c
        self._bind_units(lexicon, each)
        days = self._span(first, last)
        total = self.let("total", days * each)
        self.step("{each} {unit} on each of {days} days: {days} x {each} = {total}.")
        self.step("That is {total} {unit} in all.")
        return total
