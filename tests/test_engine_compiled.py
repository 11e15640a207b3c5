"""The fast paths of the engine give exactly what the general ones give.

* the compiled derivation (``Engine.compiled``, used for a ``RandomChooser``) makes the draws
  of the general loop (``Engine.expand``) in the same order: same path, tokens, size and
  random state after, for any seed, grammar and budget;
* regex samplers written out as source make the ``below`` calls of the closures;
* coverage's replayed items and cached distances are those of the tree walk and fixpoint
  they replace; guided sampling picks what it picked before.

Golden digests were taken with the engine before any of these fast paths existed.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gramgen import Grammar, Sampler
from gramgen._regex import RegexSampler, _closure_function, below_call
from gramgen.coverage import Coverage, CoverageChooser, Item, run
from gramgen.derive import (
    COMPILE_AFTER,
    Derivation,
    RandomChooser,
    _Compiler,
    _draw,
    _threshold,
)
from gramgen.grammar import Kind

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent / "grammars"

OPTREP = """\
start: item+ ";"
item: NAME ["=" NUM] ("," NUM)~2..5 | "(" item* ")" | NUM? "x"~0..3
NAME: /[a-z][a-z0-9_]*/
NUM: /-?[0-9]+(\\.[0-9]{1,3})?/
%ignore " "
"""
DEEP = 'start: "(" start ")" | "x" | start "+" start  //@ w=[1,1,2]\n'
ZERO = """\
start: a | b  //@ w=[0,0]
a: "a" a? | "c"
b: "b"~1..3 | b "," b
"""
MIXED = """\
start: (stmt ";")~1..4 [KW NAME] WORD? x
stmt: NAME "=" value | KW2 value ("," value)* | "(" stmt ")"
value: NUM | STR | ONE | "[" [value ("," value)*] "]" | never
never: "n" never
x: "x" x | "y"~2 | "z" //@ w=[1, 0, 2]
KW: "select"i
KW2: "from"i | "where"i
ONE: "a" | "bb" | "ccc"
WORD: /[A-Z][a-z]{2,5}/
NAME: /(if|then|else|[a-z])+/
NUM: /[0-9]{1,12}/
STR: /"[^"\\\\]{0,8}"/
%ignore " "
"""

# tests/grammars/keywords.lark as it was when the golden digests were taken
KEYWORDS = """\
// Keywords that a NAME can spell. NAME's regex draws "if", "then" and "else"
// often, so the engine must never give NAME a keyword's text, and must
// separate a keyword from a following NAME ("if" "x" glues into NAME "ifx").
start: stmt+

stmt: "if" NAME "then" NAME ";"   -> if_stmt
    | NAME "=" NAME ";"           -> assign
    | "else" NAME ";"             -> else_stmt

NAME: /(if|then|else|[a-z])+/

