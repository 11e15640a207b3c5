"""Round trip on trap grammars: every emitted text re-parses, few derivations are wasted.

Each grammar here sets one trap for the renderer: tokens that glue together,
keywords a NAME can spell, greedy and lookaround regexes, lexers that are not
longest-match, LALR conflicts, line comments, an indenter postlexer, a
``%declare``'d terminal, and the loader's features (imports, templates,
``%override``/``%extend``, case-insensitive strings, several start rules, flags).

The oracle is independent of gramgen's: a fresh :class:`lark.Lark` built from the
same grammar text and options (and a fresh postlexer instance). Besides every
emitted text re-parsing, we require that no item is dropped and that few
derivations are regenerated: ``MAX_REGEN``.

Known engine bugs are pinned by ``xfail(strict=True)`` tests, each with a minimal
grammar; they flip to failures (XPASS) once the engine is fixed (none at present).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lark import Lark, Token
from lark.exceptions import LarkError
from lark.indenter import Indenter

from gramgen import GenerationFailed, Grammar, GrammarError, InvalidArgument, Sample, Sampler

GRAMMARS = Path(__file__).parent / "grammars"

N_SAMPLES = 200

# Regeneration budget for grammars whose every derivation can be written as
# text that parses. Measured over 200 items (seed 0) for every case below, the
# regeneration rate is 0.0: the renderer separates every glued pair. A
# regeneration there is an engine defect, but 5% leaves room for rare
# collisions no renderer can avoid (a random NAME spelling a word a postlexer
# reserves) while still catching any systematic failure that hits one
# derivation in 20. The cases once pinned as known bugs regenerated 10% to 94%.
MAX_REGEN = 0.05

LALR_CONTEXTUAL = ("lalr", "contextual")
LALR_BASIC = ("lalr", "basic")
EARLEY_DYNAMIC = ("earley", "dynamic")
EARLEY_BASIC = ("earley", "basic")
ALL_LEXERS = (LALR_CONTEXTUAL, LALR_BASIC, EARLEY_DYNAMIC, EARLEY_BASIC)
CONTEXT_LEXERS = (LALR_CONTEXTUAL, EARLEY_DYNAMIC)


# -- postlexers ------------------------------------------------------------------------


class TreeIndenter(Indenter):
    """The indenter of ``grammars/indent.lark``."""

    NL_type = "_NL"
    OPEN_PAREN_types = ["LPAR", "LSQB"]  # noqa: RUF012  (lark's Indenter API)
    CLOSE_PAREN_types = ["RPAR", "RSQB"]  # noqa: RUF012
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8


class ConstPostLex:
    """Turns the NAMEs ``true``/``false``/``nil`` into the ``%declare``'d CONST."""

    always_accept: tuple[str, ...] = ()
    WORDS = frozenset({"true", "false", "nil"})

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        for tok in stream:
            if tok.type == "NAME" and tok.value in self.WORDS:
                yield Token.new_borrow_pos("CONST", tok.value, tok)
            else:
                yield tok


# -- the harness -----------------------------------------------------------------------


@dataclass
class Case:
    """One grammar under one parser/lexer, with what the run must show."""

    grammar: str  # a file name in tests/grammars, or grammar text (contains a newline)
    parser: str
    lexer: str
    options: dict[str, Any] = field(default_factory=dict)
    postlex: Callable[[], Any] | None = None
    sampler: dict[str, Any] = field(default_factory=dict)
    # each regex must match at least one emitted text: proof the trap was hit
    witnesses: Sequence[str] = ()

    def lark_options(self) -> dict[str, Any]:
        opts = dict(self.options, parser=self.parser, lexer=self.lexer)
        if self.postlex is not None:
            opts["postlex"] = self.postlex()  # a fresh instance: indenters keep state
        return opts

    def path(self) -> Path | None:
        return None if "\n" in self.grammar else GRAMMARS / self.grammar

    def load(self) -> Grammar:
        path = self.path()
        if path is None:
            return Grammar.from_string(self.grammar, **self.lark_options())
        return Grammar.from_file(path, **self.lark_options())

    def oracle(self) -> Lark:
        """A lark parser built independently of gramgen, with the same options."""
        path = self.path()
        if path is None:
            return Lark(self.grammar, **self.lark_options())
        return Lark.open(str(path), **self.lark_options())


