"""The command line: output, exit codes and clear one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import lark
import pytest

from gramgen.cli import main

LARK_GRAMMARS = Path(lark.__file__).parent / "grammars"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sample_text_and_jsonl(capsys) -> None:
    code, out, _ = run(capsys, "sample", "arith", "-n", "5", "--seed", "3")
    assert code == 0
    assert len(out.splitlines()) == 5
    code, out, _ = run(capsys, "sample", "json", "-n", "4", "--seed", "3", "--format", "jsonl")
    recs = [json.loads(line) for line in out.splitlines()]
    assert [r["index"] for r in recs] == [0, 1, 2, 3]
    assert all({"text", "seed", "size", "path"} <= r.keys() for r in recs)


def test_sample_is_deterministic_across_invocations(capsys) -> None:
    a = run(capsys, "sample", "json", "-n", "20", "--seed", "8")[1]
    b = run(capsys, "sample", "json", "-n", "20", "--seed", "8")[1]
    assert a == b


def test_sample_python_grammar_with_indenter(capsys) -> None:
    code, out, _ = run(
        capsys,
        "sample",
        str(LARK_GRAMMARS / "python.lark"),
        "--start",
        "file_input",
        "--postlex",
        "python",
        "-n",
        "5",
        "--format",
        "jsonl",
        "--max-size",
        "150",
    )
    assert code == 0
    assert len(out.splitlines()) == 5


def test_enumerate_and_uniform_modes(capsys) -> None:
    code, out, _ = run(
        capsys, "sample", "json", "--mode", "enumerate", "--max-size", "5", "-n", "100"
    )
    assert code == 0
    assert out.split() == ["0", "true", "false", "null", '""']
    code, out, _ = run(capsys, "sample", "json", "--mode", "uniform", "--size", "10", "-n", "5")
    assert code == 0 and len(out.splitlines()) == 5
    code, _, err = run(capsys, "sample", "json", "--mode", "uniform", "-n", "5")
    assert code == 2 and "--size" in err


def test_output_file_is_written_whole(capsys, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    code, out, _ = run(capsys, "sample", "json", "-n", "10", "--format", "jsonl", "-o", str(target))
    assert code == 0 and out == ""
    assert len(target.read_text().splitlines()) == 10
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_lint_reports_locations_and_fails_on_errors(capsys, tmp_path: Path) -> None:
    g = tmp_path / "g.lark"
    g.write_text('start: a | "x"\na: "y" a\nlost: "z"\n')
    code, out, _ = run(capsys, "lint", str(g))
    assert code == 1
    assert f"{g}:2:1: error: rule 'a' can never finish" in out
    assert f"{g}:3:1: warning: rule 'lost' is never used" in out
    code, out, _ = run(capsys, "lint", "json", "--format", "json")
    assert code == 0 and json.loads(out) == []


def test_lint_takes_a_family_grammars_levels_as_its_start_rules(capsys, tmp_path: Path) -> None:
    from gramgen.family import bundled_families

    code, out, err = run(capsys, "lint", str(bundled_families()["ages"]))
    assert code == 0 and "0 error(s), 0 warning(s)" in err
    # a family may call a sentence "start": its levels are still where it starts
    code, out, err = run(capsys, "lint", str(bundled_families()["geometric_growth"]))
    assert code == 0 and "0 error(s), 0 warning(s)" in err, out
    g = tmp_path / "levels.lark"
    g.write_text('level1: "a" b\nlevel2: "a" b b\nb: "b" | c\nc: "c" c\n%ignore " "\n')
    code, out, _ = run(capsys, "lint", str(g))
    assert code == 1 and f"{g}:4:1: error: rule 'c' can never finish" in out
    code, out, _ = run(capsys, "sample", str(g), "--start", "level2", "-n", "3", "--seed", "1")
    assert code == 0 and out.split() == ["abb"] * 3  # minimal spacing: none needed


def test_stats_reports_sizes_and_counts(capsys) -> None:
    code, out, _ = run(capsys, "stats", "json", "--format", "json", "--parser", "lalr")
    rep = json.loads(out)
    assert code == 0
    assert rep["counts_by_size"][:5] == [0, 0, 0, 4, 1]
    assert rep["supercritical"] is False
    code, out, _ = run(capsys, "stats", "arith")
    assert "expected size" in out and "counts by size" in out


def test_count(capsys) -> None:
    assert run(capsys, "count", "json", "--size", "3")[1].strip() == "4"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sample", "no-such-grammar"], "no grammar file or bundled grammar"),
        (["sample", "json", "-n", "x"], "-n must be an integer"),
        (["sample", "json", "--seed", "-1"], "--seed must be >= 0"),
        (["sample", "json", "--start", "nosuch"], "nosuch"),
        (["sample", "json", "--weight", "value#99=2"], "no such alternative"),
        (["sample", "json", "--weight", "value#1=heavy"], "must be a number"),
        (["sample", "json", "--postlex", "nomodule:X"], "cannot import module"),
        (["sample", "json", "--max-size", "1"], "below the smallest derivation"),
        (["sample", "json", "-o", "/no/such/dir/out.txt"], "does not exist"),
        (["sample", "json", "--lark-option", "nosuch_option=1"], "nosuch_option"),
    ],
)
def test_bad_input_gets_one_clear_line_and_no_traceback(
    capsys, argv: list[str], message: str
) -> None:
    code, _, err = (
        run(capsys, *argv) if argv[2:3] != ["-n"] and "--seed" not in argv else _exit(capsys, argv)
    )
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def _exit(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(argv)
    out, err = capsys.readouterr()
    return int(e.value.code or 0), out, err


def test_malformed_grammar_file_is_located(capsys, tmp_path: Path) -> None:
    g = tmp_path / "bad.lark"
    g.write_text('start: a\na: "x" b\n')
    code, _, err = run(capsys, "sample", str(g))
    assert code == 2
    assert f"{g}:2:8: rule 'a': Rule 'b' used but not defined" in err


def test_a_terminal_that_cannot_be_generated_is_located(capsys, tmp_path: Path) -> None:
    g = tmp_path / "re.lark"
    g.write_text("start: A+\nA: /a(?=b)/\n")
    code, _, err = run(capsys, "sample", str(g))
    assert code == 2
    assert f"{g}:2:1: terminal 'A': cannot generate text for this terminal" in err
    code, out, _ = run(capsys, "lint", str(g))
    assert code == 1
    assert f"{g}:2:1: error: cannot generate text" in out
