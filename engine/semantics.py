"""Semantic actions: what a problem family's derivations mean.

A *family* is a ``.lark`` grammar with a Python module of the same name beside
it holding one :class:`Semantics` subclass: a ``lark.Transformer`` whose methods,
named after rules, aliases and terminals, compute each node's value from its
children. The actions build a *model* of the problem:

* number slots written in the text (``self.number``: drawn from a range;
  ``self.result``: computed from other quantities, e.g. the 26 of "I triple it
  and add 5 and get 26");
* quantities that are not written (``self.unknown``: "think of a number"),
  intermediate quantities (``self.let``) and stated equations (``self.equation``);
* bindings: people, pronouns, verbs, nouns and words from lexicons, each bound to
  a *role* so that ``{name}`` in three sentences is one name and the pronouns,
  verbs, articles and plurals agree with it;
* solution steps (``self.step``) and the answer (what the root action returns).

The actions run once per derivation *structure* (the alternatives taken), on
sympy symbols; :mod:`gramgen.family` solves the model once, then fills numbers
chosen by the solver (constraints met by construction) into every derivation
of that structure. Checking a finished problem parses its text back with the
grammar, rebuilds the model from the parse and solves it with the numbers the
text states.

Actions must not depend on the text of a terminal (which of "has"/"owns" was
drawn): write meaning-bearing choices as rule alternatives with aliases.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar, Final

from lark import Token, Transformer

from .errors import InvalidArgument

__all__ = [
    "PEOPLE",
    "STYLES",
    "Model",
    "Semantics",
    "Story",
    "format_number",
    "load_lexicon",
    "parse_number",
]

#: Names and pronoun sets the person slots draw from (distinct people per role).
PEOPLE: tuple[tuple[str, str], ...] = (
    ("Ava", "she"), ("Ben", "he"), ("Chloe", "she"), ("Diego", "he"), ("Emma", "she"),
    ("Farid", "he"), ("Grace", "she"), ("Hiro", "he"), ("Isla", "she"), ("Jamal", "he"),
    ("Kira", "she"), ("Liam", "he"), ("Maya", "she"), ("Noah", "he"), ("Olga", "she"),
    ("Pedro", "he"), ("Quinn", "they"), ("Rosa", "she"), ("Sam", "they"), ("Tomas", "he"),
    ("Uma", "she"), ("Victor", "he"), ("Wen", "she"), ("Yusuf", "he"), ("Zara", "she"),
    ("Aiden", "he"), ("Bea", "she"), ("Carlos", "he"), ("Dana", "she"), ("Eli", "he"),
)  # fmt: skip

PRONOUNS = {
    "he": {"subject": "he", "object": "him", "possessive": "his", "reflexive": "himself"},
    "she": {"subject": "she", "object": "her", "possessive": "her", "reflexive": "herself"},
    "they": {"subject": "they", "object": "them", "possessive": "their", "reflexive": "themself"},
}

#: How a number is written: ``int`` 1250, ``comma`` 1,250, ``decimal`` 2.5,
#: ``money`` $2.50 ($12 when whole; $1,250.50 grouped in thousands), ``cents``
#: $12.00 ($1,250.00), ``fraction`` 3/4,
#: ``mixed`` 1 1/2, ``percent`` 25%, ``words`` twelve.
STYLES = ("int", "comma", "decimal", "money", "cents", "fraction", "mixed", "percent", "words")


def _decimal(n: int, d: int, places: int | None = None) -> str:
    """``n / d`` (``d > 0``) as a decimal numeral: with ``places`` places, or the fewest
    that show it exactly."""
    sign = "-" if n < 0 else ""
    n = abs(n)
    if places is None:  # the fewest places that show n / d exactly
        places = next((p for p in range(13) if n * 10**p % d == 0), -1)
        if places < 0:
            raise InvalidArgument(f"{Fraction(n, d)} has no terminating decimal")
    scaled, rest = divmod(n * 10**places, d)
    if rest:
        raise InvalidArgument(f"{Fraction(n, d)} has no terminating decimal with {places} places")
    digits = str(scaled).rjust(places + 1, "0")
    whole, frac = digits[: len(digits) - places], digits[len(digits) - places :]
    return sign + whole + ("." + frac if places else "")


def _grouped(text: str) -> str:
    """A decimal numeral with its whole part grouped in thousands: 1,234.50."""
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, frac = digits.partition(".")
    return f"{sign}{int(whole):,}{dot}{frac}"


@functools.cache
def _words() -> dict[int, str]:
    from ._inflect import engine

    eng = engine()
    return {n: str(eng.number_to_words(str(n))) for n in range(1001)}


@functools.cache
def _from_words() -> dict[str, int]:
    return {w: n for n, w in _words().items()}


# how the styles that write a whole number plainly write it (as the general code below
# would: a decimal, percent or mixed number with no fraction part is the whole number)
_WHOLE: dict[str, Callable[[int], str]] = {
    "int": str, "decimal": str, "fraction": str, "mixed": str,
    "comma": "{:,}".format, "money": "${:,}".format, "percent": "{}%".format,
}  # fmt: skip


def int_writer(style: str) -> Callable[[int], str]:
    """``n -> format_number(n, style)`` for an int ``n``, the call made once."""
    return _WHOLE.get(style) or functools.partial(format_number, style=style)


def format_number(value: Any, style: str = "int") -> str:
    """The text of ``value`` written in ``style`` (one of :data:`STYLES`).

    Money groups thousands whether or not it has cents:

    >>> format_number(Fraction(5, 2), "money"), format_number(1250, "comma")
    ('$2.50', '1,250')
    >>> format_number(Fraction(87851, 20), "money"), format_number(1540, "cents")
    ('$4,392.55', '$1,540.00')
    """
    if type(value) is int:  # the common case
        n, d = value, 1
    elif type(value) is Fraction:
        n, d = value.numerator, value.denominator
    else:
        v = Fraction(value)
        n, d = v.numerator, v.denominator
    if d == 1:  # a whole number: most styles write it plainly
        plain = _WHOLE.get(style)
        if plain is not None:
            return plain(n)
    if style in ("int", "comma", "words") and d != 1:
        raise InvalidArgument(
            f"{Fraction(n, d)} is not whole; it cannot be written in style {style!r}"
        )
    if style == "int":
        return str(n)
    if style == "comma":
        return f"{n:,}"
    if style == "words":
        if not 0 <= n <= 1000:
            raise InvalidArgument(f"{n} is outside 0..1000 and cannot be written in words")
        return _words()[n]
    if style == "decimal":
        return _decimal(n, d)
    if style == "money":
        return "$" + (f"{n:,}" if d == 1 else _grouped(_decimal(n, d, 2)))
    if style == "cents":
        return "$" + _grouped(_decimal(n, d, 2))
    if style == "fraction":
        return str(n) if d == 1 else f"{n}/{d}"
    if style == "mixed":
        whole, rest = divmod(n, d)
        if rest == 0:
            return str(whole)
        frac = f"{rest}/{d}"
        return f"{whole} {frac}" if whole else frac
    if style == "percent":
        return _decimal(n, d) + "%"
    raise InvalidArgument(f"unknown number style {style!r}; expected one of {STYLES}")


_NUMBER = re.compile(r"\$?\s*(-?[\d,]*\.?\d+)\s*%?")


def parse_number(text: str) -> Fraction:
    """The value of a number as written in a problem (any of :data:`STYLES`).

    >>> parse_number("$1,250.50"), parse_number("1 1/2"), parse_number("twelve")
    (Fraction(2501, 2), Fraction(3, 2), Fraction(12, 1))
    """
    t = text.strip()
    words = _from_words().get(t.lower())
    if words is not None:
        return Fraction(words)
    m = re.fullmatch(r"(?:(\d+)\s+)?(\d+)\s*/\s*(\d+)", t)
    if m:
        return Fraction(int(m.group(1) or 0)) + Fraction(int(m.group(2)), int(m.group(3)))
    m = _NUMBER.fullmatch(t)
    if not m:
        raise InvalidArgument(f"{text!r} is not a number")
    return Fraction(m.group(1).replace(",", ""))


def load_lexicon(spec: str | Path | Sequence[str]) -> tuple[str, ...]:
    """Words for a lexicon: a sequence, or a data file ``path.csv:column``,
    ``path.jsonl:field`` or ``path.txt`` (one entry a line). Blank entries are
    skipped and duplicates kept once, in file order."""
    if not isinstance(spec, str | Path):
        words = [str(w).strip() for w in spec]
    else:
        text = str(spec)
        path_text, _, column = text.rpartition(":") if ":" in text[2:] else (text, "", "")
        path = Path(path_text)
        if not path.is_file():
            what = "is a directory, not a file" if path.is_dir() else "does not exist"
            raise InvalidArgument(f"lexicon file {path} {what}")
        suffix = path.suffix.lower()
        if suffix in (".csv", ".tsv"):
            with path.open(newline="", encoding="utf-8") as fh:
                reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
                if not column or column not in (reader.fieldnames or []):
                    raise InvalidArgument(
                        f"lexicon {text}: name a column of {path.name} after a colon, one of "
                        f"{reader.fieldnames}"
                    )
                words = [row[column] or "" for row in reader]
        elif suffix in (".jsonl", ".json"):
            words = []
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise InvalidArgument(f"{path}:{n}: not JSON: {err.msg}") from None
                if not isinstance(row, dict) or column not in row:
                    raise InvalidArgument(f"{path}:{n}: no field {column!r}")
                words.append(str(row[column]))
        else:
            words = path.read_text(encoding="utf-8").splitlines()
        words = [w.strip() for w in words]
    out = tuple(dict.fromkeys(w for w in words if w))
    if not out:
        raise InvalidArgument(f"lexicon {spec!r} has no entries")
    return out


_SYMBOLS: dict[str, Any] = {}


def _symbol(name: str) -> Any:
    """The real sympy symbol ``name`` (sympy makes one object per name and assumptions;
    this finds it without sympy's call)."""
    sym = _SYMBOLS.get(name)
    if sym is None:
        import sympy  # type: ignore[import-untyped, unused-ignore]

        sym = _SYMBOLS[name] = sympy.Symbol(name, real=True)
    return sym


_fraction = functools.lru_cache(maxsize=1024)(Fraction)  # counts of nouns, made once each


class _Range(tuple[Fraction, Fraction, Fraction]):
    """A quantity's ``(lo, hi, step)``, its hash worked out once: a new view's meaning
    is looked up by its ranges, and a fraction's hash is a Python call each time."""

    _hash: int

    def __hash__(self) -> int:
        return self._hash


@functools.lru_cache(maxsize=1024)
def _range(lo: Any, hi: Any, step: Any) -> tuple[Fraction, Fraction, Fraction]:
    """``(lo, hi, step)`` as fractions (made once for each range a family uses)."""
    range_ = _Range((Fraction(lo), Fraction(hi), Fraction(step)))
    if not (range_[0] <= range_[1] and range_[2] > 0):
        raise InvalidArgument(
            f"number range needs lo <= hi and step > 0, got lo={lo}, hi={hi}, step={step}"
        )
    range_._hash = hash(tuple(range_))
    return range_


@dataclass(slots=True)
class Slot:
    """A token of the derivation whose text is filled per problem."""

    index: int  # in derivation.tokens
    kind: str  # number | name | pronoun | verb | noun | word | article
    role: str = ""
    name: str = ""  # quantity name (numbers)
    style: str = "int"
    form: str = ""  # pronoun form
    count: Any = None  # nouns: a quantity name or a constant
    lexicon: str = ""
    vague: str | None = ""  # numbers: "" worded from context, None never vague, else the phrase

    def at(self, index: int) -> Slot:
        """This slot on another token."""
        return Slot(index, self.kind, self.role, self.name, self.style, self.form, self.count,
                    self.lexicon, self.vague)  # fmt: skip


@dataclass
class Model:
    """What the actions built for one derivation structure."""

    slots: list[Slot] = field(default_factory=list)
    free: dict[str, tuple[Fraction, Fraction, Fraction]] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)  # quantities the text states
    unknowns: list[str] = field(default_factory=list)  # chosen first, not written
    relations: list[tuple[Any, Any]] = field(default_factory=list)  # lhs = rhs (sympy)
    domains: dict[str, tuple[str, Fraction | None, Fraction | None]] = field(default_factory=dict)
    lets: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    answer: Any = None
    lexicons: dict[str, str] = field(default_factory=dict)  # role -> lexicon


