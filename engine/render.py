"""Tokens to text that re-parses with the grammar's own Lark parser.

Two tokens written side by side may lex as something else (``NAME NAME``
glues into one name, ``a`` ``+`` ``+b`` into ``a ++ b``, a greedy or
lookahead regex sees its neighbour). We lex each token in context with the
grammar's own basic lexer and put an ``%ignore``'d separator between two tokens
only where that lexer needs one. The Python indenter is modelled: newlines
carry the indentation the following ``_INDENT``/``_DEDENT`` tokens ask for.

The round trip is the oracle: :meth:`Renderer.reparse` parses the text with the
grammar's own Lark configuration (parser, lexer, flags, postlexer); with the LALR
parser it asks :class:`~gramgen.parse.Recognizer` first, which replays lark's lexers
and parse table without building a tree. :meth:`Renderer.join_checked` does the
join and the round trip in one pass where the tokens can go side by side.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from typing import Final

from . import _lark_adapter as adapter
from ._regex import flags_from_letters, python_regex
from .errors import GrammarError, RegexUnsupported
from .grammar import Grammar, Kind
from .parse import Recognizer

__all__ = ["Renderer"]

_SEPARATOR_CANDIDATES = (" ", "\n", "\t", "\r\n")
_CONTEXT: Final = 32  # characters before a token that its lookbehinds may see
_NO_SPACE_BEFORE: Final = frozenset(".,;:!?)]}%")
_CLITIC: Final = re.compile(r"['\u2019][a-z]")  # 's, 're, 'll: written onto the word before
# a lookbehind, a word boundary, or an anchor outside a character class
_LOOKS_BEHIND = re.compile(r"\(\?<[=!]|\\[bBA]|(?<!\[)\^")
# a lookahead or an end anchor: what a pattern looks at to the right of its match
_LOOKS_AHEAD = re.compile(r"\(\?[=!]|(?<!\\)\$|\\Z")
_PAIR_CACHE_LIMIT: Final = 50_000  # verdicts kept (a few MB); the cache starts over when full
_NO_SPACE_AFTER: Final = frozenset("([{$")
SPACINGS = ("minimal", "always", "prose")


class Renderer:
    """Joins token texts, inserting separators where the lexer needs them."""

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        loaded = grammar.loaded
        self.scanner = adapter.Scanner(loaded)
        self.type_of: dict[int, str] = {
            s.id: s.terminal for s in grammar.symbols if s.kind is Kind.TERM
        }
        self.indenter = adapter.indenter_of(loaded)
        self.separator = self._choose_separator()
        self.postlex_types: frozenset[str] = frozenset()
        if self.indenter is not None:
            self.postlex_types = frozenset({self.indenter.INDENT_type, self.indenter.DEDENT_type})
            self.nl_type = self.indenter.NL_type
            self.tab = " " * 4
        # %declare'd terminals that no text can give the grammar's own parser, and why
        why = adapter.why_declared_unreadable(loaded)
        declared = adapter.declared_terminals(loaded) - self.postlex_types
        self._unreadable_why = why or ""
        self.unreadable: frozenset[int] = frozenset(
            sid for sid, name in self.type_of.items() if why and name in declared
        )
        self._pair_ok: dict[tuple[int, str, int, str], bool] = {}
        self.spacing = "minimal"
        self._fixed = {sid for sid, name in self.type_of.items() if self._is_fixed(name)}
        # whether how a token lexes depends only on its own text and what follows it
        # (no pattern looks behind or at where it starts); then every pair's verdict
        # is kept, not just the fixed tokens'
        self._pairs_context_free = not any(
            _LOOKS_BEHIND.search(mre.pattern) for mre in self.scanner.patterns
        )
        # the terminals that do: whether they lex right depends on the text before them
        self._behind = frozenset(
            sid for sid, name in self.type_of.items() if self._looks_behind(name)
        )
        # then, without lookbehinds or indentation, the separator between two tokens
        # depends on the pair alone: kept per spacing (minimal, prose)
        self._gaps_fixed = self._pairs_context_free and not self._behind and self.indenter is None
        self._gaps: dict[bool, dict[tuple[int, str, int, str], str]] = {False: {}, True: {}}
        # the same verdicts found by the two types alone, ``[previous][next]`` (lists: a
        # tuple of four is slow to hash and compare), each the last pair of texts met
        # for those types; a row is made when its type is first met
        self._types = max(self.type_of, default=0) + 1
        self._last_gaps: dict[bool, list[list[tuple[str, str, str] | None] | None]] = {
            False: [None] * self._types, True: [None] * self._types}  # fmt: skip
        #: the round trip's verdict without a tree, where lark's configuration allows it
        self.recognizer = Recognizer.of(loaded.lark)
        # join() writes the tokens side by side whenever the basic lexer reads each of
        # them back from that text: no pattern looks beyond the pair join() checks
        self._side_by_side = (
            self.recognizer is not None
            and self.indenter is None
            and (
                self.separator is None
                or (
                    self._pairs_context_free
                    and not any(_LOOKS_AHEAD.search(p.pattern) for p in self.scanner.patterns)
                )
            )
        )

    def _looks_behind(self, name: str) -> bool:
        td = self.grammar.loaded.terminals.get(name)
        return td is not None and _LOOKS_BEHIND.search(td.pattern.to_regexp()) is not None

    def _is_fixed(self, name: str) -> bool:
        td = self.grammar.loaded.terminals.get(name)
        return td is not None and adapter.string_value(td) is not None and not td.pattern.flags

    def _choose_separator(self) -> str | None:
        """The first candidate that an ``%ignore``'d terminal matches whole.

        The ignore patterns are asked directly: in the basic lexer a terminal of
        higher priority may claim ``" "``, though the parser never expects it there.
        """
        patterns = []
        regex_module = bool(self.grammar.loaded.lark.options.regex)
        for name in self.scanner.ignore_types:
            td = self.grammar.loaded.terminals.get(name)
            if td is not None:
                regexp, letters, _ = adapter.terminal_regexp(td)
                with contextlib.suppress(RegexUnsupported):  # then it offers no separator
                    patterns.append(
                        python_regex(regexp, flags_from_letters(letters), regex_module=regex_module)
                    )
        for cand in _SEPARATOR_CANDIDATES:
            if self.indenter is not None and "\n" in cand:
                continue
            if any(p.fullmatch(cand) for p in patterns):
                return cand
        return None

    # -- layout --------------------------------------------------------------------------

    def layout(self, tokens: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
        """Apply the indenter model: newlines get the indentation of the next line."""
        if self.indenter is None:
            return list(tokens)
        ind = self.indenter
        type_of = self.type_of
        out = list(tokens)
        level = 0
        for i, (sym, _text) in enumerate(out):
            t = type_of[sym]
            if t == ind.INDENT_type:
                level += 1
            elif t == ind.DEDENT_type:
                level -= 1
            elif t == ind.NL_type:
                after = level
                j = i + 1
                while j < len(out) and type_of[out[j][0]] in self.postlex_types:
                    after += 1 if type_of[out[j][0]] == ind.INDENT_type else -1
                    j += 1
                out[i] = (sym, "\n" + self.tab * max(after, 0))
        return out

    def _lexes_as(self, text: str, pos: int, sym: int, length: int) -> bool:
        m = self.scanner.match(text, pos)
        return m is not None and m[0] == self.type_of[sym] and len(m[1]) == length

    def lexes_alone(self, sym: int, text: str) -> bool:
        """Whether the basic lexer reads ``text`` as exactly one token of ``sym``."""
        return self._lexes_as(text, 0, sym, len(text))

    def join(self, tokens: Sequence[tuple[int, str]], *, spacing: str | None = None) -> str:
        """The text of ``tokens``, spaced as ``spacing`` (default: :attr:`spacing`) says.

        ``minimal``: a separator only where two tokens would lex otherwise;
        ``always``: between every two tokens; ``prose``: between words, as
        English is written (none before ``.,;:!?)]}%`` or ``'s``, nor after ``([{$``), and
        wherever ``minimal`` needs one.
        """
        toks = self.layout(tokens)
        if self.separator is None:
            return "".join(t for _, t in toks)
        if (spacing or self.spacing) == "always":
            return self._spaced(toks, self.separator)
        seps = self.separators(toks, spacing=spacing)
        return "".join(s + t for s, (_, t) in zip(seps, toks, strict=True))

    def separators(
        self, toks: Sequence[tuple[int, str]], *, spacing: str | None = None
    ) -> list[str]:
        """The separator written before each of ``toks`` (laid out already) by
        :meth:`join` in ``minimal`` or ``prose`` spacing."""
        sep = self.separator or ""
        prose = (spacing or self.spacing) == "prose"
        gaps = self._gaps[prose] if self._gaps_fixed else None
        if gaps:
            # every pair's gap depends on the pair alone: look them up, and fall back
            # to working them out only when one is new
            last = self._last_gaps[prose]
            out: list[str] = []
            psym, ptext = -1, ""
            for sym, t in toks:
                if not t:
                    out.append("")
                    continue
                if ptext:
                    row = last[psym]
                    hit = row[sym] if row is not None else None
                    if hit is not None and hit[0] == ptext and hit[1] == t:
                        g = hit[2]
                    else:
                        found = gaps.get((psym, ptext, sym, t))
                        if found is None:
                            break
                        g = found
                        if row is None:
                            row = last[psym] = [None] * self._types
                        row[sym] = (ptext, t, g)
                    out.append(g)
                else:
                    out.append("")
                psym, ptext = sym, t
            else:
                return out
        out = []
        text = ""
        prev: tuple[int, str, int] | None = None  # sym, text, start offset
        fixed = self._fixed
        pair_ok = self._pair_ok
        context_free = self._pairs_context_free
        behind = self._behind
        nl = self.nl_type if self.indenter is not None else None
        for sym, t in toks:
            if not t:
                out.append("")
                continue
            gap = ""
            if prev is not None:
                psym, ptext, pstart = prev
                key = (psym, ptext, sym, t)
                keep = context_free or (psym in fixed and sym in fixed)
                cached = pair_ok.get(key) if keep else None
                if cached is None:
                    # the previous token, what precedes it (for lookbehinds) and this one;
                    # a separator is needed only where it makes the previous token lex
                    # right (else the basic lexer is wrong here and the parser's context
                    # decides, as with a contextual lexer)
                    lo = max(0, pstart - _CONTEXT)
                    before = text[lo:]
                    cached = self._lexes_as(before + t, pstart - lo, psym, len(ptext))
                    if not cached:
                        cached = not self._lexes_as(before + sep + t, pstart - lo, psym, len(ptext))
                    if keep:
                        if len(pair_ok) >= _PAIR_CACHE_LIMIT:
                            pair_ok.clear()
                        pair_ok[key] = cached
                if cached and sym in behind:
                    cached = not self._needs_gap_before(text, sym, t, sep)
                wanted = prose and not (
                    t[0] in _NO_SPACE_BEFORE or ptext[-1] in _NO_SPACE_AFTER or _CLITIC.match(t)
                )
                if (wanted or not cached) and not (nl is not None and self.type_of[psym] == nl):
                    gap = sep
                    text += sep
                if gaps is not None:
                    if len(gaps) >= _PAIR_CACHE_LIMIT:
                        gaps.clear()
                    gaps[key] = gap
            out.append(gap)
            prev = (sym, t, len(text))
            text += t
        return out

    def _needs_gap_before(self, text: str, sym: int, t: str, sep: str) -> bool:
        """Whether token ``t`` (of a terminal that looks behind) lexes right after ``text``
        only with a separator between (a lookbehind that rejects the last character)."""
        before = text[-_CONTEXT:]
        if self._lexes_as(before + t, len(before), sym, len(t)):
            return False
        return self._lexes_as(before + sep + t, len(before) + len(sep), sym, len(t))

    def _spaced(self, toks: Sequence[tuple[int, str]], sep: str) -> str:
        nl = self.nl_type if self.indenter is not None else None
        out: list[str] = []
        after_nl = True
        for sym, t in toks:
            if not t:
                continue
            if out and not after_nl:
                out.append(sep)
            out.append(t)
            after_nl = nl is not None and self.type_of[sym] == nl
        return "".join(out)

    # -- oracle --------------------------------------------------------------------------

    def check_readable(self, syms: Iterable[int]) -> None:
        """Raise :class:`GrammarError` if any of these terminals is ``%declare``'d and the
        grammar's own parser can never read it from text (the round trip cannot pass)."""
        bad = next((s for s in syms if s in self.unreadable), None)
        if bad is None:
            return
        sym = self.grammar.symbol(bad)
        raise GrammarError.at(
            f"a text with this %declare'd terminal cannot re-parse: {self._unreadable_why}; "
            "give a postlexer that makes it (--postlex MODULE:CLASS, postlex=...) or turn "
            "the round trip off (--no-roundtrip, roundtrip=False)",
            sym.pos,
            file=self.grammar.source,
            rule=sym.name,
        )

    def join_checked(self, tokens: Sequence[tuple[int, str]], start: str) -> str | None:
        """:meth:`join` in ``minimal`` spacing and :meth:`reparse` in one pass: the tokens
        side by side, if the grammar's own parser reads exactly these tokens from that
        text and accepts them (then ``join`` writes that text too); else None.

        Tokens of a terminal the parser can never read raise (:meth:`check_readable`).
        """
        if self.unreadable:
            self.check_readable(s for s, _ in tokens)
        r = self.recognizer
        if r is None or not self._side_by_side or self.spacing != "minimal":
            return None
        return r.read_back(tokens, start, names=self.type_of)

    def reparse(self, text: str, start: str) -> str | None:
        """None if ``text`` parses with the grammar's own parser, else the reason."""
        if self.recognizer is not None and self.recognizer.accepts(text, start):
            return None
        try:
            self.grammar.loaded.lark.parse(text, start=start)
        except adapter.ParseError as err:
            return _reason(err)
        return None


def _reason(err: Exception) -> str:
    name = type(err).__name__
    tok = getattr(err, "token", None)
    if tok is not None:
        return f"{name}: unexpected {getattr(tok, 'type', '?')} {str(tok)!r}"
    char = getattr(err, "char", None)
    if char is not None:
        return f"{name}: unexpected character {char!r}"
    return name