@dataclass
class Run:
    sampler: Sampler
    samples: list[Sample]

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.samples]

    @property
    def regen_rate(self) -> float:
        st = self.sampler.stats
        return sum(st.failures.values()) / st.derivations


def sample(case: Case, n: int = N_SAMPLES, seed: int = 0) -> Run:
    sampler = Sampler(case.load(), **case.sampler)
    return Run(sampler, list(sampler.sample(n, seed=seed)))


def assert_reparse(run: Run, oracle: Lark, start: str) -> None:
    """Every emitted text parses with ``oracle`` and with gramgen's own oracle."""
    assert len(run.samples) == run.sampler.stats.emitted
    for smp in run.samples:
        try:
            oracle.parse(smp.text, start=start)
        except LarkError as err:
            pytest.fail(f"emitted text does not re-parse: {smp.text!r}\n{err}")
        assert run.sampler.renderer.reparse(smp.text, start) is None


def assert_contract(case: Case, run: Run, max_regen: float = MAX_REGEN) -> None:
    start = run.sampler.start_name
    assert_reparse(run, case.oracle(), start)
    stats = run.sampler.stats
    assert stats.dropped_items == 0, stats
    assert run.regen_rate < max_regen, (
        f"regeneration rate {run.regen_rate:.3f} >= {max_regen}: {stats.failures.most_common(3)}"
    )
    for pattern in case.witnesses:
        assert any(re.search(pattern, t) for t in run.texts), (
            f"no emitted text matches {pattern!r}: the trap was not exercised"
        )


def cases(
    grammar: str,
    modes: Sequence[tuple[str, str]],
    **kw: Any,
) -> list[Any]:
    return [
        pytest.param(Case(grammar, p, lx, **kw), id=f"{grammar.removesuffix('.lark')}-{p}-{lx}")
        for p, lx in modes
    ]


TRAPS = [
    *cases(
        "glue.lark",
        ALL_LEXERS,
        witnesses=[r"\+ \+;", r"< =;", r"(^|;)- \d", r"(^|;)[a-z]+ [a-z]+;", r"\d -?\d+;"],
    ),
    *cases(
        "keywords.lark",
        ALL_LEXERS,
        witnesses=[r"(^|;)(if|then|else)+[a-z]*=", r"(^|;)if (if|then|else)", r"(^|;)else [a-z]"],
    ),
    *cases("lookaround.lark", ALL_LEXERS, witnesses=[r"x y", r"x ?z", r"\d [b-w]", r"a \. :"]),
    *cases("greedy.lark", CONTEXT_LEXERS, witnesses=[r"a a\d", r"a ab", r"\d \dx"]),
    *cases("priority.lark", CONTEXT_LEXERS, witnesses=[r"! ?abc", r"(^|;)abc;"]),
    *cases("dangling_else.lark", (LALR_CONTEXTUAL, LALR_BASIC), witnesses=[r"else"]),
    *cases(
        "comments.lark",
        ALL_LEXERS,
        witnesses=[r"[a-z] #[0-9a-f]{3}", r"#[0-9a-f]{3}[a-z]", r"[a-z]#[a-z]", r'"[^"]*#'],
    ),
    *cases(
        "indent.lark",
        (LALR_CONTEXTUAL, LALR_BASIC),
        postlex=TreeIndenter,
        witnesses=[r":\n {4}\S", r"\n {8}\S", r"\n {4}\S[^\n]*\n\S", r"else:"],
    ),
    *cases(
        "declared.lark",
        (LALR_CONTEXTUAL, LALR_BASIC),
        postlex=ConstPostLex,
        sampler={"declared": {"CONST": ["true", "false", "nil"]}},
        witnesses=[r"=(true|false|nil) ?;"],
    ),
    *cases("sql_ci.lark", ALL_LEXERS, witnesses=[r"[sS][eE][lL]", r"[wW][hH][eE][rR][eE]", r"'"]),
    *cases("templates.lark", CONTEXT_LEXERS, witnesses=[r"\(\$[a-z]+:\d+ ?\)$", r","]),
    *cases("rule_priority.lark", ALL_LEXERS, witnesses=[r"ab"]),
]


@pytest.mark.parametrize("case", TRAPS)
def test_trap_roundtrip(case: Case) -> None:
    run = sample(case)
    assert_contract(case, run)


