"""Fast random sampling of strings that ``re.fullmatch`` a Python regular expression.

A :class:`RegexSampler` parses its pattern once (with the standard library's own
regex parser), lowers the parse tree to a small intermediate tree, simplifies it
(adjacent literals merged, trivial repeats folded, character classes resolved to
an ordered string of members) and then writes that tree out as the source of one
Python function, compiled once (nested closures, the reference, where the tree is
too large for that). Sampling is one call of that function; the same source can
also be inlined into the compiled derivation of a grammar (:meth:`RegexSampler.source`).

All randomness goes through the ``below`` callable: ``below(n)`` returns an int
in ``[0, n)``.  Zero is always the simplest choice (minimum repeat count, first
alternative, the simplest member of a class), so ``below = lambda n: 0`` gives
the simplest string and smaller draws give simpler strings in general, which
lets Hypothesis shrink generated text.

Constructs whose output is not correct by construction (lookarounds, ``\\b`` and
``\\B``, anchors away from the edges, possessive repeats, atomic groups,
conditionals and backreferences to groups that may be unset) make the sampler
verify every string with ``fullmatch`` and retry; patterns without them are never
checked.
"""

from __future__ import annotations

import importlib
import math
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, Final

from .errors import InvalidArgument, RegexUnsupported

__all__ = [
    "Below",
    "Draw",
    "RegexSampler",
    "RegexSource",
    "below_call",
    "flags_from_letters",
    "python_regex",
]

Below = Callable[[int], int]
"""``below(n)`` returns an int in ``[0, n)``; every random choice goes through it."""

_Groups = list[str | None]
_Gen = Callable[[Below, _Groups], str]

# The standard library's regex parser is private (``re._parser`` since 3.11,
# ``sre_parse`` before); this is the only place that touches it.
_sre_parse: Any = importlib.import_module("re._parser")
_MAXREPEAT: Final[int] = int(_sre_parse.MAXREPEAT)

MAX_ATTEMPTS: Final[int] = 50
"""How many draws a verified pattern gets before :class:`RegexUnsupported`."""

DEFAULT_ALPHABET: Final[str] = "".join(chr(c) for c in range(0x20, 0x7F)) + "\t\n\r"

_LETTER_FLAGS: Final[dict[str, int]] = {
    "i": re.IGNORECASE,
    "s": re.DOTALL,
    "m": re.MULTILINE,
    "x": re.VERBOSE,
    "u": re.UNICODE,
    "a": re.ASCII,
    "l": 0,  # re.LOCALE is only valid for bytes patterns; Lark's 'l' is ignored for str
}

# Flags that change which characters a single-character item matches.
_CHAR_FLAGS: Final[int] = re.IGNORECASE | re.DOTALL | re.ASCII | re.UNICODE

_CATEGORY_TEXT: Final[dict[str, str]] = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}

_REPEATS: Final[frozenset[str]] = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})
_FALLBACK_CAP: Final[int] = 1024
_NO_GROUPS: Final[_Groups] = []


def flags_from_letters(letters: str | Iterable[str]) -> int:
    """Turn Lark's flag letters (``'i'``, ``'s'``, ``'m'``, ``'x'``, ``'u'``, ``'l'``) into flags.

    ``'l'`` (locale) is ignored since it is invalid for str patterns; ``'a'``
    (ASCII) is accepted too.  Any other letter raises :class:`InvalidArgument`.
    """
    result = 0
    for letter in letters:
        for ch in letter:
            try:
                result |= _LETTER_FLAGS[ch.lower()]
            except KeyError:
                raise InvalidArgument(
                    f"letters must be regex flag letters from 'imsxual', got {ch!r} "
                    f"in letters={letters!r}"
                ) from None
    return result


# --------------------------------------------------------------------------- helpers


def _simplicity(c: str) -> tuple[int, int]:
    """Sort key: lower is simpler (a-z, 0-9, A-Z, other printable ASCII, whitespace, rest)."""
    o = ord(c)
    if 0x61 <= o <= 0x7A:
        tier = 0
    elif 0x30 <= o <= 0x39:
        tier = 1
    elif 0x41 <= o <= 0x5A:
        tier = 2
    elif 0x20 <= o <= 0x7E:
        tier = 3
    elif c in "\t\n\r":
        tier = 4
    elif c.isprintable():
        tier = 5
    else:
        tier = 6
    return (tier, o)


def _esc(code: int) -> str:
    """A readable escape of one code point, valid both inside and outside a class."""
    if 0x20 <= code < 0x7F:
        return re.escape(chr(code))
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _scan_range(lo: int, hi: int) -> str:
    """All code points in [lo, hi) except surrogates, as one string (fallback search)."""
    codes = array("I", range(lo, min(hi, 0xD800)))
    codes.extend(range(max(lo, 0xE000), hi))
    return codes.tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")


@lru_cache(maxsize=1)
def _bmp() -> str:
    return _scan_range(0, 0x10000)


# --------------------------------------------------------------------------- \p{...} classes
#
# With Lark's ``regex=True`` a terminal is compiled by the third-party ``regex`` module,
# which knows Unicode property classes (``\p{L}``, ``\P{Greek}``, ``\p{XID_Start}``).
# Python's ``re`` does not: each is replaced by the explicit set of code points the
# ``regex`` module says it matches (found once per class), which ``re`` then reads as
# ``regex`` does.

_PROPERTY = re.compile(r"\\[pP](?:\{[^}]*\}|[A-Za-z])")
_MAX_CODE = 0x110000
_SURROGATES = (0xD800, 0xE000)


def _regex_module() -> Any:
    try:
        return importlib.import_module("regex")
    except ImportError:
        return None


def _regex_flags(flags: int) -> int:
    """``re`` flags as the ``regex`` module spells them (only ASCII differs)."""
    regex = _regex_module()
    out = flags & ~re.ASCII
    if flags & re.ASCII:
        out |= int(regex.ASCII)
    return out


