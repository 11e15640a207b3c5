"""Texts back to derivations, and the coverage of an existing corpus."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import lark
import pytest
from lark.indenter import PythonIndenter

from gramgen import Grammar, Sampler
from gramgen.cli import main
from gramgen.coverage import Coverage, corpus, read_corpus
from gramgen.parse import DerivationParser, ParseFailed, Recognizer

LARK_GRAMMARS = Path(lark.__file__).parent / "grammars"


@pytest.mark.parametrize("name", ["arith", "json"])
def test_generated_texts_parse_back_to_the_same_derivation(name: str) -> None:
    s = Sampler(Grammar.open(name, parser="lalr"))
    p = DerivationParser(s)
    for smp in s.sample(150, seed=4):
        d = p.parse(smp.text)
        assert d.path == smp.derivation.path
        assert d.tokens == smp.derivation.tokens
        assert d.size == smp.derivation.size


@pytest.mark.parametrize(
    ("file", "options"),
    [
        ("lark.lark", {"parser": "lalr"}),
        ("python.lark", {"parser": "lalr", "start": "file_input", "postlex": PythonIndenter()}),
    ],
)
def test_real_grammar_texts_parse_back_to_a_derivation_of_the_same_text(
    file: str, options: dict[str, object]
) -> None:
    s = Sampler(Grammar.from_file(LARK_GRAMMARS / file, **options))
    p = DerivationParser(s)
    for smp in s.sample(60, seed=2):
        d = p.parse(smp.text)
        again = s.renderer.join(d.tokens)
        assert s.renderer.reparse(again, s.start_name) is None
        assert [t for _, t in d.tokens if t.strip()] == [
            t for _, t in smp.derivation.tokens if t.strip()
        ]


def test_text_outside_the_language_is_refused_with_a_position() -> None:
    p = DerivationParser(Sampler(Grammar.open("json", parser="lalr")))
    with pytest.raises(ParseFailed, match="line 1, column 6"):
        p.parse('{"a" 1}')
    with pytest.raises(ParseFailed, match="end of the input"):
        p.parse("[1, 2")


def test_corpus_coverage_counts_what_the_inputs_exercise(tmp_path: Path) -> None:
    s = Sampler(Grammar.open("json", parser="lalr"))
    f = tmp_path / "inputs.txt"
    f.write_text('{"a": [1, true]}\nnull\n[1,\n')
    cov, failed = corpus(s, read_corpus(str(f)), k=())
    assert [w for w, _ in failed] == [f"{f}:3"]
    assert cov.derivations == 2
    hit = {cov.describe(i) for i in cov.universe(("alt",)) if cov.hits[i]}
    assert {"value->true", "value->null", "value#1", "value#2", "value->number"} <= hit
    assert "value->false" not in hit
    assert isinstance(cov, Coverage)


def test_cli_corpus_from_jsonl_and_directory(capsys, tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    assert main(["sample", "json", "-n", "30", "--format", "jsonl", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["coverage", "json", "--corpus", str(out), "--format", "json"]) == 0
    assert '"derivations": 30' in capsys.readouterr().out
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.json").write_text("[1, 2]")
    (d / "b.json").write_text("{oops")
    assert main(["coverage", "json", "--corpus", str(d)]) == 0
    err = capsys.readouterr().err
    assert "b.json: does not parse" in err and "1 input(s) of the corpus do not parse" in err
    assert main(["coverage", "json", "--corpus", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read corpus" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------
# Recognizer: the round trip's verdict without a tree

TEST_GRAMMARS = Path(__file__).parent / "grammars"
# grammars loaded as the round trip sees them: LALR with lark's contextual lexer (the
# default) or its basic one; retyped keywords, priorities, greedy and look-around
# terminals, ignored comments, case-insensitive strings, templates, resolved conflicts
RECOGNIZED = [
    ("arith", {}),
    ("json", {}),
    ("arith", {"lexer": "basic"}),
    *(
        (str(TEST_GRAMMARS / f"{name}.lark"), {})
        for name in (
            "keywords",
            "glue",
            "greedy",
            "priority",
            "lookaround",
            "comments",
            "sql_ci",
            "rule_priority",
            "dangling_else",
            "lalr_conflict",
            "templates",
        )
    ),
    (str(LARK_GRAMMARS / "lark.lark"), {}),
]


def _sampler(name: str, options: dict[str, object]) -> Sampler:
    return Sampler(Grammar.open(name, parser="lalr", **options), roundtrip=False)


def _lark_parses(parser: lark.Lark, text: str, start: str) -> bool:
    try:
        parser.parse(text, start=start)
    except lark.exceptions.LarkError:
        return False
    return True


def _variants(s: Sampler, tokens: list[tuple[int, str]], rng: random.Random) -> list[str]:
    """A text's tokens joined as the renderer does, side by side, one apart, and with one
    token dropped, doubled or swapped with the next: texts in and out of the language."""
    texts = [t for _, t in tokens]
    out = [s.renderer.join(tokens), "".join(texts), " ".join(texts)]
    if texts:
        i = rng.randrange(len(texts))
        out.append("".join(texts[:i] + texts[i + 1 :]))
        out.append("".join(texts[: i + 1] + texts[i:]))
        if i + 1 < len(texts):
            out.append("".join([*texts[:i], texts[i + 1], texts[i], *texts[i + 2 :]]))
    return out


@pytest.mark.parametrize(("name", "options"), RECOGNIZED)
def test_recognizer_agrees_with_lark_on_texts_in_and_out_of_the_language(
    name: str, options: dict[str, object]
) -> None:
    s = _sampler(name, options)
    parser = s.grammar.loaded.lark
    r = Recognizer.of(parser)
    assert r is not None
    rng = random.Random(5)
    verdicts = []
    for smp in s.sample(25, seed=3):
        for text in _variants(s, smp.derivation.tokens, rng):
            expected = _lark_parses(parser, text, s.start_name)
            assert r.accepts(text, s.start_name) is expected, text
            verdicts.append(expected)
    assert any(verdicts) and not all(verdicts)  # both answers were put to the test


@pytest.mark.parametrize(("name", "options"), RECOGNIZED)
def test_read_back_texts_are_read_as_exactly_their_tokens(
    name: str, options: dict[str, object]
) -> None:
    s = _sampler(name, options)
    parser = s.grammar.loaded.lark
    r = Recognizer.of(parser)
    assert r is not None
    names = s.renderer.type_of
    rng = random.Random(7)
    read = 0
    for smp in s.sample(25, seed=8):
        tokens = list(smp.derivation.tokens)
        # the derivation's tokens, and the same with one dropped, doubled or moved
        for ts in (tokens, *(_shuffled(tokens, rng) for _ in range(3))):
            text = r.read_back(ts, s.start_name, names=names)
            if text is None:
                continue
            read += ts is tokens
            assert text == "".join(t for _, t in ts)
            # what lark's own parser reads from the text, token by token (contextual
            # lexer), and that it then takes the end of the input
            steps = parser.parse_interactive(text, start=s.start_name)
            seen = [(tok.type, str(tok)) for tok in steps.iter_parse()]
            assert seen == [(names[sym], t) for sym, t in ts]
            steps.feed_eof()
            assert _lark_parses(parser, text, s.start_name)
    if name in ("arith", "json"):
        assert read == 25  # texts that need no separator are read back


def _shuffled(tokens: list[tuple[int, str]], rng: random.Random) -> list[tuple[int, str]]:
    out = list(tokens)
    if out:
        i, j = rng.randrange(len(out)), rng.randrange(len(out))
        op = rng.randrange(3)
        if op == 0:
            del out[i]
        elif op == 1:
            out.insert(i, out[j])
        else:
            out.insert(j, out.pop(i))
    return out


def test_read_back_refuses_tokens_that_glue_or_a_lexer_that_retypes() -> None:
    g = Grammar.from_string('start: NAME+\nNAME: /[a-z]+/\n%ignore " "', parser="lalr")
    r = Recognizer.of(g.loaded.lark)
    assert r is not None
    assert r.read_back([("NAME", "ab")]) == "ab"
    assert r.read_back([("NAME", "ab"), ("NAME", "cd")]) is None  # read as one NAME
    assert r.accepts("ab cd") and not r.accepts("ab 1")
    # a terminal the rules use but the lexer drops: the parser never sees it
    g = Grammar.from_string('start: "a" WS "b"\nWS: " "\n%ignore WS', parser="lalr")
    r = Recognizer.of(g.loaded.lark)
    assert r is not None
    assert r.read_back([("A", "a"), ("WS", " "), ("B", "b")]) is None
    assert not r.accepts("a b") and not _lark_parses(g.loaded.lark, "a b", "start")
    # "if" is folded into NAME's regexp and retyped by lark: read_back cannot tell
    kw = Sampler(Grammar.open(str(TEST_GRAMMARS / "keywords.lark"), parser="lalr"))
    rk = Recognizer.of(kw.grammar.loaded.lark)
    assert rk is not None
    assert rk.read_back([("IF", "if")], kw.start_name) is None
    assert rk.accepts("if x then y;", kw.start_name)


def test_contextual_lexing_is_replayed() -> None:
    # the basic lexer reads "x" as NAME; after "b" the parser only takes KW
    text = 'start: "a" NAME | "b" KW\nNAME: /[a-z]+/\nKW: "x"\n'
    contextual = Grammar.from_string(text, parser="lalr").loaded.lark
    basic = Grammar.from_string(text, parser="lalr", lexer="basic").loaded.lark
    for parser in (contextual, basic):
        r = Recognizer.of(parser)
        assert r is not None
        for t in ("bx", "ax", "ab", "bxx", "b", ""):
            assert r.accepts(t) is _lark_parses(parser, t, "start"), t
    assert Recognizer.of(contextual).accepts("bx")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "options",
    [
        {"parser": "earley"},
        {"parser": "lalr", "lexer_callbacks": {"NAME": lambda t: t}},
        {"parser": "lalr", "transformer": lark.Transformer()},
    ],
)
def test_recognizer_is_only_made_for_configurations_it_replays(options: dict[str, Any]) -> None:
    g = Grammar.from_string('start: NAME+\nNAME: /[a-z]+/\n%ignore " "', **options)
    assert Recognizer.of(g.loaded.lark) is None


def test_recognizer_is_not_made_for_a_postlexer() -> None:
    g = Grammar.open(str(TEST_GRAMMARS / "indent.lark"), parser="lalr", postlex=PythonIndenter())
    assert Recognizer.of(g.loaded.lark) is None