# one parser/lexer per grammar keeps this quick
DETERMINISM = [
    p
    for i, p in enumerate(TRAPS)
    if i == 0 or TRAPS[i - 1].values[0].grammar != p.values[0].grammar
]


@pytest.mark.parametrize("case", DETERMINISM)
def test_trap_is_deterministic(case: Case) -> None:
    a = sample(case, n=40, seed=3).texts
    b = sample(case, n=40, seed=3).texts
    assert a == b
    # items depend only on (seed, index): a run started later yields the same items
    sampler = Sampler(case.load(), **case.sampler)
    later = [s.text for s in sampler.sample(10, seed=3, first=30)]
    assert later == a[30:]


def test_seeds_differ() -> None:
    case = Case("glue.lark", *LALR_CONTEXTUAL)
    assert sample(case, n=40, seed=0).texts != sample(case, n=40, seed=1).texts


# -- traps with an expected regeneration rate ------------------------------------------


@pytest.mark.parametrize("mode", [LALR_CONTEXTUAL, LALR_BASIC], ids="-".join)
def test_lalr_conflict_derivations_are_regenerated(mode: tuple[str, str]) -> None:
    """A silently resolved shift/reduce conflict: "a b c" never parses, so it is
    regenerated, never emitted. Its rate is the grammar's, not the engine's:
    measured 0.22 (56 of 256 derivations) with seed 0."""
    case = Case("lalr_conflict.lark", *mode, witnesses=[r"aobc", r"abd", r"e"])
    run = sample(case)
    assert_contract(case, run, max_regen=0.5)
    assert run.sampler.stats.failures, "the unparseable derivations were never drawn"
    assert not any(re.search(r"(^|[bde])abc", t) for t in run.texts)


def test_terminal_shadowed_by_priority_is_never_emitted() -> None:
    """Under the basic lexer, A.2 /ab/ always wins over B /abc/: B cannot be lexed,
    and every derivation that uses it must be regenerated (0.54 of them, seed 0)."""
    case = Case("priority.lark", *LALR_BASIC, witnesses=[r"(^|;)abc;", r"(^|;)c;"])
    run = sample(case)
    assert_contract(case, run, max_regen=0.75)
    assert not any("!" in t for t in run.texts)
    assert run.sampler.stats.failures


def test_lookahead_across_two_tokens_is_repaired() -> None:
    """A /a(?!\\.:)/ fails only when both following tokens are written tightly;
    the pairwise separator check cannot see that, so the text is repaired."""
    case = Case("lookaround.lark", *LALR_CONTEXTUAL)
    run = sample(case)
    assert_contract(case, run)
    repaired = [s for s in run.samples if s.repaired]
    assert repaired, "no repaired sample"
    assert all("a . :" in s.text for s in repaired)
    assert run.sampler.stats.repaired == len(repaired)


def test_nothing_can_parse_raises_generation_failed() -> None:
    """Without an %ignore, NAME NAME always glues: a clear error, not a hang."""
    g = Grammar.from_string("start: NAME NAME\nNAME: /[a-z]+/\n", parser="lalr")
    sampler = Sampler(g)
    with pytest.raises(GenerationFailed, match="did not re-parse"):
        list(sampler.sample(5, seed=0))
    assert sampler.stats.emitted == 0


# -- %declare ----------------------------------------------------------------------------


def test_declared_terminal_without_values_is_a_clear_error() -> None:
    g = Grammar.from_file(GRAMMARS / "declared.lark", parser="lalr", postlex=ConstPostLex())
    with pytest.raises(GrammarError) as info:
        Sampler(g)
    err = info.value
    assert err.rule == "CONST"
    assert "CONST" in str(err)
    assert "declared=" in str(err)
    # located in the grammar (at the first use of CONST)
    assert err.file is not None and err.file.endswith("declared.lark")
    assert err.line is not None


def test_declared_values_for_unknown_terminal_are_rejected() -> None:
    g = Grammar.from_file(GRAMMARS / "declared.lark", parser="lalr", postlex=ConstPostLex())
    with pytest.raises(InvalidArgument, match="NOPE"):
        Sampler(g, declared={"CONST": ["nil"], "NOPE": ["x"]})