@lru_cache(maxsize=128)
def _property_ranges(escape: str, ascii: bool) -> tuple[tuple[int, int], ...] | str:
    """The code points (as inclusive ranges) that the ``regex`` module matches with
    ``escape`` (a property class such as ``\\p{L}``), found by scanning all of Unicode;
    or why ``regex`` rejects it. ``ascii``: under the ASCII flag (ASCII members only)."""
    regex = _regex_module()
    flags = int(regex.ASCII) if ascii else 0
    try:
        run = regex.compile(f"(?:{escape})+", flags)
        single = regex.compile(escape, flags)
    except regex.error as exc:
        return str(exc)
    found: list[tuple[int, int]] = []
    lo_s, hi_s = _SURROGATES
    for lo, hi in ((0, lo_s), (hi_s, _MAX_CODE)):
        for m in run.finditer(_scan_range(lo, hi)):
            found.append((lo + m.start(), lo + m.end() - 1))
    found += [(c, c) for c in range(lo_s, hi_s) if single.fullmatch(chr(c))]
    found.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in found:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def _expand_properties(pattern: str, flags: int) -> str | None:
    """``pattern`` with every Unicode property class replaced by its explicit set, in a
    syntax ``re`` reads (None if it has none); raises :class:`RegexUnsupported` if the
    ``regex`` module is missing or does not know a class.

    The sets are those of ``flags`` (ASCII or not); :func:`_scoped_flags` tells where a
    part of the pattern may read them otherwise.
    """
    if "\\p" not in pattern and "\\P" not in pattern:
        return None
    out: list[str] = []
    changed = False
    in_class = False
    body = 0  # where the current class's members start: a "]" there is a member
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            m = _PROPERTY.match(pattern, i)
            if m is None:
                out.append(pattern[i : i + 2])
                i += 2
                continue
            if _regex_module() is None:
                raise RegexUnsupported(
                    pattern, "Unicode property classes need the 'regex' module (pip install regex)"
                )
            ranges = _property_ranges(m.group(), bool(flags & re.ASCII))
            if isinstance(ranges, str):
                raise RegexUnsupported(pattern, f"bad Unicode property class {m.group()}: {ranges}")
            if not ranges:
                raise RegexUnsupported(pattern, f"{m.group()} matches no character")
            members = "".join(
                _esc(lo) if lo == hi else f"{_esc(lo)}-{_esc(hi)}" for lo, hi in ranges
            )
            out.append(members if in_class else f"[{members}]")
            changed = True
            i = m.end()
            continue
        if in_class:
            if c == "]" and i > body:
                in_class = False
        elif c == "[":
            in_class = True
            body = i + 2 if pattern.startswith("^", i + 1) else i + 1
        out.append(c)
        i += 1
    return "".join(out) if changed else None


def _scoped_flags(pattern: str, flags: int) -> bool:
    """Whether a part of ``pattern`` may match case-insensitively or under a scoped ASCII
    flag, where a property class's explicit set is not what ``regex`` matches."""
    return bool(flags & re.IGNORECASE) or re.search(r"\(\?[a-zA-Z-]*[ia]", pattern) is not None


def python_regex(pattern: str, flags: int = 0, *, regex_module: bool = False) -> re.Pattern[str]:
    """``pattern`` compiled by Python's ``re``; with ``regex_module``, a pattern for the
    ``regex`` module whose Unicode property classes are written as explicit sets.

    Raises :class:`RegexUnsupported` if ``re`` cannot read it.

    >>> python_regex(r"\\p{Lu}+", regex_module=True).fullmatch("AÉ") is not None
    True
    """
    readable = (_expand_properties(pattern, flags) if regex_module else None) or pattern
    try:
        return re.compile(readable, flags)
    except (re.error, ValueError, OverflowError, RecursionError) as exc:
        raise RegexUnsupported(pattern, f"not a valid Python regex: {exc}") from None


def _op_name(op: Any) -> str:
    return str(getattr(op, "name", op))


def _char_flags(flags: int) -> int:
    cflags = flags & _CHAR_FLAGS
    if cflags & re.ASCII:
        cflags &= ~re.UNICODE
    return cflags


def _collect_refs(items: Iterable[Any], out: set[int]) -> None:
    """Group numbers used by backreferences or conditionals anywhere in ``items``."""
    for op, av in items:
        name = _op_name(op)
        if name == "GROUPREF":
            out.add(int(av))
        elif name == "GROUPREF_EXISTS":
            out.add(int(av[0]))
            _collect_refs(av[1], out)
            if av[2] is not None:
                _collect_refs(av[2], out)
        elif name == "BRANCH":
            for alt in av[1]:
                _collect_refs(alt, out)
        elif name == "SUBPATTERN":
            _collect_refs(av[3], out)
        elif name in _REPEATS:
            _collect_refs(av[2], out)
        elif name == "ATOMIC_GROUP":
            _collect_refs(av, out)
        elif name in ("ASSERT", "ASSERT_NOT"):
            _collect_refs(av[1], out)


def _zero_width(op: Any, av: Any) -> bool:
    """True if the item certainly matches the empty string only."""
    name = _op_name(op)
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return True
    if name == "SUBPATTERN":
        return all(_zero_width(o, a) for o, a in av[3])
    if name == "ATOMIC_GROUP":
        return all(_zero_width(o, a) for o, a in av)
    if name == "BRANCH":
        return all(all(_zero_width(o, a) for o, a in alt) for alt in av[1])
    if name in _REPEATS:
        return int(av[1]) == 0 or all(_zero_width(o, a) for o, a in av[2])
    if name == "GROUPREF_EXISTS":
        no = av[2] if av[2] is not None else []
        return all(_zero_width(o, a) for o, a in av[1]) and all(_zero_width(o, a) for o, a in no)
    return False


# --------------------------------------------------------------------------- intermediate tree


class _Node:
    __slots__ = ("min_len",)
    min_len: int


class _Const(_Node):
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text
        self.min_len = len(text)


class _Chars(_Node):
    """One character drawn from ``chars`` (at least two members, simplest first)."""

    __slots__ = ("chars",)

    def __init__(self, chars: str) -> None:
        self.chars = chars
        self.min_len = 1


class _Seq(_Node):
    __slots__ = ("items",)

    def __init__(self, items: list[_Node]) -> None:
        self.items = items
        self.min_len = sum(i.min_len for i in items)


