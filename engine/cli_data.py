"""The problem-set commands: generate, families, check, grade, overlap, contamination,
set-coverage, worksheet. Registered on the ``gramgen`` parser by :func:`add_commands`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["add_commands"]


def _levels(text: str) -> list[int]:
    try:
        out = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"levels are numbers like 1,2,3, got {text!r}") from None
    if not out or out[0] < 1:
        raise argparse.ArgumentTypeError(f"levels are numbers >= 1, got {text!r}")
    return out


def _fraction(name: str) -> Callable[[str], float]:
    def conv(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not 0 <= v < 1:
            raise argparse.ArgumentTypeError(f"{name} must be in [0, 1), got {v}")
        return v

    return conv


def _lexicon(text: str) -> tuple[str, str]:
    name, sep, spec = text.partition("=")
    name = name.strip()
    if not sep or not name or not spec:
        raise argparse.ArgumentTypeError(
            f"expected NAME=FILE (words.txt, table.csv:column or rows.jsonl:field), got {text!r}"
        )
    if not name.isidentifier():
        raise argparse.ArgumentTypeError(f"a lexicon name is a word like thing, got {name!r}")
    return name, spec


def _cmd_generate(args: argparse.Namespace) -> int:
    from .generate import GenerateOptions, generate, make_executor

    if args.shard_index >= args.num_shards:
        raise _usage(
            f"--shard-index {args.shard_index} must be below --num-shards {args.num_shards}"
        )
    if not args.out.strip():
        raise _usage("-o/--out is an empty path: name the output directory")
    if args.resume and args.overwrite:
        raise _usage(
            "--resume finishes the unfinished run in -o and --overwrite starts it again: "
            "give one of them"
        )
    if args.scheduler is not None and args.executor != "dask":
        raise _usage(
            f"--scheduler {args.scheduler} is the address of a dask scheduler: it needs "
            f"--executor dask (not {args.executor})"
        )
    if args.scheduler is not None and not args.scheduler.strip():
        raise _usage("--scheduler is empty: give the dask scheduler's address, or leave it out "
                     "for a local cluster")  # fmt: skip
    lexicons: dict[str, str] = {}
    for name, spec in args.lexicon:
        if name in lexicons:
            raise _usage(f"--lexicon {name} is given twice")
        lexicons[name] = spec
    opts = GenerateOptions(
        families=args.families or ["*"],
        per_level=args.n,
        levels=args.levels,
        seed=args.seed,
        unsolvable=args.unsolvable,
        test_fraction=args.test_fraction,
        near_dup=args.near_dup,
        verify=args.verify,
        fmt=args.format,
        num_shards=args.num_shards,
        shard_index=args.shard_index,
        lexicons=lexicons,
    )
    executor = None
    if args.executor == "dask":
        executor = make_executor("dask", args.workers, args.scheduler)
    elif args.executor == "serial":
        executor = make_executor("serial")
    try:
        report = generate(
            args.out,
            opts,
            executor=executor,
            workers=args.workers,
            resume=args.resume,
            overwrite=args.overwrite,
            progress=not args.quiet,
            review=args.review,
        )
    finally:
        if executor is not None:
            executor.shutdown()
    if not args.quiet:
        made = report.made
        rate = made / report.seconds if report.seconds else 0.0
        print(
            f"{made} verified problems from {len(report.streams)} family-level streams in "
            f"{report.seconds:.1f} s ({rate:,.0f}/s){' (resumed)' if report.resumed else ''}",
            file=sys.stderr,
        )
        for f in report.files:
            print(f"  {f}", file=sys.stderr)
    return 0


def _usage(message: str) -> Exception:
    from .errors import InvalidArgument

    return InvalidArgument(message)


def _cmd_families(args: argparse.Namespace) -> int:
    from .datasets import families_table

    rows = families_table(args.topic, args.acceptance)
    if args.topic and not rows:
        raise _usage(f"no families in topic {args.topic!r}")
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    topic = None
    for r in rows:
        if r["topic"] != topic:
            topic = r["topic"]
            print(f"\n{topic}")
        print(f"  {r['name']:<24} levels 1-{r['levels']}  {r['title']}")
        print(f"  {'':<24} e.g. {r['sample']}")
        if r["lexicons"]:
            print(f"  {'':<24} lexicons (--lexicon NAME=FILE): {', '.join(r['lexicons'])}")
        if "acceptance" in r:
            a = r["acceptance"]
            why = "; ".join(f"{reason} x{n}" for reason, n in a["reasons"])
            print(f"  {'':<24} acceptance {a['rate']:.0%} ({a['made']} made in {a['tries']} "
                  f"tries){': ' + why if why else ''}")  # fmt: skip
    print(f"\n{len(rows)} families")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .datasets import check_file

    report = check_file(args.file, family=args.family)
    for rid, problems in report.failures[: args.limit]:
        for p in problems:
            print(f"{rid}: {p}")
    if len(report.failures) > args.limit:
        print(f"... and {len(report.failures) - args.limit} more records with problems")
    for name in sorted(report.changed_grammars):
        print(f"note: family {name!r} has changed since some records were made", file=sys.stderr)
    bad = len(report.failures)
    print(f"{report.checked - bad}/{report.checked} records verify", file=sys.stderr)
    return 1 if bad else 0


def _cmd_grade(args: argparse.Namespace) -> int:
    from .datasets import find_record, grade_file, grade_record
    from .errors import InvalidArgument

    if args.answer is not None:
        if args.id is None:
            raise _usage("--answer needs --id naming the record")
        found = find_record(args.file, args.id)
        if found is None:
            raise _usage(f"no record with id {args.id!r} in {args.file}")
        where, rec = found
        try:
            check = grade_record(rec, args.answer)
        except InvalidArgument as err:
            raise _usage(f"{where}: {err}") from None
        print(f"{check.verdict.name.lower()}: {check.reason}")
        return 0 if check.ok else 1
    if args.answers is None:
        raise _usage("give a file of answers, or --id and --answer")
    correct, total, rows = grade_file(args.file, args.answers)
    if args.format == "jsonl":
        for row in rows:
            print(json.dumps(row))
    print(f"{correct}/{total} correct ({100 * correct / max(total, 1):.1f}%)", file=sys.stderr)
    return 0


def _cmd_overlap(args: argparse.Namespace) -> int:
    from .datasets import overlap, overlap_sides

    first, second = overlap_sides(args.files, train=args.train, test=args.test)
    got = overlap(first, second)
    print(json.dumps(got, indent=2))
    for f in got["empty_files"]:
        print(f"note: {f} holds no records", file=sys.stderr)
    return 1 if got["shared_structures"] or got["shared_questions"] else 0


def _cmd_contamination(args: argparse.Namespace) -> int:
    from .datasets import contamination

    seen, flagged = contamination(args.file, args.reference, n=args.n, threshold=args.threshold)
    for row in flagged:
        print(json.dumps(row))
    print(
        f"{len(flagged)}/{seen} records share at least {args.threshold:.0%} of their "
        f"{args.n}-grams with {args.reference}",
        file=sys.stderr,
    )
    return 1 if flagged else 0


def _cmd_worksheet(args: argparse.Namespace) -> int:
    from .datasets import worksheet, worksheet_pdf

    if args.output is None and args.pdf is None:
        raise _usage("give -o OUT.html (or .md) and/or --pdf OUT.pdf")
    if args.font is not None and args.pdf is None:
        raise _usage("--font sets the font of the PDF: give --pdf OUT.pdf too")
    for out in (args.output, args.pdf):
        if out is None:
            continue
        if out == args.pdf:
            n = worksheet_pdf(
                args.file, out, n=args.n, seed=args.seed, title=args.title, font=args.font
            )
        else:
            n = worksheet(args.file, out, n=args.n, seed=args.seed, title=args.title)
        print(f"{n} problems and their answers written to {out}", file=sys.stderr)
    return 0


def _cmd_set_coverage(args: argparse.Namespace) -> int:
    from .datasets import set_coverage

    cov = set_coverage(args.files, families=args.family, levels=args.levels)
    if args.format == "json":
        print(json.dumps(cov.to_json(), indent=2))
    else:
        print(cov.text())
    for name in sorted(cov.changed):
        print(f"note: family {name!r} has changed since some records were made", file=sys.stderr)
    for f in cov.empty:
        print(f"note: {f} holds no records", file=sys.stderr)
    pct = cov.percent()
    if args.fail_under is not None and pct < args.fail_under:
        print(
            f"gramgen: alternative coverage {pct:.1f}% is under --fail-under {args.fail_under}",
            file=sys.stderr,
        )
        return 1
    return 0


def _percent(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--fail-under must be a number, got {text!r}") from None
    if not 0 <= v <= 100:
        raise argparse.ArgumentTypeError(f"--fail-under is a percentage in 0..100, got {v}")
    return v


def _cores() -> int:
    """The cores this process may run on (the default number of workers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on every platform)
        return os.cpu_count() or 1


