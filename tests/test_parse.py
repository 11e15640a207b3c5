"""Texts back to derivations, and the coverage of an existing corpus."""

from __future__ import annotations

from pathlib import Path

import lark
import pytest
from lark.indenter import PythonIndenter

from gramgen import Grammar, Sampler
from gramgen.cli import main
from gramgen.coverage import Coverage, corpus, read_corpus
from gramgen.parse import DerivationParser, ParseFailed

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