class _Alt(_Node):
    __slots__ = ("alts",)

    def __init__(self, alts: list[_Node]) -> None:
        self.alts = alts
        self.min_len = min(a.min_len for a in alts)


class _Repeat(_Node):
    """``lo + below(k + 1)`` copies of ``child``."""

    __slots__ = ("child", "k", "lo")

    def __init__(self, child: _Node, lo: int, k: int) -> None:
        self.child = child
        self.lo = lo
        self.k = k
        self.min_len = lo * child.min_len


class _Capture(_Node):
    __slots__ = ("child", "gid")

    def __init__(self, gid: int, child: _Node) -> None:
        self.gid = gid
        self.child = child
        self.min_len = child.min_len


class _Ref(_Node):
    __slots__ = ("gid",)

    def __init__(self, gid: int, min_len: int) -> None:
        self.gid = gid
        self.min_len = min_len


class _Cond(_Node):
    __slots__ = ("gid", "no", "yes")

    def __init__(self, gid: int, yes: _Node, no: _Node) -> None:
        self.gid = gid
        self.yes = yes
        self.no = no
        self.min_len = min(yes.min_len, no.min_len)


_EMPTY: Final[_Const] = _Const("")


def _chars_node(chars: str) -> _Node:
    return _Const(chars) if len(chars) == 1 else _Chars(chars)


def _seq_node(parts: Sequence[_Node]) -> _Node:
    flat: list[_Node] = []
    for part in parts:
        for p in part.items if isinstance(part, _Seq) else (part,):
            if isinstance(p, _Const):
                if not p.text:
                    continue
                if flat and isinstance(flat[-1], _Const):
                    flat[-1] = _Const(flat[-1].text + p.text)
                    continue
            flat.append(p)
    if not flat:
        return _EMPTY
    if len(flat) == 1:
        return flat[0]
    return _Seq(flat)


def _repeat_node(child: _Node, lo: int, k: int) -> _Node:
    if k == 0:
        if lo == 1:
            return child
        if isinstance(child, _Const):
            return _Const(child.text * lo)
        if lo == 0:
            return _EMPTY
    elif isinstance(child, _Const) and not child.text:
        return _EMPTY
    return _Repeat(child, lo, k)


# --------------------------------------------------------------------------- parse tree -> tree