# what a Semantics instance keeps its state in (see Semantics.__init__)
_STATE: Final = ("level", "model", "_unnamed", "_taken")


class Semantics(Transformer[Token, Any]):
    """Base class for a family's actions. Subclass it beside the grammar.

    Class attributes describe the family: ``topic`` (default: the folder the
    grammar is in), ``title``, ``levels`` (difficulty levels; a grammar may
    define rules ``level1``..``levelN`` as their start rules), ``lexicons``
    (role -> words, or a data file; see :func:`load_lexicon`), ``answer_style``
    (how the answer is written, one of :data:`STYLES`) and ``answer_unit`` (a
    noun role or word that follows the answer, as in "39 pencils").

    In actions, ``self.level`` is the difficulty level being generated (1 is
    easiest). The root action returns the answer (an expression). The instance keeps
    its own state in ``level``, ``model``, ``_unnamed`` and ``_taken``: a subclass that
    defines one of these names is an error.
    """

    topic: ClassVar[str] = ""
    title: ClassVar[str] = ""
    levels: ClassVar[int] = 3
    lexicons: ClassVar[Mapping[str, Any]] = {}
    answer_style: ClassVar[str] = "int"
    answer_domain: ClassVar[str] = "whole"  # whole | integer | rational | positive
    answer_unit: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        clash = sorted(set(vars(cls)) & set(_STATE))
        if clash:
            raise InvalidArgument(
                f"{cls.__name__} defines {', '.join(map(repr, clash))}: the Semantics "
                "instance keeps its own state under that name; rename it"
            )

    def __init__(self, level: int = 1) -> None:
        super().__init__(visit_tokens=True)
        self.level = level
        self.model = Model()
        self._unnamed = 0  # numbers named n0, n1, ... so far
        self._taken = {"answer"}  # quantity names taken

    # -- numbers -------------------------------------------------------------------------

    def _symbol(self, name: str | None) -> Any:
        if name is None:
            name = f"n{self._unnamed}"
            self._unnamed += 1
        if name in self._taken:
            raise InvalidArgument(f"quantity name {name!r} is used twice in one problem")
        self._taken.add(name)
        return _symbol(name)

    def number(
        self,
        tok: Token,
        lo: Any = 1,
        hi: Any = 20,
        *,
        step: Any = 1,
        name: str | None = None,
        style: str = "int",
        vague: str | None = "",
    ) -> Any:
        """A number written in the text, drawn among the multiples of ``step`` in ``lo..hi``.

        ``vague`` words it in a "not enough information" variant: by default a phrase
        that fits the words around it ("some", "a certain number of", "a certain
        amount"); a phrase of its own ("a certain age"); or None: never left vague.
        """
        sym = self._symbol(name)
        self.model.free[sym.name] = _range(lo, hi, step)
        self.model.written.append(sym.name)
        self.model.slots.append(
            Slot(int(tok.start_pos or 0), "number", name=sym.name, style=style, vague=vague)
        )
        return sym

    def result(
        self,
        tok: Token,
        expr: Any,
        *,
        name: str | None = None,
        style: str = "int",
        domain: str = "whole",
        hi: Any = None,
    ) -> Any:
        """A number written in the text whose value is ``expr`` of other quantities."""
        sym = self._symbol(name)
        self.model.written.append(sym.name)
        self.model.relations.append((sym, expr))
        self.model.domains[sym.name] = (domain, None, None if hi is None else Fraction(hi))
        self.model.slots.append(Slot(int(tok.start_pos or 0), "number", name=sym.name, style=style))
        return sym

    def unknown(self, name: str, lo: Any = 1, hi: Any = 20, *, step: Any = 1) -> Any:
        """A quantity the text does not state (chosen first from ``lo..hi``)."""
        sym = self._symbol(name)
        self.model.free[name] = _range(lo, hi, step)
        self.model.unknowns.append(name)
        return sym

    def let(self, name: str, expr: Any, *, domain: str = "whole", hi: Any = None) -> Any:
        """Name an intermediate quantity ``name = expr`` that must lie in ``domain``
        (``whole``: a positive whole number, ``integer``, ``rational``: positive
        rational, ``nonnegative``: a whole number >= 0, ``any``)."""
        sym = self._symbol(name)
        self.model.lets.append(name)
        self.model.relations.append((sym, expr))
        self.model.domains[name] = (domain, None, None if hi is None else Fraction(hi))
        return sym

    def equation(self, lhs: Any, rhs: Any) -> None:
        """A relation the text states (``lhs = rhs``)."""
        self.model.relations.append((lhs, rhs))

    def step(self, text: str) -> None:
        """A solution step. ``{q}`` is the value of quantity ``q`` (or ``answer``),
        ``{role}`` the person or word bound to ``role`` (a noun role is plural,
        ``{role:1}`` singular). Arithmetic written as ``a + b = c`` is checked."""
        self.model.steps.append(text)

    @staticmethod
    def tokens(children: Sequence[Any], type_: str = "NUM") -> list[Token]:
        """The tokens of terminal ``type_`` among a rule's children (in order)."""
        return [c for c in children if isinstance(c, Token) and c.type == type_]

    # -- bindings ------------------------------------------------------------------------

    def _bind(
        self, tok: Token, kind: str, role: str, form: str = "", count: Any = None, lexicon: str = ""
    ) -> str:
        self.model.slots.append(
            Slot(int(tok.start_pos or 0), kind, role, "", "int", form, count, lexicon)
        )
        return role

    def person(self, tok: Token, role: str = "a") -> str:
        """A person's name; every name bound to ``role`` is the same person."""
        return self._bind(tok, "name", role)

    def pronoun(self, tok: Token, role: str = "a", form: str = "subject") -> str:
        """A pronoun (subject, object, possessive, reflexive) for the person ``role``."""
        if form not in PRONOUNS["he"]:
            raise InvalidArgument(f"pronoun form must be one of {sorted(PRONOUNS['he'])}")
        return self._bind(tok, "pronoun", role, form=form)

    def verb(self, tok: Token, role: str = "a") -> str:
        """A present-tense verb whose subject is the pronoun of ``role``: it agrees
        (``she finds``, ``they find``). The terminal must accept both forms."""
        return self._bind(tok, "verb", role)

    def noun(self, tok: Token, role: str, count: Any = 2, *, lexicon: str | None = None) -> str:
        """A noun from a lexicon bound to ``role``, singular or plural as ``count``
        (a number, or a quantity) says. Roles drawing on one lexicon get distinct words."""
        name = None if isinstance(count, int) else getattr(count, "name", None)
        return self._bind(
            tok, "noun", role, count=name if name else _fraction(count), lexicon=lexicon or role
        )

    def word(self, tok: Token, role: str, *, lexicon: str | None = None) -> str:
        """A word (or phrase) from a lexicon bound to ``role``, as written there."""
        return self._bind(tok, "word", role, lexicon=lexicon or role)

    def article(self, tok: Token, role: str, *, lexicon: str | None = None) -> str:
        """``a`` or ``an``, agreeing with the noun bound to ``role`` (singular). It may
        come before its noun, as English has it: the slot names its lexicon
        (``lexicon``, by default ``role``), so the word is drawn by whichever of the
        article and the noun is filled first."""
        return self._bind(tok, "article", role, lexicon=lexicon or role)


