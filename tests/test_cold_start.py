"""The start-up of a grammar: lark's work kept in the disk cache, and built only when used.

Every test here gets its own cache directory (``GRAMGEN_CACHE_DIR``).
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lark
import pytest
from lark import load_grammar as lark_load_grammar

from gramgen import Grammar, Sampler
from gramgen import _lark_adapter as adapter
from gramgen.errors import GrammarError
from gramgen.parse import DerivationParser, Recognizer

ROOT = Path(__file__).resolve().parent.parent
LARK_GRAMMARS = Path(lark.__file__).parent / "grammars"

ARITH = """\
start: expr
?expr: expr "+" term   //@ w=[1]
     | term
?term: term "*" atom
     | atom
?atom: NUMBER | "(" expr ")" | NAME
NAME: /[a-z]+/
%import common.NUMBER
%import common.WS
%ignore WS
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("GRAMGEN_CACHE_DIR", str(where))
    monkeypatch.delenv("GRAMGEN_CACHE", raising=False)
    return where


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The grammar texts lark parses (none where the cache serves them)."""
    seen: list[str] = []
    original = lark_load_grammar.GrammarBuilder.load_grammar

    def spy(self: Any, grammar_text: str, grammar_name: str = "<?>", mangle: Any = None) -> None:
        seen.append(grammar_name)
        original(self, grammar_text, grammar_name, mangle)

    monkeypatch.setattr(lark_load_grammar.GrammarBuilder, "load_grammar", spy)
    yield seen


def _files(where: Path) -> list[Path]:
    return sorted(where.glob("*" + adapter._CACHE_SUFFIX)) if where.is_dir() else []


def _options(o: Any) -> Any:
    return (o.keep_all_tokens, o.expand1, o.priority, o.template_source, o.empty_indices)


def _fingerprint(g: Grammar) -> Any:
    """Everything lark built that gramgen reads, as comparable values."""
    inst = g.loaded.lark
    rules = [
        (
            r.origin.name,
            tuple(s.name for s in r.expansion),
            r.alias,
            r.order,
            _options(r.options),
        )
        for r in inst.rules
    ]
    terminals = [(t.name, repr(t.pattern), t.priority) for t in inst.terminals]
    return (
        rules,
        terminals,
        list(inst.ignore_tokens),
        [(name, params, tree, _options(o)) for name, params, tree, o in g.loaded.rule_defs],
        g.loaded.term_defs,
        g.loaded.ignore,
        g.loaded.sources,
        g.loaded.lalr_conflicts,
        g.symbols,
        g.content_hash,
    )


def _texts(g: Grammar, n: int = 20) -> list[str]:
    return [s.text for s in Sampler(g).sample(n, seed=5)]


CASES: list[tuple[str, Path, dict[str, Any]]] = [
    ("arith-lalr", ROOT / "grammars" / "arith.lark", {"parser": "lalr"}),
    ("json-earley", ROOT / "grammars" / "json.lark", {}),
    ("templates", ROOT / "tests" / "grammars" / "templates.lark", {}),
    ("conflict-lalr", ROOT / "tests" / "grammars" / "lalr_conflict.lark", {"parser": "lalr"}),
    ("priority", ROOT / "tests" / "grammars" / "priority.lark", {}),
    ("lark-lalr", LARK_GRAMMARS / "lark.lark", {"parser": "lalr"}),
    (
        "family",
        ROOT / "grammars" / "families" / "addition_subtraction" / "change_join.lark",
        {"start": ["level1", "level2"]},
    ),
]


@pytest.mark.parametrize(("path", "options"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_cached_grammar_is_the_grammar_lark_builds(
    cache: Path,
    loads: list[str],
    path: Path,
    options: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = Grammar.from_file(path, **options)  # written to the cache
    assert len(_files(cache)) == 1
    del loads[:]
    served = Grammar.from_file(path, **options)
    assert loads == []  # lark read no grammar text
    assert _fingerprint(served) == _fingerprint(fresh)
    monkeypatch.setenv("GRAMGEN_CACHE", "off")
    uncached = Grammar.from_file(path, **options)
    assert _fingerprint(uncached) == _fingerprint(served)
    if "start" not in options:
        assert _texts(served) == _texts(uncached)


def test_the_cache_can_be_turned_off(
    cache: Path, write_grammar: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRAMGEN_CACHE", "off")
    assert adapter.cache_dir() is None
    Grammar.from_file(write_grammar(ARITH, "g.lark"))
    assert not cache.exists()


def test_grammars_from_strings_are_not_cached(cache: Path) -> None:
    Grammar.from_string(ARITH)
    assert _files(cache) == []


def test_an_edited_grammar_is_not_served_stale(
    cache: Path, loads: list[str], write_grammar: Callable[[str, str], Path]
) -> None:
    path = write_grammar(ARITH, "g.lark")
    assert Grammar.from_file(path).loaded.terminals["NAME"].pattern.value == "[a-z]+"
    path.write_text(ARITH.replace("/[a-z]+/", "/[A-Z]+/"), encoding="utf-8")
    del loads[:]
    g = Grammar.from_file(path)
    assert loads  # read again
    assert g.loaded.terminals["NAME"].pattern.value == "[A-Z]+"
    assert len(_files(cache)) == 1  # the file's entry was replaced
    del loads[:]
    assert Grammar.from_file(path).loaded.terminals["NAME"].pattern.value == "[A-Z]+"
    assert loads == []


def test_an_edited_import_is_not_served_stale(
    cache: Path, loads: list[str], write_grammar: Callable[[str, str], Path]
) -> None:
    lib = write_grammar('WORD: "hello"\n', "lib.lark")
    path = write_grammar("start: WORD\n%import .lib.WORD\n", "g.lark")
    assert _texts(Grammar.from_file(path), 1) == ["hello"]
    lib.write_text('WORD: "howdy"\n', encoding="utf-8")
    del loads[:]
    g = Grammar.from_file(path)
    assert loads
    assert _texts(g, 1) == ["howdy"]
    lib.unlink()  # a missing import is an error, not a cache hit
    with pytest.raises(GrammarError):
        Grammar.from_file(path)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "bad-body", "not-compressed", "empty"])
def test_a_damaged_cache_file_is_rebuilt(
    cache: Path, loads: list[str], write_grammar: Callable[[str, str], Path], damage: str
) -> None:
    path = write_grammar(ARITH, "g.lark")
    expected = _fingerprint(Grammar.from_file(path))
    (entry,) = _files(cache)
    data = entry.read_bytes()
    head = data[: data.index(b"\n", len(adapter._CACHE_MAGIC)) + 1]
    entry.write_bytes(
        {
            "garbage": b"\x00\xffnot a cache file" * 10,
            "truncated": data[: len(data) // 2],
            "bad-body": head + zlib.compress(pickle.dumps({"lark": b"\x80\x05junk"})),
            "not-compressed": head + pickle.dumps({"lark": b"", "sources": {}}),
            "empty": b"",
        }[damage]
    )
    del loads[:]
    assert _fingerprint(Grammar.from_file(path)) == expected
    assert loads  # rebuilt
    assert entry.read_bytes().startswith(head)  # and written again
    del loads[:]
    Grammar.from_file(path)
    assert loads == []


def test_a_cache_that_cannot_be_written_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_grammar: Callable[[str, str], Path]
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("GRAMGEN_CACHE_DIR", str(blocker / "cache"))
    path = write_grammar(ARITH, "g.lark")
    assert _texts(Grammar.from_file(path)) == _texts(Grammar.from_string(ARITH))
    assert blocker.read_text(encoding="utf-8") == "x"


def test_the_cache_keeps_the_recently_used_files(
    cache: Path, monkeypatch: pytest.MonkeyPatch, write_grammar: Callable[[str, str], Path]
) -> None:
    monkeypatch.setattr(adapter, "_CACHE_MAX_FILES", 4)
    for i in range(10):
        Grammar.from_file(write_grammar(ARITH, f"g{i}.lark"))
        assert len(_files(cache)) <= 4
    assert not list(cache.glob("*.tmp"))


def test_the_derivation_parser_is_cached_too(
    cache: Path, loads: list[str], write_grammar: Callable[[str, str], Path]
) -> None:
    path = write_grammar(ARITH, "g.lark")
    s = Sampler(Grammar.from_file(path))
    samples = list(s.sample(20, seed=2))
    first = DerivationParser(s)
    assert len(_files(cache)) == 2
    del loads[:]
    again = DerivationParser(Sampler(Grammar.from_file(path)))
    assert loads == []
    assert again.text == first.text
    for x in samples:
        assert again.parse(x.text).path == first.parse(x.text).path == x.derivation.path


def test_the_sampler_does_not_build_an_earley_parser_it_does_not_use(cache: Path) -> None:
    g = Grammar.from_string(ARITH)
    inst = g.loaded.lark
    assert inst._gramgen_parser is None  # type: ignore[attr-defined]
    assert [s.text for s in Sampler(g, roundtrip=False).sample(5, seed=1)]
    assert inst._gramgen_parser is None  # type: ignore[attr-defined]
    assert inst.parse("a + 2 * b").data == "start"  # built on first use
    assert inst._gramgen_parser is not None  # type: ignore[attr-defined]
    assert len(_texts(g)) == 20  # the round trip parses with it


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("start: A\nA: /a*/", {}, "zero-width"),
        ("start: A\nA: /a+/", {"propagate_positions": "x"}, "propagate_positions"),
        ('start: "a"', {"lexer_callbacks": {"A": print}}, "lexer_callbacks"),
    ],
)
def test_earley_parser_errors_still_come_when_the_grammar_loads(
    text: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(GrammarError, match=message):
        Grammar.from_string(text, **options)


def test_samplers_of_one_grammar_share_its_lexer() -> None:
    g = Grammar.from_string(ARITH, start=["start", "expr"])
    a, b = Sampler(g), Sampler(g, start="expr")
    assert a.renderer.scanner._lexer is b.renderer.scanner._lexer


def test_the_recognizer_reads_lark_through_the_adapter() -> None:
    g = Grammar.from_string(ARITH, parser="lalr")
    r = Recognizer.of(g.loaded.lark)
    assert r is not None
    assert r.accepts("a + 2 * (b)") and not r.accepts("a + * b")
    assert Recognizer.of(Grammar.from_string(ARITH).loaded.lark) is None  # Earley