class _Builder:
    """Lowers ``re._parser`` output to the intermediate tree, noting what needs checking."""

    def __init__(self, pattern: str, alphabet: str, max_repeat: int, refs: set[int]) -> None:
        self.pattern = pattern
        self.alphabet = alphabet  # ordered simplest first, no duplicates
        self.alphabet_set = frozenset(alphabet)
        self.max_repeat = max_repeat
        self.refs = refs
        self.reasons: list[str] = []
        self.defined: set[int] = set()  # groups certainly set at the current point
        self.repeated: set[int] = set()  # groups inside a repeat that may run twice
        self.group_min: dict[int, int] = {}
        self.repeat_depth = 0
        self._class_cache: dict[tuple[str, int], str] = {}
        # with in_context: the positive lookbehinds at the start (items, flags), which
        # look at the text before the string only
        self.in_context = False
        self.behind: list[tuple[Any, int]] = []

    def need_check(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)

    # -- sequences and items

    def seq(self, items: Sequence[Any], flags: int, at_start: bool, at_end: bool) -> _Node:
        items = list(items)
        zero = [_zero_width(op, av) for op, av in items]
        n = len(items)
        # start_ok[i]: nothing can be produced before item i; end_ok[i]: nor after it
        start_ok = [at_start] * n
        for i in range(1, n):
            start_ok[i] = start_ok[i - 1] and zero[i - 1]
        end_ok = [at_end] * n
        for i in range(n - 2, -1, -1):
            end_ok[i] = end_ok[i + 1] and zero[i + 1]
        parts = [
            self.item(op, av, flags, start_ok[i], end_ok[i]) for i, (op, av) in enumerate(items)
        ]
        return _seq_node(parts)

    def item(self, op: Any, av: Any, flags: int, at_start: bool, at_end: bool) -> _Node:
        name = _op_name(op)
        if name == "LITERAL":
            return self.literal(int(av), flags)
        if name in ("IN", "NOT_LITERAL", "ANY"):
            return self.char_class(name, av, flags)
        if name == "SUBPATTERN":
            gid, add, remove, sub = av
            child = self.seq(sub, (flags | int(add)) & ~int(remove), at_start, at_end)
            if gid is None:
                return child
            gid = int(gid)
            self.defined.add(gid)
            self.group_min[gid] = child.min_len
            if self.repeat_depth:
                self.repeated.add(gid)
            return _Capture(gid, child) if gid in self.refs else child
        if name == "BRANCH":
            before = set(self.defined)
            alts: list[_Node] = []
            after: set[int] | None = None
            for alt in av[1]:
                self.defined = set(before)
                alts.append(self.seq(alt, flags, at_start, at_end))
                after = self.defined if after is None else after & self.defined
            self.defined = after if after is not None else before
            return alts[0] if len(alts) == 1 else _Alt(alts)
        if name in _REPEATS:
            return self.repeat(name, av, flags, at_start, at_end)
        if name == "ATOMIC_GROUP":
            self.need_check("atomic group (?>...)")
            return self.seq(av, flags, at_start, at_end)
        if name == "GROUPREF":
            gid = int(av)
            if gid not in self.defined or gid in self.repeated:
                self.need_check("backreference to a group that may be unset or repeated")
            return _Ref(gid, self.group_min.get(gid, 0))
        if name == "GROUPREF_EXISTS":
            self.need_check("conditional group (?(id)yes|no)")
            gid = int(av[0])
            before = set(self.defined)
            yes = self.seq(av[1], flags, at_start, at_end)
            after_yes = self.defined
            self.defined = set(before)
            no = self.seq(av[2], flags, at_start, at_end) if av[2] is not None else _EMPTY
            self.defined &= after_yes
            return _Cond(gid, yes, no)
        if name in ("ASSERT", "ASSERT_NOT"):
            kind = "lookahead" if int(av[0]) >= 0 else "lookbehind"
            if kind == "lookbehind" and at_start and self.in_context:
                # it ends where the string starts: it constrains the text before, which
                # whoever places the string sees to, and no character of the string
                if name == "ASSERT":
                    self.behind.append((av[1], flags))
                return _EMPTY
            self.need_check(kind if name == "ASSERT" else f"negative {kind}")
            return _EMPTY
        if name == "AT":
            self.anchor(_op_name(av), at_start, at_end)
            return _EMPTY
        raise RegexUnsupported(self.pattern, f"unsupported regex construct {name}")

    def repeat(self, name: str, av: Any, flags: int, at_start: bool, at_end: bool) -> _Node:
        lo, hi, sub = int(av[0]), int(av[1]), av[2]
        if name == "POSSESSIVE_REPEAT":
            self.need_check("possessive repeat")
        k = self.max_repeat if hi == _MAXREPEAT else min(hi - lo, self.max_repeat)
        once = hi <= 1
        before = set(self.defined)
        if not once:
            self.repeat_depth += 1
        child = self.seq(sub, flags, at_start and once, at_end and once)
        if not once:
            self.repeat_depth -= 1
        if lo == 0:
            self.defined = before
        if hi == 0:
            return _EMPTY
        return _repeat_node(child, lo, k)

    def anchor(self, at: str, at_start: bool, at_end: bool) -> None:
        if at in ("AT_BEGINNING", "AT_BEGINNING_STRING"):
            if not at_start:
                self.need_check("start anchor not at the start")
        elif at in ("AT_END", "AT_END_STRING"):
            if not at_end:
                self.need_check("end anchor not at the end")
        elif at == "AT_BOUNDARY":
            self.need_check("word boundary \\b")
        elif at == "AT_NON_BOUNDARY":
            self.need_check("non-boundary \\B")
        else:
            self.need_check(f"anchor {at}")

    # -- characters

    def literal(self, code: int, flags: int) -> _Node:
        ch = chr(code)
        cflags = _char_flags(flags)
        if not cflags & re.IGNORECASE:
            return _Const(ch)
        rx = re.compile(_esc(code), cflags)
        variants = [ch]
        for v in (ch.lower(), ch.upper(), ch.swapcase(), ch.title()):
            if (
                len(v) == 1
                and v not in variants
                and rx.fullmatch(v)
                and (v in self.alphabet_set or ch not in self.alphabet_set)
            ):
                variants.append(v)
        return _chars_node("".join(variants))

    def char_class(self, name: str, av: Any, flags: int) -> _Node:
        explicit: list[str] = []  # a set of plain literals keeps its written order
        if name == "ANY":
            text = "."
        elif name == "NOT_LITERAL":
            text = f"[^{_esc(int(av))}]"
        else:
            parts: list[str] = []
            plain = True
            for iop, iav in av:
                iname = _op_name(iop)
                if iname == "NEGATE":
                    parts.append("^")
                    plain = False
                elif iname == "LITERAL":
                    parts.append(_esc(int(iav)))
                    explicit.append(chr(int(iav)))
                elif iname == "RANGE":
                    parts.append(f"{_esc(int(iav[0]))}-{_esc(int(iav[1]))}")
                    plain = False
                elif iname == "CATEGORY":
                    cat = _op_name(iav)
                    if cat not in _CATEGORY_TEXT:
                        raise RegexUnsupported(self.pattern, f"unsupported class category {cat}")
                    parts.append(_CATEGORY_TEXT[cat])
                    plain = False
                else:
                    raise RegexUnsupported(self.pattern, f"unsupported class item {iname}")
            text = "[" + "".join(parts) + "]"
            if not plain:
                explicit = []
        return _chars_node(self.members(text, _char_flags(flags), explicit))

    def members(self, text: str, cflags: int, explicit: list[str]) -> str:
        key = (text + "\0" + "".join(explicit), cflags)
        cached = self._class_cache.get(key)
        if cached is not None:
            return cached
        rx = re.compile(text, cflags)
        found = rx.findall(self.alphabet)
        if explicit:
            # plain literal sets (often alternations folded by the parser) keep their order
            first = [c for c in dict.fromkeys(explicit) if c in self.alphabet_set]
            rest = [c for c in found if c not in first]
            found = first + rest
            if not found:
                found = list(dict.fromkeys(explicit))
        if not found:
            found = rx.findall(_bmp())
            if not found:
                found = rx.findall(_scan_range(0x10000, 0x110000))
            found = sorted(found, key=_simplicity)[:_FALLBACK_CAP]
        if not found:
            raise RegexUnsupported(self.pattern, f"character class {text} matches no character")
        result = "".join(found)
        self._class_cache[key] = result
        return result


# --------------------------------------------------------------------------- tree -> closures


def _gen_const(text: str) -> _Gen:
    def gen(below: Below, groups: _Groups) -> str:
        return text

    return gen


def _gen_chars(chars: str) -> _Gen:
    n = len(chars)

    def gen(below: Below, groups: _Groups) -> str:
        return chars[below(n)]

    return gen


def _gen_charseq(items: list[_Node]) -> _Gen:
    """A run of constants and single-character choices (e.g. a case-insensitive keyword)."""
    pairs: list[tuple[str, int]] = []
    for it in items:
        if isinstance(it, _Const):
            pairs.append((it.text, 1))
        elif isinstance(it, _Chars):
            pairs.append((it.chars, len(it.chars)))

    def gen(below: Below, groups: _Groups) -> str:
        return "".join([s if n == 1 else s[below(n)] for s, n in pairs])

    return gen


def _gen_seq(items: list[_Node]) -> _Gen:
    if all(isinstance(it, _Const | _Chars) for it in items):
        return _gen_charseq(items)
    gens = [_to_gen(it) for it in items]
    if len(gens) == 2:
        a, b = gens

        def gen2(below: Below, groups: _Groups) -> str:
            return a(below, groups) + b(below, groups)

        return gen2
    if len(gens) == 3:
        a, b, c = gens

        def gen3(below: Below, groups: _Groups) -> str:
            return a(below, groups) + b(below, groups) + c(below, groups)

        return gen3
    gtuple = tuple(gens)

    def gen(below: Below, groups: _Groups) -> str:
        return "".join([g(below, groups) for g in gtuple])

    return gen