def test_declared_values_from_a_function() -> None:
    words = ["true", "false", "nil"]
    case = Case(
        "declared.lark",
        *LALR_CONTEXTUAL,
        postlex=ConstPostLex,
        sampler={"declared": {"CONST": lambda below: words[below(len(words))]}},
        witnesses=[r"=true ?;", r"=false ?;", r"=nil ?;"],
    )
    assert_contract(case, sample(case))


# -- the loader's features ---------------------------------------------------------------

OTHER = """\
item: WORD | NUMBER
pair: "(" item ":" item ")"
tags: "#" WORD ("," WORD)*
WORD: /[a-z]+/
NUMBER: /[0-9]+/
OP: "+" | "-"
"""

MAIN = """\
%import .other (item, pair, WORD, NUMBER, OP)
%import .other.tags -> labels
start: (pair ";" | expr ";" | labels "!")+
expr: item (OP item)*
%override item: WORD | NUMBER | "[" item* "]"
%extend pair: "<" item ">"
%extend OP: "*"
%ignore " "
"""


@pytest.mark.parametrize("mode", CONTEXT_LEXERS, ids="-".join)
def test_relative_import_override_extend(tmp_path: Path, mode: tuple[str, str]) -> None:
    (tmp_path / "other.lark").write_text(OTHER)
    main = tmp_path / "main.lark"
    main.write_text(MAIN)
    parser, lexer = mode
    g = Grammar.from_file(main, parser=parser, lexer=lexer)
    run = Run(sampler := Sampler(g), list(sampler.sample(N_SAMPLES, seed=0)))
    oracle = Lark.open(str(main), parser=parser, lexer=lexer)
    assert_reparse(run, oracle, "start")
    assert sampler.stats.dropped_items == 0
    assert run.regen_rate < MAX_REGEN
    texts = run.texts
    assert any("[" in t for t in texts), "%override item was not used"
    assert any("<" in t for t in texts), "%extend pair was not used"
    assert any("*" in t for t in texts), "%extend OP was not used"
    assert any(re.search(r"#[a-z]+(,[a-z]+)*!", t) for t in texts), "labels was not used"


MAYBE = """\
start: "(" [NAME] ["," NAME] ")" NAME? ";"
NAME: /[a-z]+/
%ignore " "
"""


@pytest.mark.parametrize("placeholders", [True, False])
@pytest.mark.parametrize("mode", CONTEXT_LEXERS, ids="-".join)
def test_maybe_placeholders(placeholders: bool, mode: tuple[str, str]) -> None:
    case = Case(
        MAYBE,
        *mode,
        options={"maybe_placeholders": placeholders},
        witnesses=[r"^\(\)", r"^\([a-z]+,[a-z]+\)", r"^\(,[a-z]+\)", r"\)[a-z]+;"],
    )
    assert_contract(case, sample(case))


MULTI = """\
a: "x" NAME+
b: "y" NUMBER ("," NUMBER)*
NAME: /[a-z]+/
NUMBER: /[0-9]+/
%ignore " "
"""


@pytest.mark.parametrize("mode", CONTEXT_LEXERS, ids="-".join)
@pytest.mark.parametrize("start", ["a", "b"])
def test_several_start_rules(mode: tuple[str, str], start: str) -> None:
    case = Case(MULTI, *mode, options={"start": ["a", "b"]}, sampler={"start": start})
    run = sample(case)
    assert run.sampler.start_name == start
    assert_contract(case, run)
    assert all(t.startswith("x" if start == "a" else "y") for t in run.texts)


def test_start_rule_not_loaded_is_rejected() -> None:
    g = Grammar.from_string(MULTI, parser="lalr", start=["a", "b"])
    with pytest.raises(InvalidArgument, match="start"):
        Sampler(g, start="c")


FLAGS = """\
start: (KW NAME ";")+
KW: "if" | "do" | "or"
NAME: /[a-z]{1,3}/
%ignore " "
"""


@pytest.mark.parametrize("mode", CONTEXT_LEXERS, ids="-".join)
def test_global_regex_flags(mode: tuple[str, str]) -> None:
    case = Case(FLAGS, *mode, options={"g_regex_flags": re.I}, witnesses=[r"[A-Z]"])
    assert_contract(case, sample(case))


REGEX_PLAIN = """\
start: (WORD ";" | NUM "!")+
WORD: /[a-z]+(?:_[a-z]+)*/
NUM: /[0-9]+/
%ignore " "
"""


