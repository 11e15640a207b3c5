"""``gramgen generate`` refusing what it cannot do right: damaged resume states,
directories holding other runs, bad options; and ``--overwrite`` leaving only the
new run. Each refusal is one line, exit 2, with nothing written or lost."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from conftest import Interrupting

import gramgen.generate as gen
from gramgen.cli import main
from gramgen.errors import GramgenError, InvalidArgument
from gramgen.generate import GenerateOptions, generate

FAM = "change_join"
STATE = "state-00000-of-00001.json"


def _files(out: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(out.iterdir())}


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("gramgen: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# -- 1. a damaged resume state ---------------------------------------------------------------

_OPTS = GenerateOptions([FAM], per_level=40, seed=3, unsolvable=0.1, test_fraction=0.3)


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A run stopped in its first stream, with a state to resume from."""
    out = tmp_path_factory.mktemp("interrupted")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gen, "CHUNK", 16)  # a few chunks per stream: stop after two
        with pytest.raises(GramgenError, match="--resume"):
            generate(out, _OPTS, executor=Interrupting(after=4))
    state = json.loads((out / STATE).read_text())
    assert state["stream"] == 0 and state["next_k"] > 0 and state["counts"]
    yield out


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(state: dict[str, Any]) -> None:
        at = state
        for key in path[:-1]:
            at = at[key]
        if value is _DELETE:
            del at[path[-1]]
        else:
            at[path[-1]] = value(at[path[-1]]) if callable(value) else value

    return edit


_DELETE = object()
_L1 = f"{FAM}/L1"