def _gen_alt(alts: list[_Node]) -> _Gen:
    gens = tuple(_to_gen(a) for a in alts)
    n = len(gens)

    def gen(below: Below, groups: _Groups) -> str:
        return gens[below(n)](below, groups)

    return gen


_RUN_BITS = 48  # one draw below n**c stays exact in a double, and uniform enough


def _run_drawer(chars: str) -> Callable[[Below, int], str]:
    """Draw ``count`` characters of a class with one ``below`` call per chunk.

    A chunk of ``c`` characters is one number below ``n**c`` written in base
    ``n``: far fewer calls than one per character, and 0 is still the simplest
    run (the first character repeated).
    """
    n = len(chars)
    if n == 1:
        return lambda below, count: chars * count
    per = max(1, int(_RUN_BITS / math.log2(n)))
    digits = chars == "0123456789"

    def run(below: Below, count: int) -> str:
        out: list[str] = []
        left = count
        while left > 0:
            c = per if left > per else left
            x = below(n**c)
            if digits:
                out.append(f"{x:0{c}d}")
            else:
                for _ in range(c):
                    x, r = divmod(x, n)
                    out.append(chars[r])
            left -= c
        return "".join(out)

    return run


def _gen_repeat(node: _Repeat) -> _Gen:
    lo, k1, child = node.lo, node.k + 1, node.child
    if isinstance(child, _Const):
        text = child.text

        def gen_const(below: Below, groups: _Groups) -> str:
            return text * (lo + below(k1))

        return gen_const
    if isinstance(child, _Chars):
        run = _run_drawer(child.chars)
        if k1 == 1:

            def gen_chars_fixed(below: Below, groups: _Groups) -> str:
                return run(below, lo)

            return gen_chars_fixed

        def gen_chars(below: Below, groups: _Groups) -> str:
            return run(below, lo + below(k1))

        return gen_chars
    sub = _to_gen(child)
    if k1 == 1:

        def gen_fixed(below: Below, groups: _Groups) -> str:
            return "".join([sub(below, groups) for _ in range(lo)])

        return gen_fixed

    def gen(below: Below, groups: _Groups) -> str:
        count = lo + below(k1)
        if count == 0:
            return ""
        if count == 1:
            return sub(below, groups)
        return "".join([sub(below, groups) for _ in range(count)])

    return gen


def _gen_capture(gid: int, child: _Node) -> _Gen:
    sub = _to_gen(child)

    def gen(below: Below, groups: _Groups) -> str:
        text = sub(below, groups)
        groups[gid] = text
        return text

    return gen


def _gen_ref(gid: int) -> _Gen:
    def gen(below: Below, groups: _Groups) -> str:
        return groups[gid] or ""

    return gen


def _gen_cond(gid: int, yes: _Node, no: _Node) -> _Gen:
    gyes, gno = _to_gen(yes), _to_gen(no)

    def gen(below: Below, groups: _Groups) -> str:
        return (gyes if groups[gid] is not None else gno)(below, groups)

    return gen


def _to_gen(node: _Node) -> _Gen:
    if isinstance(node, _Const):
        return _gen_const(node.text)
    if isinstance(node, _Chars):
        return _gen_chars(node.chars)
    if isinstance(node, _Seq):
        return _gen_seq(node.items)
    if isinstance(node, _Alt):
        return _gen_alt(node.alts)
    if isinstance(node, _Repeat):
        return _gen_repeat(node)
    if isinstance(node, _Capture):
        return _gen_capture(node.gid, node.child)
    if isinstance(node, _Ref):
        return _gen_ref(node.gid)
    if isinstance(node, _Cond):
        return _gen_cond(node.gid, node.yes, node.no)
    raise TypeError(f"unknown node {node!r}")  # pragma: no cover


def _closure_function(tree: _Node, ngroups: int) -> Callable[[Below], str]:
    """``tree`` as nested closures (the reference for :func:`_source_function`)."""
    gen = _to_gen(tree)
    if not ngroups:

        def plain(below: Below) -> str:
            return gen(below, _NO_GROUPS)

        return plain

    def with_groups(below: Below) -> str:
        return gen(below, [None] * ngroups)

    return with_groups


# --------------------------------------------------------------------------- tree -> source
#
# The closures above are the reference; the same tree is also written out as straight-line
# Python source (compiled once per pattern), which makes exactly the same ``below`` calls in
# the same order and builds the same string, with no call per node. The source can draw
# with ``below(n)`` or, inlined into a compiled derivation, with ``int(R() * n)`` where ``R``
# is the ``random`` of the generator that ``below`` wraps.

# "%05d" % x is f"{x:05d}"; a run of digits is at most this long
_DIGIT_FORMATS: Final[tuple[str, ...]] = tuple(
    f"%0{c}d" for c in range(int(_RUN_BITS / math.log2(10)) + 1)
)
_MAX_LOOPS: Final[int] = 12  # nested for/while loops (CPython allows 20 blocks)
_MAX_INDENT: Final[int] = 40  # indentation levels (CPython's tokenizer allows 100)
_MAX_LINES: Final[int] = 4000


class _TooComplex(Exception):
    """The tree is too large or nests too deeply to be written as source."""


class Draw:
    """Writes the expressions of draws: by default, calls of ``below`` as
    :meth:`RegexSampler.sample` makes them. ``n`` is the expression of the bound."""

    def below(self, n: str, add: int = 0) -> str:
        """``add + below(n)``."""
        return f"{add} + below({n})" if add else f"below({n})"

    def number(self, n: str) -> str:
        """A number whose ``int`` is ``below(n)`` (for ``%d``, which truncates)."""
        return self.below(n)

    def coin(self) -> str:
        """``below(2)`` as a condition."""
        return self.below("2")

    def cases(self, n: str) -> tuple[str, list[str]] | None:
        """A statement, then conditions of which the ``i``-th is the first to hold
        exactly when ``below(n)`` is ``i`` (the last value: none holds); or None."""
        return None