def add_commands(sub: Any, positive: Callable[..., Any]) -> None:
    """Add the problem-set commands to the ``gramgen`` subparsers."""
    g = sub.add_parser(
        "generate",
        help="generate a verified problem set from the bundled families",
        description="Exactly -n verified problems per family and difficulty level. The output "
        "is the same for any number of workers or shards.",
    )
    g.add_argument(
        "families",
        nargs="*",
        metavar="FAMILY",
        help="family names, topics, globs (frac*) or .lark paths (default: all)",
    )
    g.add_argument("-n", type=positive("-n"), default=10, help="problems per family and level")
    g.add_argument("--levels", type=_levels, help="difficulty levels, e.g. 1,2 (default: all)")
    g.add_argument("--seed", type=positive("--seed", 0), default=0)
    g.add_argument("-o", "--out", default="problems", help="output directory (default problems)")
    g.add_argument("--format", choices=["jsonl", "parquet"], default="jsonl")
    g.add_argument(
        "--workers",
        type=positive("--workers"),
        default=_cores(),
        help="worker processes (default: the cores this process may use, %(default)s); the "
        "output is the same for any number",
    )
    g.add_argument("--executor", choices=["process", "serial", "dask"], default="process")
    g.add_argument(
        "--scheduler",
        help="address of a dask scheduler, with --executor dask (default: a local cluster)",
    )
    g.add_argument("--num-shards", type=positive("--num-shards"), default=1)
    g.add_argument("--shard-index", type=positive("--shard-index", 0), default=0)
    g.add_argument(
        "--unsolvable",
        type=_fraction("--unsolvable"),
        default=0.0,
        help="share of 'not enough information' items (labelled)",
    )
    g.add_argument(
        "--test-fraction",
        type=_fraction("--test-fraction"),
        default=0.0,
        help="share of derivation structures held out as the test split",
    )
    g.add_argument(
        "--near-dup",
        type=_fraction("--near-dup"),
        metavar="JACCARD",
        help="also drop near duplicates above this similarity (needs datasketch)",
    )
    g.add_argument(
        "--verify",
        choices=["coverage", "full"],
        default="coverage",
        help="full check on each new phrasing (default) or on every problem",
    )
    g.add_argument(
        "--review",
        type=positive("--review", 0),
        default=0,
        help="write review.md with this many records to spot-check",
    )
    g.add_argument(
        "--lexicon",
        metavar="NAME=FILE",
        type=_lexicon,
        action="append",
        default=[],
        help="replace lexicon NAME in the families that use it with the entries of FILE: "
        "words.txt (one a line), table.csv:column or rows.jsonl:field (repeat for several)",
    )
    g.add_argument("--resume", action="store_true", help="finish an interrupted run")
    g.add_argument(
        "--overwrite",
        action="store_true",
        help="start again, replacing this shard's run; once it is written, remove the files "
        "other runs left in --out",
    )
    g.add_argument("-q", "--quiet", action="store_true")
    g.set_defaults(func=_cmd_generate)

    f = sub.add_parser("families", help="list the problem families with a sample each")
    f.add_argument("--topic")
    f.add_argument("--format", choices=["text", "json"], default="text")
    f.add_argument(
        "--acceptance",
        type=positive("--acceptance"),
        default=0,
        metavar="N",
        help="make N candidates per level of each family and report the share of tries "
        "that made a problem, with the commonest reasons for the rest",
    )
    f.set_defaults(func=_cmd_families)

    c = sub.add_parser("check", help="re-verify every record of a problem file independently")
    c.add_argument("file")
    c.add_argument("--family", help="family of every record (default: each record's own)")
    c.add_argument("--limit", type=positive("--limit"), default=50)
    c.set_defaults(func=_cmd_check)

    gr = sub.add_parser("grade", help="grade answers (e.g. a model's) against a problem file")
    gr.add_argument("file", help="the problem file")
    gr.add_argument("answers", nargs="?", help="JSONL of {id, answer|response}")
    gr.add_argument("--id", help="grade one record ...")
    gr.add_argument("--answer", help="... against this answer text")
    gr.add_argument("--format", choices=["summary", "jsonl"], default="summary")
    gr.set_defaults(func=_cmd_grade)

    o = sub.add_parser(
        "overlap",
        help="shared structures and questions of two splits",
        description="Records of the second side whose question is in the first, and "
        "derivation structures the two share (exit 1 if any). The sides: two files; a "
        "run's directory (its train-* against its test-* files); files named train-* and "
        "test-* (out/train-*.parquet out/test-*.parquet); or --train FILE... --test FILE...",
    )
    o.add_argument(
        "files", nargs="*", metavar="FILE", help="two files, a directory, or train-*/test-* files"
    )
    o.add_argument("--train", nargs="+", default=[], metavar="FILE", help="the first side")
    o.add_argument("--test", nargs="+", default=[], metavar="FILE", help="the second side")
    o.set_defaults(func=_cmd_overlap)

    ct = sub.add_parser("contamination", help="records sharing n-grams with a reference file")
    ct.add_argument("file")
    ct.add_argument("--reference", required=True)
    ct.add_argument("--n", type=positive("--n", 3), default=8)
    ct.add_argument("--threshold", type=float, default=0.5)
    ct.set_defaults(func=_cmd_contamination)

    w = sub.add_parser("worksheet", help="a printable worksheet with an answer key")
    w.add_argument("file")
    w.add_argument("-o", "--output", help="a .html or .md file")
    w.add_argument(
        "--pdf", metavar="OUT.pdf", help="also (or only) a PDF file (needs gramgen[pdf])"
    )
    w.add_argument(
        "--font",
        metavar="FONT.ttf",
        help="a TrueType font for the PDF, for full Unicode (default Helvetica, Latin-1)",
    )
    w.add_argument("-n", type=positive("-n"), default=20)
    w.add_argument("--seed", type=positive("--seed", 0), default=0)
    w.add_argument("--title", default="Worksheet")
    w.set_defaults(func=_cmd_worksheet)

    sc = sub.add_parser(
        "set-coverage",
        aliases=["coverage-set"],
        help="which grammar alternatives the records of a problem set exercise",
        description="Replays each record's derivation (provenance: family, difficulty, path) "
        "on its family's grammar and reports the alternatives, optionals and repetitions "
        "covered per topic and family, with the source line:column of each one missing.",
    )
    sc.add_argument("files", nargs="+", metavar="FILE", help="JSONL or Parquet problem files")
    sc.add_argument(
        "--family",
        action="append",
        default=[],
        metavar="FAMILY",
        help="the grammar (.lark path or name) of a family that is not bundled (repeat)",
    )
    sc.add_argument(
        "--levels", type=_levels, help="count only what these levels reach (default: all)"
    )
    sc.add_argument("--format", choices=["text", "json"], default="text")
    sc.add_argument(
        "--fail-under",
        type=_percent,
        metavar="PCT",
        help="exit 1 if under PCT%% of the alternatives are covered",
    )
    sc.set_defaults(func=_cmd_set_coverage)