@pytest.mark.parametrize("mode", CONTEXT_LEXERS, ids="-".join)
def test_regex_module_option(mode: tuple[str, str]) -> None:
    pytest.importorskip("regex")
    case = Case(REGEX_PLAIN, *mode, options={"regex": True}, witnesses=[r"_", r"\d!"])
    assert_contract(case, sample(case))


# -- known engine bugs -------------------------------------------------------------------
# Each grammar is minimal and every derivation of it can be written as text that
# parses, so the same contract as above applies. Rates are for seed 0, 200 items.

ALTERNATION = """\
start: (NUMBER ";")~4
NUMBER: /[0-9]+|[0-9]+\\.[0-9]+/
"""

LAZY = """\
start: (STRING ";")~8
STRING: /'.*?'/
"""

ESCAPED_STRING = """\
start: (ESCAPED_STRING ";")~8
%import common.ESCAPED_STRING
"""

PARTIAL_SHADOW = """\
start: (KW "!" | NAME ";")+
KW.2: "ab"
NAME: /[a-c]+/
%ignore " "
"""

IGNORECASE_KEYWORD = """\
start: ("if" NAME ";")+
NAME: /[fi]{2}/
%ignore " "
"""

SEPARATOR_SHADOWED = """\
start: (NAME NAME ";" | "\\"" TEXT "\\"" ";")+
NAME: /[a-z]+/
TEXT.1: /[^"]+/
%ignore " "
"""

# Terminal texts that match their regex but lex otherwise, and a separator that a
# terminal of higher priority claims: each once regenerated 10-94% of derivations.
LEX_BACK_CASES = [
    pytest.param(Case(ALTERNATION, *LALR_CONTEXTUAL), id="alternation-leftmost"),
    pytest.param(Case(LAZY, *LALR_CONTEXTUAL), id="lazy-quantifier"),
    pytest.param(Case(ESCAPED_STRING, *LALR_CONTEXTUAL), id="common-escaped-string"),
    pytest.param(Case(PARTIAL_SHADOW, *LALR_BASIC), id="priority-shadows-prefix"),
    pytest.param(
        Case(IGNORECASE_KEYWORD, *LALR_BASIC, options={"g_regex_flags": re.I}),
        id="ignorecase-reserved-keyword",
    ),
    pytest.param(Case(SEPARATOR_SHADOWED, *LALR_CONTEXTUAL), id="separator-shadowed-by-priority"),
]


@pytest.mark.parametrize("case", LEX_BACK_CASES)
def test_texts_lex_back_as_the_terminal_they_were_drawn_for(case: Case) -> None:
    assert_contract(case, sample(case))


# -- regex features of a token's context --------------------------------------------------

LOOKBEHIND = """\
start: (Q R ";")+
Q: "q"
R: /(?<=q)r/
"""

# R must follow a q, S must not follow a letter: the renderer writes "qr" tightly and
# puts a separator before S
LOOKBEHINDS = """\
start: (pair ";")+
?pair: Q R
     | NAME S
     | NAME Q R
Q: "q"
R: /(?<=q)r/
NAME: /[a-p]+/
S: /(?<![a-z])s[a-p]*/
%ignore " "
"""


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(Case(LOOKBEHIND, *LALR_CONTEXTUAL, witnesses=[r"^qr;"]), id="one"),
        *(
            pytest.param(
                Case(LOOKBEHINDS, p, lx, witnesses=[r"(^|;)qr;", r"[a-p] s[a-p]*;", r"[a-p]qr;"]),
                id=f"{p}-{lx}",
            )
            for p, lx in ALL_LEXERS
        ),
    ],
)
def test_lookbehind_at_token_start_looks_at_the_token_before(case: Case) -> None:
    run = sample(case)
    assert_contract(case, run)
    assert run.sampler.stats.repaired == 0
    assert all(t.count("r") == t.count("qr") for t in run.texts)