below_call = Draw()
"""Draws as :meth:`RegexSampler.sample` makes them: ``below(n)``."""


class RegexSource:
    """Python statements that set a variable to a sample of a regex tree.

    ``draw`` writes the expression of one draw below ``n`` (e.g. :data:`below_call`);
    every local name starts with ``prefix``. The statements use no other free name
    than those of ``draw``'s expressions.
    """

    __slots__ = ("_n", "draw", "groups", "lines", "loops", "prefix")

    def __init__(self, draw: Draw, prefix: str) -> None:
        self.draw = draw
        self.prefix = prefix
        self.lines: list[str] = []
        self.groups: set[int] = set()
        self.loops = 0
        self._n = 0

    def var(self, what: str = "v") -> str:
        self._n += 1
        return f"{self.prefix}{what}{self._n}"

    def put(self, depth: int, line: str) -> None:
        if depth > _MAX_INDENT or len(self.lines) > _MAX_LINES:
            raise _TooComplex
        self.lines.append("    " * depth + line)

    def d(self, n: str | int, add: int = 0) -> str:
        return self.draw.below(str(n), add)

    # -- nodes

    def node(self, node: _Node, t: str, depth: int) -> None:
        """Statements (at indentation ``depth``) that set ``t`` to a sample of ``node``."""
        expr = self.expr(node)
        if expr is not None:
            self.put(depth, f"{t} = {expr}")
        elif isinstance(node, _Seq):
            self.seq(node.items, t, depth)
        elif isinstance(node, _Alt):
            self.alt(node.alts, t, depth)
        elif isinstance(node, _Repeat):
            self.repeat(node, t, depth)
        elif isinstance(node, _Capture):
            self.node(node.child, t, depth)
            self.groups.add(node.gid)
            self.put(depth, f"{self.prefix}g{node.gid} = {t}")
        elif isinstance(node, _Ref):
            self.groups.add(node.gid)
            self.put(depth, f"{t} = {self.prefix}g{node.gid} or ''")
        elif isinstance(node, _Cond):
            self.groups.add(node.gid)
            self.put(depth, f"if {self.prefix}g{node.gid} is not None:")
            self.node(node.yes, t, depth + 1)
            self.put(depth, "else:")
            self.node(node.no, t, depth + 1)
        else:  # pragma: no cover
            raise TypeError(f"unknown node {node!r}")

    def expr(self, node: _Node) -> str | None:
        """One expression for a node that needs no statements, else None."""
        if isinstance(node, _Const):
            return repr(node.text)
        if isinstance(node, _Chars):
            return f"{node.chars!r}[{self.d(len(node.chars))}]"
        if isinstance(node, _Seq) and all(isinstance(i, _Const | _Chars) for i in node.items):
            return " + ".join(str(self.expr(i)) for i in node.items)
        if isinstance(node, _Alt) and all(isinstance(a, _Const) for a in node.alts):
            texts = tuple(a.text for a in node.alts)  # type: ignore[attr-defined]
            return f"{texts!r}[{self.d(len(texts))}]"
        if isinstance(node, _Repeat) and isinstance(node.child, _Const):
            # as _gen_repeat: one draw even when k is 0
            text, lo = node.child.text, node.lo
            if node.k == 1:
                return f"({text * (lo + 1)!r} if {self.draw.coin()} else {text * lo!r})"
            return f"{text!r} * ({self.d(node.k + 1, lo)})"
        return None

    def seq(self, items: list[_Node], t: str, depth: int) -> None:
        parts: list[str] = []
        for item in items:
            expr = self.expr(item)
            if expr is not None:
                # an expression with draws must be evaluated in order: bind it now
                if isinstance(item, _Const):
                    parts.append(expr)
                    continue
                v = self.var()
                self.put(depth, f"{v} = {expr}")
                parts.append(v)
                continue
            v = self.var()
            self.node(item, v, depth)
            parts.append(v)
        self.put(depth, f"{t} = {' + '.join(parts) if parts else repr('')}")

    def alt(self, alts: list[_Node], t: str, depth: int) -> None:
        i = self.var("i")
        self.put(depth, f"{i} = {self.d(len(alts))}")
        self.split(alts, 0, len(alts) - 1, i, t, depth)

    def split(self, alts: list[_Node], lo: int, hi: int, i: str, t: str, depth: int) -> None:
        if lo == hi:
            self.node(alts[lo], t, depth)
            return
        if hi - lo <= 3:  # a short chain; the last one is what is left
            for k in range(lo, hi):
                self.put(depth, f"{'if' if k == lo else 'elif'} {i} == {k}:")
                self.node(alts[k], t, depth + 1)
            self.put(depth, "else:")
            self.node(alts[hi], t, depth + 1)
            return
        mid = (lo + hi) // 2
        self.put(depth, f"if {i} <= {mid}:")
        self.split(alts, lo, mid, i, t, depth + 1)
        self.put(depth, "else:")
        self.split(alts, mid + 1, hi, i, t, depth + 1)

    def repeat(self, node: _Repeat, t: str, depth: int) -> None:
        lo, k1, child = node.lo, node.k + 1, node.child
        if isinstance(child, _Chars):
            self.run(child.chars, lo, k1, t, depth)
            return
        if lo == 0 and k1 == 2:  # zero or one copy: no list to join
            self.put(depth, f"if {self.draw.coin()}:")
            self.node(child, t, depth + 1)
            self.put(depth, "else:")
            self.put(depth + 1, f"{t} = ''")
            return
        if self.loops >= _MAX_LOOPS:
            raise _TooComplex
        count: str | int = lo
        if k1 > 1:
            count = self.var("c")
            self.put(depth, self.count(count, lo, k1))
        parts, v = self.var("p"), self.var()
        self.put(depth, f"{parts} = []")
        self.put(depth, f"for _ in range({count}):")
        self.loops += 1
        self.node(child, v, depth + 1)
        self.loops -= 1
        self.put(depth + 1, f"{parts}.append({v})")
        self.put(depth, f"{t} = ''.join({parts})")

    def run(self, chars: str, lo: int, k1: int, t: str, depth: int) -> None:
        """``_run_drawer(chars)(below, count)`` with count ``lo`` or ``lo + below(k1)``."""
        n = len(chars)
        if n == 1:  # not made by _chars_node, but as _run_drawer does
            count = f"({self.d(k1, lo)})" if k1 > 1 else str(lo)
            self.put(depth, f"{t} = {chars!r} * {count}")
            return
        per = max(1, int(_RUN_BITS / math.log2(n)))
        digits = chars == "0123456789"
        top = lo + k1 - 1
        pows = tuple(n**c for c in range(min(top, per) + 1))
        if k1 == 1 and lo <= per:  # one chunk of a known size
            if lo == 0:
                self.put(depth, f"{t} = ''")
                return
            self.chunk(chars, n, digits, str(lo), str(n**lo), t, depth)
            return
        cases = self.draw.cases(str(k1)) if k1 > 1 and top <= per and digits else None
        if cases is not None:  # a branch for each count: the digits' format is a constant
            first, conditions = cases
            if first:
                self.put(depth, first)
            for i, m in enumerate(range(lo, top + 1)):
                if i < len(conditions):
                    self.put(depth, f"{'if' if i == 0 else 'elif'} {conditions[i]}:")
                else:
                    self.put(depth, "else:")
                if m:
                    self.chunk(chars, n, digits, str(m), str(n**m), t, depth + 1)
                else:
                    self.put(depth + 1, f"{t} = ''")
            return
        c = self.var("c")
        self.put(depth, self.count(c, lo, k1))
        if top <= per and lo:  # one chunk
            self.chunk(chars, n, digits, c, f"{pows!r}[{c}]", t, depth)
            return
        if top <= per:  # at most one chunk
            self.put(depth, f"if {c}:")
            self.chunk(chars, n, digits, c, f"{pows!r}[{c}]", t, depth + 1)
            self.put(depth, "else:")
            self.put(depth + 1, f"{t} = ''")
            return
        if self.loops + 1 >= _MAX_LOOPS:
            raise _TooComplex
        parts, left, k, v = self.var("p"), self.var("l"), self.var("k"), self.var()
        self.put(depth, f"{parts} = []")
        self.put(depth, f"{left} = {c}")
        self.put(depth, f"while {left} > 0:")
        self.put(depth + 1, f"{k} = {per} if {left} > {per} else {left}")
        self.loops += 1
        self.chunk(chars, n, digits, k, f"{pows!r}[{k}]", v, depth + 1)
        self.loops -= 1
        self.put(depth + 1, f"{parts}.append({v})")
        self.put(depth + 1, f"{left} -= {k}")
        self.put(depth, f"{t} = ''.join({parts})")

    def count(self, c: str, lo: int, k1: int) -> str:
        """``c = lo + below(k1)`` (``c = lo`` when ``k1`` is 1: no draw)."""
        if k1 == 1:
            return f"{c} = {lo}"
        return f"{c} = {self.d(k1, lo)}"

    def chunk(
        self, chars: str, n: int, digits: bool, c: str, power: str, t: str, depth: int
    ) -> None:
        """``c`` characters from one draw below ``n**c`` (``power``), written in base ``n``."""
        if digits:  # as f"{x:0{c}d}", which is slower
            fmt = f"'%0{c}d'" if c.isdigit() else f"{_DIGIT_FORMATS!r}[{c}]"
            self.put(depth, f"{t} = {fmt} % ({self.draw.number(power)})")
            return
        if self.loops >= _MAX_LOOPS:
            raise _TooComplex
        x = self.var("x")
        self.put(depth, f"{x} = {self.d(power)}")
        out, r = self.var("o"), self.var("r")
        self.put(depth, f"{out} = []")
        self.put(depth, f"for _ in range({c}):")
        self.put(depth + 1, f"{x}, {r} = divmod({x}, {n})")
        self.put(depth + 1, f"{out}.append({chars!r}[{r}])")
        self.put(depth, f"{t} = ''.join({out})")

    def prologue(self) -> list[str]:
        """Statements to run first: every group starts unset."""
        return [f"{self.prefix}g{g} = None" for g in sorted(self.groups)]


