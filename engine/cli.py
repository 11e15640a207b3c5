"""The ``gramgen`` command line.

Every command takes a grammar (a ``.lark`` path or a bundled grammar's name)
and Lark's options; errors print one line naming the file, line, column and
rule where they are known, and exit with status 2 (1 for findings or failed
checks). Output files are written atomically: all or nothing.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from . import __version__
from .analysis import INF, Analysis
from .counting import count, counts, enumerate_derivations, uniform_derivation
from .derive import item_seed
from .errors import GramgenError, InvalidArgument
from .grammar import Grammar, bundled_grammars
from .lint import lint
from .sample import Sampler

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse prints usage and exits 2
        self.print_usage(sys.stderr)
        self.exit(2, f"gramgen: error: {message}\n")


def _positive(name: str, lo: int = 1) -> Callable[[str], int]:
    def conv(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an integer, got {text!r}") from None
        if v < lo:
            raise argparse.ArgumentTypeError(f"{name} must be >= {lo}, got {v}")
        return v

    return conv


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def _grammar_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("grammar", help="a .lark file, or the name of a bundled grammar")
    p.add_argument(
        "--start",
        help="start rule, or several separated by commas (default: start; for a family "
        "grammar, its level1..levelN rules)",
    )
    p.add_argument("--parser", choices=["earley", "lalr"], default=None, help="Lark parser")
    p.add_argument(
        "--lexer",
        choices=["auto", "basic", "contextual", "dynamic", "dynamic_complete"],
        default="auto",
        help="Lark lexer",
    )
    p.add_argument(
        "--postlex",
        metavar="MODULE:CLASS",
        help="a Lark postlexer class to instantiate, or 'python' for Lark's PythonIndenter",
    )
    p.add_argument(
        "--lark-option",
        metavar="NAME=VALUE",
        type=_key_value,
        action="append",
        default=[],
        help="another Lark option (VALUE is JSON, or a plain string)",
    )
    p.add_argument(
        "--weight",
        metavar="ALT=W",
        type=_key_value,
        action="append",
        default=[],
        help="override an alternative's weight: rule#N, rule->alias or line:column",
    )


def _load_postlex(spec: str) -> Any:
    if spec == "python":
        from lark.indenter import PythonIndenter

        return PythonIndenter()
    mod_name, sep, cls_name = spec.partition(":")
    if not sep or not mod_name or not cls_name:
        raise InvalidArgument(f"--postlex must be MODULE:CLASS or 'python', got {spec!r}")
    try:
        mod = importlib.import_module(mod_name)
    except ImportError as err:
        raise InvalidArgument(f"--postlex: cannot import module {mod_name!r}: {err}") from None
    cls = getattr(mod, cls_name, None)
    if cls is None:
        raise InvalidArgument(f"--postlex: module {mod_name!r} has no {cls_name!r}")
    if not callable(cls):
        raise InvalidArgument(f"--postlex {spec}: {cls_name!r} is not a class")
    try:
        post = cls()
    except Exception as err:  # an abstract class, or one that needs arguments
        reason = " ".join(str(err).split()) or type(err).__name__
        raise InvalidArgument(f"--postlex {spec}: cannot make one: {reason}") from None
    if not callable(getattr(post, "process", None)) or not hasattr(post, "always_accept"):
        raise InvalidArgument(
            f"--postlex {spec}: not a Lark postlexer (it needs a process(stream) method "
            "and always_accept)"
        )
    return post


# Lark options whose values are Python objects, which a command line cannot give
_OBJECT_OPTIONS = {
    "postlex": "; use --postlex MODULE:CLASS",
    "transformer": "",
    "tree_class": "",
    "lexer_callbacks": "",
    "edit_terminals": "",
    "_plugins": "",
}


def _grammar(args: argparse.Namespace) -> Grammar:
    options: dict[str, Any] = {}
    for name, value in args.lark_option:
        if name in _OBJECT_OPTIONS:
            raise InvalidArgument(
                f"--lark-option {name}={value}: {name} takes a Python object, which the "
                f"command line cannot give{_OBJECT_OPTIONS[name]}"
            )
        try:
            options[name] = json.loads(value)
        except json.JSONDecodeError:
            options[name] = value
    if args.postlex:
        options["postlex"] = _load_postlex(args.postlex)
    parser = args.parser
    if parser is None:
        parser = "lalr" if args.postlex else "earley"
    if args.start:
        starts = [name.strip() for name in args.start.split(",") if name.strip()]
        options["start"] = starts if len(starts) > 1 else starts[0]
    elif Path(args.grammar).is_file():  # a family grammar: its levels are its start rules
        from .family import level_starts

        levels = level_starts(Path(args.grammar))
        if levels:
            options["start"] = levels
    keys = [k for k, _ in args.weight]
    again = next((k for k in keys if keys.count(k) > 1), None)
    if again is not None:
        raise InvalidArgument(f"--weight {again} is given more than once: give it one weight")
    try:
        weights = {k: float(v) for k, v in args.weight}
    except ValueError:
        bad = next(f"{k}={v}" for k, v in args.weight if not _is_float(v))
        raise InvalidArgument(f"--weight {bad}: the weight must be a number") from None
    try:
        return Grammar.open(
            args.grammar, parser=parser, lexer=args.lexer, weights=weights, **options
        )
    except TypeError as err:  # an unknown Lark option
        raise InvalidArgument(f"bad Lark option: {err}") from None


def _is_float(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


@contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or a file written atomically (a temporary file renamed on success)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    target = Path(path)
    _check_writable(path, target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as err:
        raise InvalidArgument(f"cannot write {path!r}: {err.strerror}") from None
    ok = False
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            yield f
        try:
            os.replace(tmp, target)
        except OSError as err:  # made a directory meanwhile, or not ours to replace
            raise InvalidArgument(f"cannot write {path!r}: {err.strerror}") from None
        ok = True
    finally:
        if not ok and os.path.exists(tmp):
            os.unlink(tmp)


def _check_writable(path: str, target: Path) -> None:
    """Refuse an output path that names a directory, or whose parent is not one."""
    from .generate import file_in_the_way

    if target.is_dir():
        raise InvalidArgument(f"cannot write {path!r}: it is a directory")
    parent = target.parent
    if parent.is_dir():
        return
    above = file_in_the_way(target)
    if above is not None:
        raise InvalidArgument(f"cannot write {path!r}: {str(above)!r} is not a directory")
    raise InvalidArgument(f"cannot write {path!r}: directory {str(parent)!r} does not exist")


# -- commands --------------------------------------------------------------------------


def _cmd_sample(args: argparse.Namespace) -> int:
    g = _grammar(args)
    declared: dict[str, list[str]] = {}
    for k, v in args.declare:
        declared.setdefault(k, []).append(v)
    sampler = Sampler(
        g,
        max_size=args.max_size,
        roundtrip=not args.no_roundtrip,
        alphabet=args.alphabet,
        declared=declared or None,
        damping=args.damping,
        spacing=args.spacing,
    )
    if sampler.roundtrip:
        _check_roundtrip(sampler)

    def records() -> Iterator[dict[str, Any]]:
        n = 10 if args.n is None else args.n
        if args.mode == "random":
            for s in sampler.sample(n, seed=args.seed):
                yield s.to_record()
            return
        if args.mode == "enumerate":
            gen = enumerate_derivations(sampler, max_size=args.max_size or 12, limit=args.n)
            for i, d in enumerate(gen):
                yield _derivation_record(sampler, d, i, None)
            return
        size = args.size
        if size is None:
            raise InvalidArgument("--mode uniform needs --size N (derivation size in nodes)")
        for i in range(n):
            seed_i = item_seed(args.seed, i)
            d = uniform_derivation(sampler, size, random.Random(seed_i))
            yield _derivation_record(sampler, d, i, seed_i)

    with _output(args.output) as out:
        for rec in records():
            if args.format == "jsonl":
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            else:
                out.write(str(rec["text"]) + args.separator)
    st = sampler.stats
    if st.failures and not args.quiet:
        top = "; ".join(f"{n}x {r}" for r, n in st.failures.most_common(3))
        print(
            f"gramgen: {sum(st.failures.values())} of {st.derivations} derivations did not "
            f"re-parse and were regenerated ({top})",
            file=sys.stderr,
        )
    return 0


def _check_roundtrip(sampler: Sampler) -> None:
    """Before sampling: refuse a round trip that no text with a reachable terminal passes."""
    reach = sampler.analysis.reachable_from(sampler.start)
    sampler.renderer.check_readable(s for s in sampler.renderer.unreadable if reach[s])


def _derivation_record(sampler: Sampler, d: Any, index: int, seed: int | None) -> dict[str, Any]:
    text, _repaired, reason = sampler.render(d)
    rec: dict[str, Any] = {"index": index, "seed": seed, "size": d.size, "path": d.path}
    if text is None:  # enumeration and uniform sampling keep every derivation: say so
        text = sampler.renderer.join(d.tokens)
        rec["reparse_failure"] = reason
    return {"text": text, **rec}


def _cmd_lint(args: argparse.Namespace) -> int:
    g = _grammar(args)
    findings = lint(g)
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    if args.format == "json":
        print(json.dumps([f.to_json() for f in findings], indent=2))
    else:
        for f in findings:
            print(f)
        print(f"{len(errors)} error(s), {len(warnings)} warning(s)", file=sys.stderr)
    if errors or (args.strict and warnings):
        return 1
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    g = _grammar(args)
    sampler = Sampler(g, max_size=args.max_size, roundtrip=False, damping=args.damping)
    a: Analysis = sampler.analysis
    crit = a.criticality()
    damped = a.criticality(sampler.damping)
    sizes = a.expected_sizes(sampler.damping) or {}
    by_size = counts(sampler, args.count_to)
    rules = []
    for name in g.rule_names():
        sid = g.rule_symbol(name)
        rules.append(
            {
                "rule": name,
                "reachable": a.reachable[sid],
                "min_size": a.min_size[sid] if a.min_size[sid] < INF else None,
                "expected_size": round(sizes[sid], 2) if sid in sizes else None,
            }
        )
    report = {
        "grammar": g.source,
        "start": sampler.start_name,
        "max_size": sampler.max_size,
        "spectral_radius": round(crit.spectral_radius, 4),
        "supercritical": crit.supercritical,
        "damping": round(sampler.damping, 4),
        "expected_size": None
        if damped.expected_size == float("inf")
        else round(damped.expected_size, 2),
        "counts_by_size": by_size,
        "rules": rules,
    }
    if args.format == "json":
        print(json.dumps(report, indent=2))
        return 0
    print(f"grammar         {g.source}")
    print(f"start           {sampler.start_name}   (max size {sampler.max_size} nodes)")
    state = "supercritical" if crit.supercritical else "subcritical"
    print(f"branching       spectral radius {crit.spectral_radius:.3f} ({state})")
    if sampler.damping < 1:
        print(f"damping         {sampler.damping:.3f} applied to unwritten weights")
    exp = report["expected_size"]
    print(f"expected size   {exp if exp is not None else 'unbounded'} nodes")
    print("counts by size  " + " ".join(f"{n}:{c}" for n, c in enumerate(by_size) if c))
    print()
    print(f"{'rule':<32} {'min':>6} {'expected':>10}  reachable")
    for r in rules:
        mn = r["min_size"] if r["min_size"] is not None else "never"
        ex = r["expected_size"] if r["expected_size"] is not None else "-"
        print(f"{r['rule']:<32} {mn!s:>6} {ex!s:>10}  {'yes' if r['reachable'] else 'NO'}")
    return 0


def _cmd_coverage(args: argparse.Namespace) -> int:
    from . import coverage

    if args.k is None:
        args.k = [2, 3]
    if args.html is not None:
        from .coverage_html import check_target

        check_target(args.html)  # before sampling, which may take a while
    g = _grammar(args)
    sampler = Sampler(g, max_size=args.max_size)
    if args.corpus:
        cov, failed = coverage.corpus(sampler, coverage.read_corpus(args.corpus), k=args.k)
        for where, why in failed[:20]:
            print(f"{where}: does not parse: {why}", file=sys.stderr)
        if failed:
            print(f"gramgen: {len(failed)} input(s) of the corpus do not parse", file=sys.stderr)
    else:
        _check_roundtrip(sampler)
        cov = coverage.run(
            sampler,
            args.n,
            seed=args.seed,
            guided=args.guided,
            stop_when_full=args.stop_when_full,
            k=args.k,
        )
    if args.format == "json":
        print(json.dumps(coverage.report_json(cov), indent=2))
    else:
        print(coverage.report_text(cov))
    if args.html is not None:
        from .coverage_html import write_html

        index = write_html([cov], args.html)
        print(f"gramgen: HTML coverage report: {index}", file=sys.stderr)
    pct = cov.percent(("alt",))
    if args.fail_under is not None and pct < args.fail_under:
        print(
            f"gramgen: alternative coverage {pct:.1f}% is under --fail-under {args.fail_under}",
            file=sys.stderr,
        )
        return 1
    return 0


def _cmd_count(args: argparse.Namespace) -> int:
    g = _grammar(args)
    sampler = Sampler(g, roundtrip=False)
    print(count(sampler, args.size))
    return 0


def _cmd_grammars(args: argparse.Namespace) -> int:
    for name in bundled_grammars():
        print(name)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gramgen", description="Generate text from Lark grammars.")
    p.add_argument("--version", action="version", version=f"gramgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("sample", help="sample texts from a grammar")
    _grammar_options(s)
    s.add_argument(
        "-n",
        type=_positive("-n", 0),
        help="how many samples (default 10; --mode enumerate: every derivation)",
    )
    s.add_argument("--seed", type=_positive("--seed", 0), default=0, help="root seed (default 0)")
    s.add_argument("--format", choices=["text", "jsonl"], default="text")
    s.add_argument("--separator", default="\n", help="written after each text (text format)")
    s.add_argument("--max-size", type=_positive("--max-size"), help="size budget in tree nodes")
    s.add_argument("--damping", type=float, help="damping of unwritten weights, in (0, 1]")
    s.add_argument(
        "--mode",
        choices=["random", "uniform", "enumerate"],
        default="random",
        help="weighted random (default), uniform among derivations of --size, "
        "or every derivation in order of size up to --max-size",
    )
    s.add_argument("--size", type=_positive("--size"), help="derivation size for --mode uniform")
    s.add_argument("--alphabet", help="characters regex terminals may use")
    s.add_argument(
        "--spacing",
        choices=["minimal", "always", "prose"],
        default="minimal",
        help="separators only where needed (default), between all tokens, or as prose",
    )
    s.add_argument(
        "--declare",
        metavar="TERMINAL=TEXT",
        type=_key_value,
        action="append",
        default=[],
        help="a text for a %%declare'd terminal (repeat for several)",
    )
    s.add_argument("--no-roundtrip", action="store_true", help="skip the re-parse check")
    s.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    s.add_argument("-q", "--quiet", action="store_true")
    s.set_defaults(func=_cmd_sample)

    li = sub.add_parser("lint", help="check a grammar: unreachable, unproductive, explosive rules")
    _grammar_options(li)
    li.add_argument("--format", choices=["text", "json"], default="text")
    li.add_argument("--strict", action="store_true", help="fail on warnings too")
    li.set_defaults(func=_cmd_lint)

    st = sub.add_parser("stats", help="sizes, expected size and counts of derivations by size")
    _grammar_options(st)
    st.add_argument("--format", choices=["text", "json"], default="text")
    st.add_argument("--max-size", type=_positive("--max-size"))
    st.add_argument("--damping", type=float)
    st.add_argument("--count-to", type=_positive("--count-to"), default=20)
    st.set_defaults(func=_cmd_stats)

    cv = sub.add_parser("coverage", help="which productions a sample exercises")
    _grammar_options(cv)
    cv.add_argument("-n", type=_positive("-n"), default=100, help="samples (default 100)")
    cv.add_argument("--seed", type=_positive("--seed", 0), default=0)
    cv.add_argument("--guided", action="store_true", help="steer toward uncovered productions")
    cv.add_argument(
        "--stop-when-full", action="store_true", help="stop once every alternative is covered"
    )
    cv.add_argument(
        "--k", type=_positive("--k"), action="append", help="k-path lengths (default 2 and 3)"
    )
    cv.add_argument("--max-size", type=_positive("--max-size"))
    cv.add_argument(
        "--corpus",
        metavar="PATH",
        help="coverage of existing inputs instead of samples: a text file (one input a "
        "line), a .jsonl file of records with 'text', or a directory (one input a file)",
    )
    cv.add_argument("--format", choices=["text", "json"], default="text")
    cv.add_argument(
        "--html",
        metavar="DIR",
        help="also write an HTML report of the grammar source here (replaces an earlier one)",
    )
    cv.add_argument(
        "--fail-under", type=float, metavar="PCT", help="exit 1 under this alternative coverage"
    )
    cv.set_defaults(func=_cmd_coverage)

    c = sub.add_parser("count", help="the exact number of derivations of a given size")
    _grammar_options(c)
    c.add_argument("--size", type=_positive("--size"), required=True)
    c.set_defaults(func=_cmd_count)

    gl = sub.add_parser("grammars", help="list the bundled grammars")
    gl.set_defaults(func=_cmd_grammars)

    from .cli_data import add_commands

    add_commands(sub, _positive)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
        return result
    except GramgenError as err:
        print(f"gramgen: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("gramgen: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