def test_lookbehind_the_token_before_may_not_satisfy_is_regenerated() -> None:
    """R follows "q" or "p" and only "qr" lexes: each derivation with a "pr" is
    regenerated (a third of them, for 4 pairs), counted, and never emitted."""
    g = Grammar.from_string('start: (X R ";")~1..4\nX: "q" | "p"\nR: /(?<=q)r/\n', parser="lalr")
    sampler = Sampler(g)
    texts = [smp.text for smp in sampler.sample(200, seed=0)]
    assert all("pr" not in t for t in texts)
    stats = sampler.stats
    assert stats.emitted == 200
    assert sum(stats.failures.values()) == stats.derivations - 200 > 0
    assert all("'p'" in reason or "'r'" in reason for reason in stats.failures)


def test_lookbehind_no_token_can_satisfy_fails_clearly() -> None:
    g = Grammar.from_string("start: NAME R\nNAME: /[a-p]+/\nR: /(?<=q)r/\n", parser="lalr")
    sampler = Sampler(g)
    with pytest.raises(GenerationFailed, match="did not re-parse"):
        list(sampler.sample(3, seed=0))
    assert sampler.stats.emitted == 0
    assert sampler.stats.failures


UNICODE_PROPERTY = """\
start: (WORD ";" | NUMBER "!")+
WORD: /\\p{L}[\\p{L}\\p{Mn}]*/
NUMBER: /\\p{Nd}+/
"""


@pytest.mark.parametrize("mode", CONTEXT_LEXERS, ids="-".join)
def test_regex_unicode_property_classes(mode: tuple[str, str]) -> None:
    """With regex=True, \\p{...} classes draw from the alphabet's members of the class."""
    regex = pytest.importorskip("regex")
    case = Case(
        UNICODE_PROPERTY,
        *mode,
        options={"regex": True},
        sampler={"alphabet": "abcXYZ019;!éÉ€٣"},
        witnesses=[r"[éÉ]", r"٣", r"[a-cX-Z]{2}"],
    )
    run = sample(case)
    assert_contract(case, run)
    for t in run.texts:
        assert "€" not in t
        for word in re.findall(r"[^;!]+(?=;)", t):
            assert regex.fullmatch(r"\p{L}+", word), word
        for number in re.findall(r"[^;!]+(?=!)", t):
            assert regex.fullmatch(r"\p{Nd}+", number), number


@pytest.mark.parametrize("regex_option", [True, False])
def test_bad_unicode_property_class_is_located(tmp_path: Path, regex_option: bool) -> None:
    # an unknown property under regex=True, and any property without it, which re rejects
    pytest.importorskip("regex")
    path = tmp_path / "bad.lark"
    bad = r"\p{Nope}+" if regex_option else r"\p{L}+"
    path.write_text(f"start: WORD NUM\nNUM: /[0-9]+/\nWORD: /{bad}/\n", encoding="utf-8")
    with pytest.raises(GrammarError) as info:
        Grammar.from_file(path, parser="lalr", regex=regex_option)
    err = info.value
    assert (err.file, err.line, err.rule) == (str(path), 3, "WORD")


PROSE = """\
start: sentence+
sentence: NAME VERB NUMBER ITEMS ("," NAME VERB NUMBER ITEMS)* "."
        | "(" NAME ")" "costs" "$" NUMBER "!"
VERB: "has" | "buys"
NAME: /[A-Z][a-z]{2,6}/
NUMBER: /[1-9][0-9]?/
ITEMS: "apples" | "pens"
%ignore " "
"""


def test_prose_spacing_writes_words_as_english_does() -> None:
    g = Grammar.from_string(PROSE, parser="lalr")
    texts = [smp.text for smp in Sampler(g, spacing="prose").sample(200, seed=1)]
    joined = " ".join(texts)
    assert re.search(r"[A-Z][a-z]+ (has|buys) \d+ (apples|pens)[.,]", joined)
    assert re.search(r"\([A-Z][a-z]+\) costs \$\d+!", joined)
    assert not re.search(r" [.,!)]|[($] ", joined)
    assert all("  " not in t for t in texts)
    minimal = [smp.text for smp in Sampler(g).sample(200, seed=1)]
    assert sum(t.count(" ") for t in minimal) < sum(t.count(" ") for t in texts) / 2


def test_spacing_needs_a_separator_in_the_grammar() -> None:
    g = Grammar.from_string('start: "a" "b"', parser="lalr")
    with pytest.raises(InvalidArgument, match="needs a separator"):
        Sampler(g, spacing="prose")
    with pytest.raises(InvalidArgument, match="spacing must be one of"):
        Sampler(g, spacing="wide")