def _source_function(tree: _Node) -> Callable[[Below], str] | None:
    """``tree`` compiled to one function of ``below`` (None if it is too complex)."""
    src = RegexSource(below_call, "_")
    try:
        src.node(tree, "_t", 1)
        lines = ["def sample(below):", *("    " + p for p in src.prologue()), *src.lines]
        lines.append("    return _t")
        namespace: dict[str, Any] = {"__builtins__": __builtins__}
        exec(compile("\n".join(lines), "<gramgen regex>", "exec"), namespace)
    except (_TooComplex, SyntaxError, RecursionError, MemoryError, ValueError):
        return None
    fn: Callable[[Below], str] = namespace["sample"]
    return fn


_MASK64: Final[int] = (1 << 64) - 1


def _perturbed(below: Below, salt: int) -> Below:
    """``below`` plus a deterministic LCG stream: retries differ even for a constant ``below``."""
    state = [(salt * 0x9E3779B97F4A7C15) & _MASK64]

    def shifted(n: int) -> int:
        x = (state[0] * 6364136223846793005 + 1442695040888963407) & _MASK64
        state[0] = x
        return (below(n) + (x >> 33)) % n

    return shifted


def _zero(n: int) -> int:
    return 0


# --------------------------------------------------------------------------- public class


class RegexSampler:
    """Random strings that fullmatch ``re.compile(pattern, flags)``.

    With ``regex_module`` the pattern is one for the third-party ``regex`` module (as
    Lark's ``regex=True`` compiles it): Unicode property classes such as ``\\p{L}``,
    ``\\P{Greek}`` or ``\\p{XID_Start}`` are read too, as the explicit sets of the code
    points ``regex`` matches with them (:attr:`compiled` is the pattern written so).

    With ``in_context`` the string is one that other text may precede (a token): a
    lookbehind at its start looks at that text only, so it constrains no character of
    the string and is left to whoever places it (samples match after some text).

    ``alphabet`` (default: printable ASCII plus tab, newline and carriage return)
    is where negated classes, ``.``, ``\\W`` and friends draw from, and what
    positive classes are intersected with (a class with no member in the
    alphabet falls back to its own members).  Unbounded repeats draw up to
    ``max_repeat`` copies beyond their minimum; bounded ones at most that many.
    Raises :class:`RegexUnsupported` for invalid patterns, classes that match no
    character and verified patterns whose probe finds no match.
    """

    pattern: str
    flags: int
    min_length: int
    checked: bool
    """True if samples are verified with ``fullmatch`` (and may be retried)."""
    reasons: tuple[str, ...]
    """The constructs that make the pattern verified (empty if not ``checked``)."""
    compiled: re.Pattern[str]

    def __init__(
        self,
        pattern: str,
        flags: int = 0,
        *,
        alphabet: str | None = None,
        max_repeat: int = 6,
        regex_module: bool = False,
        in_context: bool = False,
    ) -> None:
        if not isinstance(pattern, str):
            raise InvalidArgument(
                f"pattern must be a str, got pattern={pattern!r} (type={type(pattern).__name__})"
            )
        if not isinstance(max_repeat, int) or isinstance(max_repeat, bool) or max_repeat < 0:
            raise InvalidArgument(
                f"max_repeat must be an int >= 0, got max_repeat={max_repeat!r} "
                f"(type={type(max_repeat).__name__})"
            )
        if alphabet is None:
            alphabet = DEFAULT_ALPHABET
        elif not isinstance(alphabet, str) or not alphabet:
            raise InvalidArgument(f"alphabet must be a non-empty str, got alphabet={alphabet!r}")
        flags = int(flags) & ~(re.LOCALE | re.DEBUG)
        self.pattern = pattern
        self.flags = flags
        readable = pattern  # the pattern in the syntax of Python's re
        by_regex = False  # verify with the regex module: the explicit sets may differ
        if regex_module:
            expanded = _expand_properties(pattern, flags)
            if expanded is not None:
                readable = expanded
                by_regex = _scoped_flags(pattern, flags)
        try:
            self.compiled = re.compile(readable, flags)
            parsed = _sre_parse.parse(readable, flags)
        except (re.error, ValueError, OverflowError, RecursionError) as exc:
            raise RegexUnsupported(pattern, f"not a valid Python regex: {exc}") from None
        # what samples are verified with: re, or regex where the explicit sets may differ
        self._verifier: Any = self.compiled
        if by_regex:
            self._verifier = _regex_module().compile(pattern, _regex_flags(flags))

        items = list(parsed)
        refs: set[int] = set()
        _collect_refs(items, refs)
        ordered = "".join(sorted(dict.fromkeys(alphabet), key=_simplicity))
        builder = _Builder(pattern, ordered, max_repeat, refs)
        builder.in_context = in_context
        if by_regex:
            builder.need_check("Unicode property class under a scoped or case-insensitive flag")
        try:
            tree = builder.seq(items, int(parsed.state.flags), True, True)
        except RecursionError:
            raise RegexUnsupported(pattern, "pattern nests too deeply") from None

        self.min_length = tree.min_len
        self.reasons = tuple(builder.reasons)
        self.checked = bool(self.reasons)
        # texts to verify after: nothing, and one that each lookbehind at the start accepts
        self._before = [""]
        for sub, sub_flags in builder.behind if self.checked else ():
            before = _Builder(pattern, ordered, 0, set()).seq(sub, sub_flags, True, True)
            self._before.append(_closure_function(before, int(parsed.state.groups))(_zero))
        self._ngroups = int(parsed.state.groups) if refs else 0
        self._tree = tree
        self._impl = self._make_impl(tree)
        self._simplest = self._impl(_zero)  # also probes verified patterns

    def _make_impl(self, tree: _Node) -> Callable[[Below], str]:
        if not self.checked and isinstance(tree, _Const):
            text = tree.text

            def const(below: Below) -> str:
                return text

            return const
        gen = _source_function(tree) or _closure_function(tree, self._ngroups)
        if not self.checked:
            return gen

        fullmatch = self._verifier.fullmatch
        pattern = self.pattern
        why = ", ".join(self.reasons)
        before = self._before
        if len(before) > 1:  # the string may follow other text: one of these will do
            whole = fullmatch

            def fullmatch(text: str) -> object:
                for b in before:
                    m = whole(b + text, len(b))
                    if m is not None:
                        return m
                return None

        def verified(below: Below) -> str:
            b = below
            for attempt in range(MAX_ATTEMPTS):
                if attempt:
                    b = _perturbed(below, attempt)
                text = gen(b)
                try:
                    if fullmatch(text) is not None:
                        return text
                except (SystemError, RuntimeError) as exc:  # CPython re bugs (possessive + groups)
                    raise RegexUnsupported(
                        pattern, f"Python's re fails to match {text!r} against it: {exc}"
                    ) from None
            raise RegexUnsupported(pattern, f"no match found after {MAX_ATTEMPTS} attempts ({why})")

        return verified

    def sample(self, below: Below) -> str:
        """A string that fullmatches the pattern; every choice is ``below(n)``."""
        return self._impl(below)

    @property
    def function(self) -> Callable[[Below], str]:
        """The function :meth:`sample` calls (one call less for a hot loop)."""
        return self._impl

    def source(self, draw: Draw, prefix: str, target: str, depth: int) -> list[str] | None:
        """Statements (indented ``depth`` levels) that set ``target`` as :meth:`sample` would.

        ``draw`` writes one draw below ``n``: with :data:`below_call` the statements
        make exactly the calls :meth:`sample` makes. Every local name they bind starts
        with ``prefix``. None for verified patterns (which retry) and for patterns too
        large to write out.
        """
        if self.checked:
            return None
        src = RegexSource(draw, prefix)
        try:
            src.node(self._tree, target, depth)
        except _TooComplex:
            return None
        return ["    " * depth + p for p in src.prologue()] + src.lines

    def simplest(self) -> str:
        """The string ``sample(lambda n: 0)`` returns (computed once)."""
        return self._simplest

    def __repr__(self) -> str:
        return f"RegexSampler({self.pattern!r}, {self.flags!r})"