def describe_domain(kind: str) -> str:
    return {
        "whole": "a positive whole number",
        "nonnegative": "a whole number",
        "integer": "an integer",
        "rational": "a positive number",
        "any": "any number",
    }.get(kind, kind)


class Story(Semantics):
    """Semantics with the conventional slot terminals of a story already bound.

    ``PERSON`` is the main person (role :attr:`main_role`), ``OTHER`` a second person
    (role :attr:`other_role`); ``PRONOUN``/``PRONOUN_CAP``, ``OBJ``, ``POSS``/``POSS_CAP``
    and ``REFL`` are the main person's subject, object, possessive and reflexive
    pronouns; ``NUM`` tokens pass through to the rules, which decide what each
    number is. Terminals named in :attr:`verbs` are verbs agreeing with the main
    person. A subclass overrides any of these as it needs.
    """

    main_role: ClassVar[str] = "a"
    other_role: ClassVar[str] = "b"
    verbs: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.verbs:
            if name not in cls.__dict__:
                setattr(cls, name, Story._agreeing_verb)

    def _agreeing_verb(self, tok: Token) -> str:
        return self.verb(tok, self.main_role)

    def PERSON(self, tok: Token) -> str:
        return self.person(tok, self.main_role)

    def OTHER(self, tok: Token) -> str:
        return self.person(tok, self.other_role)

    def PRONOUN(self, tok: Token) -> str:
        return self.pronoun(tok, self.main_role, "subject")

    PRONOUN_CAP = PRONOUN

    def OBJ(self, tok: Token) -> str:
        return self.pronoun(tok, self.main_role, "object")

    def POSS(self, tok: Token) -> str:
        return self.pronoun(tok, self.main_role, "possessive")

    POSS_CAP = POSS

    def REFL(self, tok: Token) -> str:
        return self.pronoun(tok, self.main_role, "reflexive")

    def NUM(self, tok: Token) -> Token:
        return tok