%ignore " "
"""


class GeneralChooser(RandomChooser):
    """The same choices as a RandomChooser, through the general loop (a subclass is)."""

    __slots__ = ()


def _lark_lark() -> Grammar:
    path = importlib.resources.files("lark") / "grammars" / "lark.lark"
    return Grammar.from_file(str(path), parser="lalr")


def _family(path: Path) -> Grammar:
    levels = sorted(set(re.findall(r"^(level\d+)\s*:", path.read_text(), re.M)))
    return Grammar.from_file(path, start=levels or None)


def _grammars() -> Iterator[tuple[str, Callable[[], Grammar]]]:
    yield "keywords-inline", lambda: Grammar.from_string(KEYWORDS, parser="lalr")
    yield "arith", lambda: Grammar.open("arith", parser="lalr")
    yield "json", lambda: Grammar.open("json", parser="lalr")
    yield "lark.lark", _lark_lark
    yield "optrep", lambda: Grammar.from_string(OPTREP)
    yield "deep", lambda: Grammar.from_string(DEEP)
    yield "zero", lambda: Grammar.from_string(ZERO)
    yield "mixed", lambda: Grammar.from_string(MIXED)
    for name in ("keywords", "templates", "sql_ci", "glue", "greedy", "lookaround", "priority"):
        yield name, lambda name=name: Grammar.from_file(TESTS / f"{name}.lark", parser="lalr")
    for path in sorted((ROOT / "grammars" / "families").glob("*/*.lark")):
        yield path.stem, lambda path=path: _family(path)


GRAMMARS = dict(_grammars())


def _same(a: Derivation, b: Derivation) -> None:
    assert (a.start, a.path, a.tokens, a.size) == (b.start, b.path, b.tokens, b.size)


def _compare(sampler: Sampler, max_size: int, n: int, seed: int) -> None:
    eng = sampler.engine
    fn = eng.compiled(sampler.start)
    r1, r2, r3, r4 = (random.Random(seed) for _ in range(4))
    general = GeneralChooser(eng, r1)
    fast = RandomChooser(eng, r2)
    direct = RandomChooser(eng, r3)
    for _ in range(n):
        a = eng.derive(sampler.start, general, max_size)
        _same(a, eng.derive(sampler.start, fast, max_size))
        _same(a, fn(direct._rand, direct, max_size, sys.getrecursionlimit()))
        _same(a, eng.derive_random(sampler.start, r4, max_size))  # no chooser made
        assert a.size <= max_size
    assert r1.random() == r2.random() == r3.random() == r4.random()


@pytest.mark.parametrize("name", sorted(GRAMMARS))
def test_compiled_derivation_is_the_general_one(name: str) -> None:
    g = GRAMMARS[name]()
    for start in g.starts:
        s = Sampler(g, start=start, roundtrip=False)
        least = s.analysis.min_size[s.start]
        for max_size, n in ((s.max_size, 150), (least, 20), (least + 1, 30), (least + 3, 40)):
            _compare(s, max_size, n, seed=max_size)
        _compare(s, least + 15, 60, seed=1)


def test_lark_lark_under_many_seeds() -> None:
    s = Sampler(_lark_lark(), roundtrip=False)
    for seed in range(40):
        _compare(s, s.max_size, 10, seed)


def test_tight_budgets_and_damping() -> None:
    g = Grammar.from_string(MIXED)
    for damping in (1.0, 0.7, 0.3):
        s = Sampler(g, roundtrip=False, damping=damping)
        least = s.analysis.min_size[s.start]
        for extra in range(12):
            _compare(s, least + extra, 15, seed=extra)


def test_deep_derivations_leave_the_compiled_code_for_the_general_loop() -> None:
    g = Grammar.from_string('start: "(" start ")" | "x"\n', weights={"start#2": 0})
    s = Sampler(g, max_size=9_002, roundtrip=False)
    _compare(s, 9_002, 3, seed=3)
    d = s.engine.derive(s.start, RandomChooser(s.engine, random.Random(3)), 9_002)
    assert len(d.tokens) == 2 * 3000 + 1  # deeper than Python could recurse
    deep = Sampler(Grammar.from_string(DEEP), roundtrip=False)
    deep.engine.compiled(deep.start)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # the compiled code takes an eighth of it at most
    try:
        _compare(s, 9_002, 2, seed=4)
        _compare(deep, 400, 20, seed=5)
    finally:
        sys.setrecursionlimit(limit)


def test_random_choosers_switch_to_compiled_code_after_a_while() -> None:
    s = Sampler(Grammar.open("json", parser="lalr"), roundtrip=False)
    eng = s.engine
    assert s.start not in eng._compiled
    r1, r2, r3 = random.Random(8), random.Random(8), random.Random(8)
    general, fast = GeneralChooser(eng, r1), RandomChooser(eng, r2)
    for _ in range(COMPILE_AFTER + 50):
        a = s.derive(general)
        _same(a, s.derive(fast))
        _same(a, eng.derive_random(s.start, r3, s.max_size))
    assert s.start in eng._compiled
    assert r1.random() == r2.random() == r3.random()
    # a chooser whose rng or below was replaced is not the one the code was written for
    other = RandomChooser(eng, random.Random(1))
    other.rng = random.Random(2)
    assert s.derive(other) is not None


def test_texts_set_after_compiling_are_used() -> None:
    # a family sets the text of regex terminals once its samplers are made
    s = Sampler(Grammar.open("arith", parser="lalr"), roundtrip=False)
    eng = s.engine
    eng.compiled(s.start)
    number = next(t.id for t in s.grammar.symbols if t.kind is Kind.TERM and t.name == "NUMBER")
    eng.term_const[number] = "7"
    d = s.derive(RandomChooser(eng, random.Random(2)))
    assert {text for sym, text in d.tokens if sym == number} == {"7"}
    _compare(s, s.max_size, 50, seed=2)


def test_too_small_budgets_and_unproductive_starts_are_errors_either_way() -> None:
    s = Sampler(Grammar.open("arith", parser="lalr"), roundtrip=False)
    s.engine.compiled(s.start)
    for chooser in (
        RandomChooser(s.engine, random.Random(1)),
        GeneralChooser(s.engine, random.Random(1)),
    ):
        with pytest.raises(Exception, match="below the smallest derivation"):
            s.engine.derive(s.start, chooser, 1)
    g = Grammar.from_string('start: "a" | never\nnever: "b" never\n')
    s = Sampler(g, roundtrip=False)
    never = g.rule_symbol("never")
    with pytest.raises(Exception, match="unproductive"):
        s.engine.compiled(never)


# ------------------------------------------------------------------------------- golden

# sha256 over 300 (100 for a named budget) derivations with RandomChooser(Random(5)) of the
# engine as it was before the compiled derivation: repr((path, tokens, size)) of each, then
# repr of the next random number.
GOLDEN: dict[tuple[str, str | None], str] = {
    ("arith", None): "0691cc7f0f556c500571c41408024c080905b99e68e882e0c0ee18e2e52da34d",
    ("arith", "min+3"): "696fa7e99eed6ec102746c958828a3b18fa946ca8a5c91ed0f26c1f22a646993",
    ("json", None): "7e894faaabb4177fc2a554b52550ea4c7ccece64add70fc3879d199992ae41e3",
    ("json", "min"): "76ed02f5deb1669ab4c3371d7d375e96c079edce4b309020f3b7231198559237",
    ("optrep", None): "35892de95bfbf101328a275886b9a4eeff150740a352fc8b7f81aadb04b7aecc",
    ("optrep", "min+3"): "ca31de47bc8dae55536ec5824bf3abebc24cb969bbcb2988c703cd47cd028698",
    ("deep", None): "afc8f18875558b9af983c1de9a6c2626f96e2b49c7626af87e81350aa0fb0431",
    ("keywords-inline", None): "1320c65ad05ac6a9b3d77c34e804a0bd26dd286b26c3838aaa9807f10797ff0d",
}


def _digest(s: Sampler, budget: str | None, chooser_type: type[RandomChooser]) -> str:
    least = s.analysis.min_size[s.start]
    max_size = {None: s.max_size, "min": least, "min+3": least + 3}[budget]
    rng = random.Random(5)
    chooser = chooser_type(s.engine, rng)
    h = hashlib.sha256()
    for _ in range(300 if budget is None else 100):
        d = s.engine.derive(s.start, chooser, max_size)
        h.update(repr((d.path, d.tokens, d.size)).encode())
    h.update(repr(rng.random()).encode())
    return h.hexdigest()


@pytest.mark.parametrize(("name", "budget"), sorted(GOLDEN, key=str))
def test_golden_derivations(name: str, budget: str | None) -> None:
    g = GRAMMARS[name]()
    want = GOLDEN[name, budget]
    s = Sampler(g, roundtrip=False)
    assert _digest(s, budget, RandomChooser) == want  # compiled part way through
    assert _digest(s, budget, GeneralChooser) == want
    s = Sampler(g, roundtrip=False)
    s.engine.compiled(s.start)
    assert _digest(s, budget, RandomChooser) == want  # compiled from the first


# (derivations, sha256 of the sorted hits) of run(sampler, 40, seed=seed, guided=True,
# stop_when_full=True), before the coverage tables and the chooser's caches existed
GOLDEN_GUIDED = {
    ("arith", 0): (1, "44322fce6457bc28eb90655bb97c51c300bff21d4f2a00d005755e6afe9b6fd1"),
    ("json", 1): (11, "5daa22d91f7d3c861e1ff9245a1e7cfd1d787deb301a9ab5e08ba7d6e5f8c2e5"),
}


@pytest.mark.parametrize(("name", "seed"), sorted(GOLDEN_GUIDED))
def test_golden_guided_coverage(name: str, seed: int) -> None:
    s = Sampler(GRAMMARS[name]())
    for _ in range(2):  # the second run uses the tables the first one cached
        cov = run(s, 40, seed=seed, guided=True, stop_when_full=True)
        hits = hashlib.sha256(repr(sorted(map(repr, cov.hits.items()))).encode()).hexdigest()
        assert (cov.derivations, hits) == GOLDEN_GUIDED[name, seed]


# ------------------------------------------------------------------------------- regexes


def _patterns() -> list[tuple[str, int]]:
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from test_regex import LARK_TERMINALS, PATTERNS
    finally:
        sys.path.pop(0)
    extra = [
        (r"[0-9]+(\.[0-9]+)?", 0),
        (r"[a-z]{0,30}", 0),
        (r"[0-9]{0,40}", 0),
        (r"(?:[a-z]{3}|[0-9]{2,20}){1,3}", 0),
        (r"[\u4e00-\u9fff]{5,12}", 0),
        (r"(a|bb|[xyz]{2,3}|(?:q|r)+){2,9}", 0),
        (r"(?:ab|c){0,1}x?(?:y|z)", 0),
    ]
    return [*PATTERNS, *((p, f) for _, p, f in LARK_TERMINALS), *extra]


PATTERNS = _patterns()


def test_regex_source_makes_the_calls_of_the_closures() -> None:
    for pattern, flags in PATTERNS:
        s = RegexSampler(pattern, flags)
        ref = _closure_function(s._tree, s._ngroups)
        for seed in range(60):
            r1, r2 = random.Random(seed), random.Random(seed)
            calls1: list[int] = []
            calls2: list[int] = []

            def b1(n: int, r: random.Random = r1, c: list[int] = calls1) -> int:
                c.append(n)
                return int(r.random() * n)

            def b2(n: int, r: random.Random = r2, c: list[int] = calls2) -> int:
                c.append(n)
                return int(r.random() * n)

            if s.checked:
                assert s.sample(b1) == s.sample(b2)
                continue
            assert (ref(b1), calls1) == (s.function(b2), calls2), (pattern, seed)


def test_regex_source_drawing_from_random_is_below() -> None:
    written = 0
    for pattern, flags in PATTERNS:
        s = RegexSampler(pattern, flags)
        lines = s.source(_draw, "_", "_t", 1)
        if lines is None:
            assert s.checked
            continue
        written += 1
        ns: dict[str, object] = {}
        exec("def f(R):\n" + "\n".join(lines) + "\n    return _t", ns)
        f: Callable[[Callable[[], float]], str] = ns["f"]  # type: ignore[assignment]
        for seed in range(60):
            r1, r2 = random.Random(seed), random.Random(seed)
            assert s.sample(lambda n, r=r1: int(r.random() * n)) == f(r2.random), pattern
            assert r1.random() == r2.random()
    assert written > 150
    assert below_call.below("7", 2) == "2 + below(7)"


def test_small_draws_compare_with_exact_thresholds() -> None:
    rng = random.Random(3)
    for n in range(1, 12):
        for add in (0, 1, 5):
            f = eval("lambda R: " + _draw.below(str(n), add))
            us = [rng.random() for _ in range(2000)] + [0.0, 1.0 - 2.0**-53]
            for k in range(1, n):
                lo = hi = _threshold(k, n)
                for _ in range(4):
                    us += [lo, hi]
                    lo, hi = math.nextafter(lo, 0.0), math.nextafter(hi, 1.0)
            for u in us:
                assert f(lambda u=u: u) == add + int(u * n), (n, add, u)


def test_generated_source_stays_within_pythons_limits() -> None:
    deep = "(" * 30 + "a|b" + ")" * 30
    s = RegexSampler(f"(?:{deep}[0-9]{{2,40}}){{1,5}}")
    assert s.function(lambda n: n - 1)
    # repetitions nested 30 deep: loops that deep cannot all be written inline
    nested = "".join(f'("{chr(97 + i % 26)}" ' for i in range(30)) + '"z"' + ")*" * 30
    g = Grammar.from_string(f"start: {nested} NUMBER\n%import common.NUMBER\n")
    s2 = Sampler(g, roundtrip=False, max_size=400)
    _compare(s2, 400, 30, seed=1)
    assert "for _ in range" in _Compiler(s2.engine).write(s2.start)


# ------------------------------------------------------------------------------- coverage


def _reference_items(cov: Coverage, d: Derivation) -> Counter[Item]:
    """Coverage.items_of as it was: a walk of the rebuilt tree."""
    out: Counter[Item] = Counter()
    syms = cov.grammar.symbols
    tree = cov.engine.tree(d)
    stack: list[tuple[object, tuple[int, ...]]] = [(tree, ())]
    while stack:
        node, chain = stack.pop()
        sym = node.sym  # type: ignore[attr-defined]
        s = syms[sym]
        if cov._named(sym):
            chain = (*chain, sym)
            for k in cov.k:
                if len(chain) >= k:
                    out["kpath", k, chain[-k:]] += 1
        if s.kind is Kind.RULE:
            out["alt", sym, node.choice] += 1  # type: ignore[attr-defined]
        elif s.kind is Kind.OPT:
            out["opt", sym, node.choice] += 1  # type: ignore[attr-defined]
        elif s.kind is Kind.REP:
            c = node.choice  # type: ignore[attr-defined]
            out["rep", sym, "0" if c == 0 else "1" if c == 1 else "many"] += 1
        else:
            out["term", sym] += 1
            gen = cov.engine.terminals.get(sym)
            if gen is not None and gen.literals:
                out["lit", sym, d.tokens[node.token][1]] += 1  # type: ignore[attr-defined]
        stack.extend((c, chain) for c in node.children)  # type: ignore[attr-defined]
    return out


def _reference_distances(cov: Coverage) -> tuple[list[int], list[list[int]]]:
    """CoverageChooser.refresh as it was: a fixpoint over every symbol."""
    syms = cov.grammar.symbols
    hits = cov.hits
    a = cov.sampler.analysis
    mins = a.min_size
    inf = 1 << 60
    dist = [inf] * len(syms)
    alt_dist = [[inf] * len(s.alts) for s in syms]
    changed = True
    while changed:
        changed = False
        for s in syms:
            sid = s.id
            best = dist[sid]
            if s.kind is Kind.RULE:
                for alt, extra in zip(s.alts, a.alt_extra[sid], strict=True):
                    if extra >= inf:
                        continue
                    base = mins[sid] + extra
                    pairs = cov.alt_pairs.get((sid, alt.index), ())
                    if hits["alt", sid, alt.index] == 0 or any(hits[p] == 0 for p in pairs):
                        d = base
                    else:
                        d = inf
                        for i in alt.items:
                            if dist[i] < inf:
                                d = min(d, base - mins[i] + dist[i])
                    alt_dist[sid][alt.index] = d
                    best = min(best, d)
            elif s.kind is Kind.OPT:
                if mins[s.inner] < inf:
                    if hits["opt", sid, 1] == 0:
                        best = min(best, 1 + mins[s.inner])
                    if dist[s.inner] < inf:
                        best = min(best, 1 + dist[s.inner])
                if hits["opt", sid, 0] == 0:
                    best = min(best, 1)
            elif s.kind is Kind.REP:
                unit = mins[s.inner]
                if unit < inf:
                    for cls, n in (("0", 0), ("1", 1), ("many", 2)):
                        if n >= s.lo and (s.hi < 0 or n <= s.hi) and hits["rep", sid, cls] == 0:
                            best = min(best, 1 + n * unit)
                    if dist[s.inner] < inf:
                        best = min(best, 1 + max(s.lo - 1, 0) * unit + dist[s.inner])
            if best < dist[sid]:
                dist[sid] = best
                changed = True
    return dist, alt_dist


@pytest.mark.parametrize("name", ["arith", "json", "lark.lark", "optrep", "mixed", "zero"])
@pytest.mark.parametrize("k", [(), (2,), (2, 3)])
def test_coverage_items_and_distances_are_the_reference_ones(name: str, k: tuple[int, ...]) -> None:
    s = Sampler(GRAMMARS[name](), roundtrip=False)
    for seed in range(3):
        cov = Coverage(s, k=k)
        chooser = CoverageChooser(cov, random.Random(seed))
        other = RandomChooser(s.engine, random.Random(seed))
        for i in range(12):
            d = s.derive(chooser if i % 2 else other)
            assert cov.items_of(d) == _reference_items(cov, d)
            cov.add(d)
            chooser.refresh()
            assert (chooser._dist, chooser._alt_dist) == _reference_distances(cov)