# (edit, what the message names)
DAMAGE = {
    "stream out of range": (_set(["stream"], 99), "field 'stream' is 99"),
    "counts missing": (_set(["counts"], _DELETE), "field 'counts' is missing"),
    "offsets missing": (_set(["offsets"], _DELETE), "field 'offsets' is missing"),
    "stream a string": (_set(["stream"], "0"), "field 'stream' is not an integer"),
    "next_k a bool": (_set(["next_k"], True), "field 'next_k' is not an integer"),
    "next_k negative": (_set(["next_k"], -16), "field 'next_k' is negative"),
    "an unknown field": (_set(["extra"], 1), "unknown field 'extra'"),
    "a file's offset missing": (_set(["offsets", "audit"], _DELETE), "field 'offsets' names"),
    "a family offset past the end": (
        _set(["family_offsets", "train"], lambda v: 10**9),
        "family_offsets['train']",
    ),
    "a stream not begun": (
        _set(
            ["counts", f"{FAM}/L3"],
            {"made": 0, "candidates": 0, "rejected": 0, "duplicates": 0, "test": 0},
        ),
        "counts has 'change_join/L3', not a stream begun",
    ),
    "made above the quota": (
        _set(
            ["counts", _L1],
            lambda c: {**c, "made": 400, "candidates": 400 + c["rejected"] + c["duplicates"]},
        ),
        "'made' is 400, but the stream (the current one) has a quota of 40",
    ),
    "counts that do not add up": (
        _set(["counts", _L1, "candidates"], lambda v: v + 1),
        "'candidates'",
    ),
    "a count missing": (_set(["counts", _L1, "test"], _DELETE), f"counts[{_L1!r}]"),
    "made not what the file holds": (
        _set(
            ["counts", _L1], lambda c: {**c, "made": c["made"] - 1, "rejected": c["rejected"] + 1}
        ),
        "lines up to offsets",
    ),
    "an offset inside a line": (_set(["offsets", "train"], lambda v: v - 5), "end of a line"),
    "an empty object": (lambda s: s.clear(), "field 'options' is missing"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_resume_state_is_refused_naming_the_field(
    damage: str, interrupted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    shutil.copytree(interrupted, out)
    edit, said = DAMAGE[damage]
    state = json.loads((out / STATE).read_text())
    edit(state)
    (out / STATE).write_text(json.dumps(state))
    before = _files(out)
    with pytest.raises(InvalidArgument, match="corrupt") as err:
        generate(out, _OPTS, workers=1, resume=True)
    assert said in str(err.value) and STATE in str(err.value)
    assert _files(out) == before  # nothing lost, nothing written
    # the command line says the same in one line
    argv = ["generate", FAM, "-n", "40", "--seed", "3", "--unsolvable", "0.1",
            "--test-fraction", "0.3", "-o", str(out), "--resume", "--workers", "1"]  # fmt: skip
    assert main(argv) == 2
    assert said in _one_line_error(capsys)


def test_an_undamaged_state_still_resumes(interrupted: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(interrupted, out)
    generate(out, _OPTS, workers=1, resume=True)
    whole = tmp_path / "whole"
    generate(whole, _OPTS, workers=1)
    assert _files(out).keys() == _files(whole).keys()
    for name, data in _files(whole).items():
        if not name.startswith("manifest"):  # (which holds the seconds taken)
            assert _files(out)[name] == data


def test_a_state_saved_as_the_run_began_resumes(tmp_path: Path) -> None:
    opts = GenerateOptions([FAM], per_level=3, seed=1, levels=[1])
    with pytest.raises(GramgenError, match="--resume"):
        generate(tmp_path, opts, executor=Interrupting(after=1))
    assert json.loads((tmp_path / STATE).read_text())["counts"] == {}
    generate(tmp_path, opts, workers=1, resume=True)
    assert len((tmp_path / "train-00000-of-00001.jsonl").read_text().splitlines()) == 3


# -- 2. --overwrite ----------------------------------------------------------------------------


def _cli(*argv: str) -> int:
    return main(["generate", *argv, "-q", "--workers", "1"])


def test_overwrite_removes_what_earlier_runs_left(tmp_path: Path) -> None:
    out = tmp_path / "sh"
    for i in range(2):
        shard = ["--num-shards", "2", "--shard-index", str(i)]
        assert _cli(FAM, "ages", "-n", "2", "--levels", "1", *shard, "--test-fraction", "0.3",
                    "--review", "3", "-o", str(out)) == 0  # fmt: skip
    (out / "notes.txt").write_text("mine")
    (out / "train-mine.jsonl").write_text("{}\n")  # not a name gramgen gives its files
    assert _cli(FAM, "-n", "1", "--levels", "1", "-o", str(out), "--overwrite") == 0
    assert sorted(f.name for f in out.iterdir()) == [
        "audit-00000-of-00001.jsonl",
        "manifest-00000-of-00001.json",
        "notes.txt",
        "train-00000-of-00001.jsonl",
        "train-mine.jsonl",
    ]
    # a split this shard no longer writes goes too
    assert _cli(FAM, "-n", "3", "--levels", "1", "--test-fraction", "0.5", "--review", "2",
                "-o", str(out), "--overwrite") == 0  # fmt: skip
    assert (out / "test-00000-of-00001.jsonl").exists() and (out / "review.md").exists()
    assert _cli(FAM, "-n", "3", "--levels", "1", "-o", str(out), "--overwrite") == 0
    assert not (out / "test-00000-of-00001.jsonl").exists() and not (out / "review.md").exists()


def test_overwrite_keeps_the_earlier_output_until_the_new_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = GenerateOptions([FAM], per_level=5, seed=1, levels=[1], test_fraction=0.3)
    generate(tmp_path, old, workers=1, review=2)
    earlier = _files(tmp_path)
    assert "test-00000-of-00001.jsonl" in earlier and "review.md" in earlier
    new = GenerateOptions([FAM], per_level=40, seed=2, levels=[1, 2])
    monkeypatch.setattr(gen, "CHUNK", 16)
    with pytest.raises(GramgenError, match="--resume"):
        generate(tmp_path, new, executor=Interrupting(after=4), overwrite=True)
    now = _files(tmp_path)
    assert all(now.get(name) == data for name, data in earlier.items())  # all still there
    assert "train-00000-of-00001.jsonl.partial" in now
    generate(tmp_path, new, workers=1, resume=True)  # the overwriting run, finished
    assert sorted(_files(tmp_path)) == [
        "audit-00000-of-00001.jsonl",
        "manifest-00000-of-00001.json",
        "train-00000-of-00001.jsonl",
    ]


def test_overwrite_keeps_other_shards_of_the_same_run(tmp_path: Path) -> None:
    opts = [GenerateOptions([FAM, "ages"], per_level=2, seed=1, levels=[1], num_shards=2,
                            shard_index=i) for i in range(2)]  # fmt: skip
    generate(tmp_path, opts[0], workers=1)
    generate(tmp_path, opts[1], workers=1)
    shard0 = {n: d for n, d in _files(tmp_path).items() if "00000-of" in n}
    generate(tmp_path, opts[1], workers=1, overwrite=True)
    assert {n: d for n, d in _files(tmp_path).items() if "00000-of" in n} == shard0


# -- 3. shards of another run ------------------------------------------------------------------


def test_shards_of_another_run_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "mix")
    assert _cli("ages", FAM, "--seed", "2", "-n", "2", "--num-shards", "2", "--shard-index", "1",
                "-o", out) == 0  # fmt: skip
    before = _files(tmp_path / "mix")
    assert _cli(FAM, "--seed", "9", "--levels", "1", "-n", "2", "--num-shards", "2",
                "--shard-index", "0", "-o", out) == 2  # fmt: skip
    err = _one_line_error(capsys)
    assert "manifest-00001-of-00002.json" in err and "--seed 2 there, 9 here" in err
    assert "--levels" in err and "families" in err and "--overwrite" in err
    assert _cli("ages", FAM, "--seed", "2", "-n", "2", "-o", out) == 2  # other shard count
    assert "run in 2 shards (--num-shards), not 1" in _one_line_error(capsys)
    assert _files(tmp_path / "mix") == before
    # the other shard of the same run is welcome, with other shards unfinished too
    assert _cli("ages", FAM, "--seed", "2", "-n", "2", "--num-shards", "2", "--shard-index", "0",
                "-o", out) == 0  # fmt: skip
    # and --overwrite replaces the other run
    assert _cli(FAM, "--seed", "9", "-n", "2", "--num-shards", "2", "--shard-index", "0",
                "-o", out, "--overwrite") == 0  # fmt: skip
    assert not (tmp_path / "mix" / "manifest-00001-of-00002.json").exists()


def test_an_unfinished_shard_of_another_run_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gen, "CHUNK", 16)
    one = GenerateOptions([FAM, "ages"], per_level=40, seed=1, levels=[1], num_shards=2)
    with pytest.raises(GramgenError, match="--resume"):
        generate(tmp_path, one, executor=Interrupting(after=4))
    other = GenerateOptions([FAM, "ages"], per_level=40, seed=1, levels=[2], num_shards=2,
                            shard_index=1)  # fmt: skip
    with pytest.raises(InvalidArgument, match=r"state-00000-of-00002.json: --levels \[1\] there"):
        generate(tmp_path, other, workers=1)
    # a state saved without the options (by an earlier version) is told by their hash
    state_path = tmp_path / "state-00000-of-00002.json"
    state = json.loads(state_path.read_text())
    del state["run"]
    state_path.write_text(json.dumps(state))
    with pytest.raises(InvalidArgument, match=r"state-00000-of-00002.json: other options"):
        generate(tmp_path, other, workers=1)
    same = GenerateOptions(**{**asdict(one), "shard_index": 1})
    generate(tmp_path, same, workers=1)
    generate(tmp_path, one, workers=1, resume=True)  # (the state is still good to resume)


# -- 4.-6. options ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2", "nan", "-0.1", "1"])
def test_near_dup_out_of_range_is_a_usage_error(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["generate", FAM, "--near-dup", value, "-o", str(tmp_path / "o")])
    assert exit_.value.code == 2
    assert "--near-dup must be in [0, 1)" in capsys.readouterr().err
    with pytest.raises(InvalidArgument, match="--near-dup"):
        generate(tmp_path / "o", GenerateOptions([FAM], near_dup=float(value)), workers=1)
    assert not (tmp_path / "o").exists()


def test_near_dup_too_close_to_one_for_minhash_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("datasketch")
    assert main(["generate", FAM, "--near-dup", "0.99", "-o", str(tmp_path / "o")]) == 2
    assert "--near-dup 0.99 is too close to 1" in _one_line_error(capsys)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:1", "nonsense"])
def test_an_unreachable_dask_scheduler_is_one_line(
    address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    import dask

    out = tmp_path / "x"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code = main(["generate", FAM, "-n", "1", "--executor", "dask", "--scheduler", address,
                     "-o", str(out)])  # fmt: skip
    assert code == 2
    assert f"cannot connect to the dask scheduler at {address!r}" in _one_line_error(capsys)
    assert not out.exists()


def test_an_empty_output_path_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["generate", FAM, "-n", "1", "-o", ""]) == 2
    assert "-o/--out is an empty path" in _one_line_error(capsys)
    with pytest.raises(InvalidArgument, match="empty path"):
        generate("", GenerateOptions([FAM], per_level=1), workers=1)
    assert list(tmp_path.iterdir()) == []


def test_resume_into_a_new_directory_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "newdir" / "deeper"
    assert main(["generate", FAM, "-n", "1", "-o", str(out), "--resume"]) == 2
    assert "nothing to resume" in _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "empty").mkdir()
    assert main(["generate", FAM, "-n", "1", "-o", str(tmp_path / "empty"), "--resume"]) == 2
    assert "nothing to resume" in _one_line_error(capsys)
    assert list((tmp_path / "empty").iterdir()) == []


@pytest.mark.parametrize("executor", [[], ["--executor", "process"], ["--executor", "serial"]])
def test_scheduler_needs_the_dask_executor(
    executor: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["generate", FAM, "-n", "1", "--scheduler", "tcp://127.0.0.1:8786", *executor]
    assert main([*argv, "-o", str(tmp_path / "o")]) == 2
    assert "needs --executor dask" in _one_line_error(capsys)
    assert not (tmp_path / "o").exists()


def test_resume_and_overwrite_together_are_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gramgen.cli import main

    code = main(["generate", "change_join", "-n", "1", "-o", str(tmp_path / "x"), "--resume",
                 "--overwrite"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "--resume finishes the unfinished run" in err, err
    assert not (tmp_path / "x").exists()
