"""``gramgen generate``: verified problem sets with exact quotas, governed and resumable.

A run is a list of *streams*, one per family and difficulty level, each with a
quota. Stream candidates are numbered; candidate *k* is a pure function of
(run seed, family, level, k), so workers make candidates in chunks in any
order and the writer consumes them in order: the output is the same whatever
the number of workers or the executor. Per family, the writer drops exact
duplicates (canonical question text) and, if asked, near duplicates (MinHash),
writes every rejected candidate with its reason to the audit file, and sends
each problem to ``train`` or ``test`` by its derivation structure, so no
structure and no question is in both.

Families are assigned to shards (``num_shards``/``shard_index``) whole, so the
union of the shards' outputs is the output of one run. Output files are
written under temporary names and renamed when complete; a checkpoint between
chunks, every second or so, lets an interrupted run resume from there.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from .errors import GramgenError, InvalidArgument
from .parquet import AsItGoes, parquet_path, to_parquet
from .parquet import schema as parquet_schema

__all__ = [
    "GenerateOptions",
    "QuotaImpossible",
    "canonical",
    "generate",
    "make_executor",
]

CHUNK = 256
_STATE = "state-{shard}.json"
_GIVE_UP_WINDOW = 2000  # candidates looked at without a new problem before giving up
_LEVEL_BITS: Final = 16  # a difficulty level fits in these bits of a duplicate table's entry
_LEVEL_MASK: Final = (1 << _LEVEL_BITS) - 1
_GC_THRESHOLD = 50_000  # allocations between young collections while generating (default 700)
_CHECKPOINT_SECONDS = 1.0  # between checkpoints: each is milliseconds of waiting for the disk
_WRITE_BUFFER = 1 << 20
_HOLD = 256  # chunks made ahead of the current stream, at most (about 64 MB)


class QuotaImpossible(GramgenError):
    """A family cannot produce as many distinct problems as asked."""


@dataclass
class GenerateOptions:
    """Everything that determines a run's output (and so its resume state)."""

    families: list[str]
    per_level: int = 100
    levels: list[int] | None = None
    seed: int = 0
    unsolvable: float = 0.0
    test_fraction: float = 0.0
    near_dup: float | None = None
    verify: str = "coverage"
    fmt: str = "jsonl"
    num_shards: int = 1
    shard_index: int = 0
    #: lexicon name -> words: a data file ``path.txt``, ``path.csv:column``,
    #: ``path.jsonl:field`` (see :func:`gramgen.semantics.load_lexicon`) or a list;
    #: replaces that lexicon in every family of the run that draws on it
    lexicons: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lexicons = {
            str(name): str(spec) if isinstance(spec, str | os.PathLike) else [str(w) for w in spec]
            for name, spec in dict(self.lexicons or {}).items()
        }

    def lexicon_words(self) -> dict[str, tuple[str, ...]]:
        """The words of each lexicon given (read from its file now), by name."""
        from .semantics import load_lexicon

        out = {}
        for name, spec in sorted(self.lexicons.items()):
            if not name.isidentifier():
                raise InvalidArgument(f"lexicon name must be a word like thing, got {name!r}")
            try:
                out[name] = load_lexicon(spec)
            except InvalidArgument as err:
                said = str(err).removeprefix("lexicon ")
                raise InvalidArgument(f"lexicon {name!r}: {said}") from None
            except (OSError, UnicodeDecodeError) as err:
                raise InvalidArgument(f"lexicon {name!r}: cannot read {spec}: {err}") from None
        return out

    def key(self) -> str:
        """What a resumed run must match: every option, and the lexicons' words."""
        data = asdict(self)
        del data["lexicons"]  # runs without lexicons keep the key they always had
        if self.lexicons:
            data["lexicons"] = {
                name: hashlib.sha256("\n".join(words).encode()).hexdigest()
                for name, words in self.lexicon_words().items()
            }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def canonical(question: str) -> str:
    """The form duplicates are compared in: lower case, single spaces, no final stop."""
    text = question.lower()
    # Splitting and joining the words (most of the cost) changes only text with white
    # space other than single spaces between words: every white space character but
    # the space is unprintable.
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())
    return text.rstrip(" .?!")


_BLAKE2B_8 = hashlib.blake2b(digest_size=8)  # copied for each hash: faster than a new one


def _digest(text: str) -> int:
    h = _BLAKE2B_8.copy()
    h.update(text.encode())
    return int.from_bytes(h.digest(), "little")


def question_hash(question: str) -> int:
    """The 64-bit hash of ``question``'s canonical form: what exact duplicates share."""
    return _digest(canonical(question))


def _unit(*parts: object) -> float:
    """A uniform number in [0, 1) from ``parts`` (stable across processes and runs)."""
    return _digest(":".join(map(str, parts))) / 2**64


def _unit_per_index(*parts: object) -> Callable[[int], float]:
    """``k -> _unit(*parts, k)``, the same numbers with the common prefix hashed once."""
    prefix = _BLAKE2B_8.copy()
    prefix.update(f"{':'.join(map(str, parts))}:".encode())

    def unit(k: int) -> float:
        h = prefix.copy()
        h.update(str(k).encode())
        return int.from_bytes(h.digest(), "little") / 2**64

    return unit


def stream_seed(seed: int, family: str, level: int) -> int:
    return _digest(f"{seed}:{family}:{level}")


# -- workers --------------------------------------------------------------------------------


def record_id(family: str, level: int, run_seed: int, k: int) -> str:
    """The id of candidate ``k`` of a stream (stable across runs with the seed)."""
    return f"{family}-L{level}-s{run_seed}-{k}"


Lexicons = tuple[tuple[str, tuple[str, ...]], ...]  # (name, words), sorted by name


def family_with(path: str, lexicons: Lexicons = ()) -> Any:
    """The family at ``path`` with ``lexicons`` replacing its own (loaded once per process)."""
    from .family import load_family, resolved

    if not lexicons:
        return load_family(path)
    return _family_with(resolved(path), lexicons)


@functools.lru_cache(maxsize=16)
def _family_with(path: str, lexicons: Lexicons) -> Any:
    from .family import Family

    return Family(path, lexicons=dict(lexicons))


# every provenance field, in order, null until the item gives it
_PROVENANCE = dict.fromkeys(("grammar", "grammar_sha256", "path", "seed", "index", "gramgen",
                             "run_seed", "vague", "vague_number"))  # fmt: skip


def _portable(prov: dict[str, Any], run_seed: int) -> dict[str, Any]:
    """An item's provenance with the run seed, the same fields in every record, in one
    order, with one type each, so the files load as typed tables (Arrow, Hugging Face
    ``datasets``): the 64-bit item seed is written as a decimal string (JSON readers
    take integers as int64 or float64, losing it), and the fields of unsolvable records
    are null in the others. Fields the family adds come after these, in its order."""
    out = _PROVENANCE.copy()
    out.update(prov)
    out["seed"] = str(prov["seed"])
    out["run_seed"] = run_seed
    return out


@functools.lru_cache(maxsize=1 << 16)
def _held_out(family: str, level: int, path: tuple[int, ...], test_fraction: float) -> bool:
    """Whether derivation structure ``path`` is in the test split (memoised: a
    stream's structures repeat, and hashing one costs as much as the rest of the
    record's bookkeeping)."""
    structure = f"{family}:{level}:{','.join(map(str, path))}"
    return _unit("split", structure) < test_fraction


#: a chunk's candidates, in order: status (``train`` or ``test``, the split, or
#: ``rejected``), payload (the record's JSON line, or why it was rejected) and the
#: hash of the canonical question (0 for a rejected candidate)
Chunk = tuple[list[str], list[bytes], list[int]]


def make_chunk(task: tuple[Any, ...]) -> Chunk:
    """Candidates ``start..start+count`` of one stream, made in a worker."""
    import orjson

    from .family import Rejected

    path, level, run_seed, start, count, unsolvable, verify, test_fraction, lexicons = task
    fam = family_with(path, lexicons)
    sseed = stream_seed(run_seed, fam.name, level)
    vague_unit = _unit_per_index("vague", sseed)
    statuses: list[str] = []
    payloads: list[bytes] = []
    qhashes: list[int] = []
    for k in range(start, start + count):
        vague = unsolvable > 0 and vague_unit(k) < unsolvable
        try:
            rec = fam.item(k, seed=sseed, level=level, unsolvable=vague, verify=verify)
        except Rejected as err:
            statuses.append("rejected")
            payloads.append(str(err).encode())
            qhashes.append(0)
            continue
        rec["id"] = record_id(fam.name, level, run_seed, k)
        prov = rec["provenance"] = _portable(rec["provenance"], run_seed)
        held_out = test_fraction and _held_out(fam.name, level, tuple(prov["path"]), test_fraction)
        rec["split"] = split = "test" if held_out else "train"
        statuses.append(split)
        payloads.append(orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE))
        qhashes.append(question_hash(str(rec["question"])))
    return statuses, payloads, qhashes


class _Serial(Executor):
    """Runs tasks in the calling process (``--workers 1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as err:  # handed to the caller via the future
            fut.set_exception(err)
        return fut


def make_executor(
    kind: str = "process", workers: int = 1, scheduler: str | None = None
) -> Executor:
    """A ``concurrent.futures.Executor``: ``serial``, ``process`` (``workers``
    processes) or ``dask`` (a ``distributed`` cluster at ``scheduler``, or a local
    one with ``workers`` processes)."""
    if kind == "serial" or (kind == "process" and workers <= 1):
        return _Serial()
    if kind == "process":
        return _Pinned(workers)
    if kind == "dask":
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InvalidArgument(
                "the dask executor needs the 'distributed' package: pip install 'gramgen[dask]'"
            ) from None
        if scheduler:
            try:
                client = Client(scheduler)  # type: ignore[no-untyped-call]
            except (OSError, ValueError) as err:  # unreachable, or not an address
                said = " ".join(str(err).split()) or type(err).__name__
                raise InvalidArgument(
                    f"cannot connect to the dask scheduler at {scheduler!r}: {said}"
                ) from None
        else:
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True
            )
            client = Client(cluster)  # type: ignore[no-untyped-call]
        return _DaskExecutor(client)
    raise InvalidArgument(f"executor must be serial, process or dask, got {kind!r}")


_WATCH_SECONDS = 0.25  # between a worker's looks at whether its parent is still there


def _watch_parent(parent: int) -> None:
    """A worker's start: end the worker when ``parent``, the process that started
    it, is gone. A pool's worker waits for tasks on a pipe that it holds both ends
    of (forked), so it would never see the parent go: killed (``kill -9``, out of
    memory), the parent would leave its workers making chunks nobody reads, then
    waiting for ever. A thread looks every ``_WATCH_SECONDS`` at the worker's
    parent process id, which changes when the parent dies (the worker is handed to
    init or a subreaper), and ends the worker at once. (Linux's
    ``PR_SET_PDEATHSIG`` would be quicker but fires when the *thread* that forked
    the worker ends, which need not be the parent's end.)"""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_SECONDS)
        os._exit(1)

    if os.getppid() != parent:  # gone before this worker started
        os._exit(1)
    threading.Thread(target=watch, name="gramgen-parent-watch", daemon=True).start()


class _Pinned(Executor):
    """Worker processes, each a pool of its own, so that a task can be sent to a
    chosen one (:class:`_Feed` keeps a family in one); ``submit`` takes turns."""

    def __init__(self, workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork where there is one: workers start with the families already loaded
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        me = os.getpid()
        self.pools = [
            ProcessPoolExecutor(1, mp_context=ctx, initializer=_watch_parent, initargs=(me,))
            for _ in range(workers)
        ]
        self._turns = itertools.cycle(self.pools)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return next(self._turns).submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for pool in self.pools:
            pool.shutdown(wait, cancel_futures=cancel_futures)


class _DaskExecutor(Executor):
    """A dask client's executor that closes the client (and its cluster) on shutdown."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._inner = client.get_executor(pure=False)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self._inner.submit(fn, *args, **kwargs)  # type: ignore[no-any-return]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        cluster = getattr(self.client, "cluster", None)
        self.client.close()
        if cluster is not None:
            cluster.close()


# -- the writer ------------------------------------------------------------------------------


@dataclass
class _Stream:
    family: str
    path: str
    level: int
    quota: int
    lexicons: Lexicons = ()


@dataclass
class _State:
    """Where a shard's run is: finished streams and the position in the current one."""

    options: str
    stream: int = 0  # index of the current stream
    next_k: int = 0
    made: int = 0
    offsets: dict[str, int] = field(default_factory=dict)  # file -> bytes written
    family_offsets: dict[str, int] = field(default_factory=dict)  # where this family began
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: the run's options (as in the manifest), to say which differs from another run's
    run: dict[str, Any] = field(default_factory=dict)
    #: started with ``overwrite``: files of other runs are removed when it is done
    overwrite: bool = False


@dataclass
class RunReport:
    """What a run made, per stream, and where it wrote it."""

    out_dir: Path
    files: list[Path]
    streams: dict[str, dict[str, int]]
    seconds: float
    resumed: bool = False

    @property
    def made(self) -> int:
        return sum(s["made"] for s in self.streams.values())


def file_in_the_way(path: Path) -> Path | None:
    """The nearest existing folder above ``path`` if it is a file, not a directory
    (``path`` cannot be written then, nor its folders made); else None."""
    above = path.parent
    while not above.exists() and above != above.parent:
        above = above.parent  # (exists() is False under a regular file too)
    return above if above.exists() and not above.is_dir() else None


def _fsync_write(path: Path, data: bytes) -> None:
    """``data`` in ``path``, whole or not at all (a temporary file renamed over it)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _streams(opts: GenerateOptions) -> list[_Stream]:
    from .family import find_families, load_family

    if opts.per_level < 1:
        raise InvalidArgument(f"the quota per family and level must be >= 1, got {opts.per_level}")
    if not 0 <= opts.unsolvable < 1 or not 0 <= opts.test_fraction < 1:
        raise InvalidArgument("--unsolvable and --test-fraction must be in [0, 1)")
    if opts.near_dup is not None:
        _near_dup_index(opts.near_dup)  # in range, and datasketch there to index at it
    if opts.verify not in ("coverage", "full"):
        raise InvalidArgument(f"verify must be coverage or full, got {opts.verify!r}")
    if opts.fmt not in ("jsonl", "parquet"):
        raise InvalidArgument(f"format must be jsonl or parquet, got {opts.fmt!r}")
    if not 0 <= opts.shard_index < opts.num_shards:
        raise InvalidArgument(f"shard index {opts.shard_index} is not in 0..{opts.num_shards - 1}")
    paths = find_families(opts.families)
    words = opts.lexicon_words()
    if words:  # every lexicon given must be one some family of the run draws on
        fams = [load_family(path) for path in paths]
        unused = set(words) - {n for fam in fams for n in fam.actions.lexicons}
        if unused:
            have = "; ".join(f"{f.name}: {', '.join(sorted(f.actions.lexicons)) or 'none'}"
                             for f in fams)  # fmt: skip
            raise InvalidArgument(
                f"no family of this run draws on a lexicon named {min(unused)!r} (their "
                f"lexicons: {have})"
            )
    out: list[_Stream] = []
    for i, path in enumerate(paths):
        if i % opts.num_shards != opts.shard_index:
            continue
        fam = load_family(path)
        lexicons = tuple((n, w) for n, w in words.items() if n in fam.actions.lexicons)
        if lexicons:
            from .datasets import check_lexicons

            fam = family_with(str(path), lexicons)
            check_lexicons(fam, dict(lexicons))
        fam.prepare()
        levels = opts.levels or list(range(1, fam.levels + 1))
        for lv in levels:
            if not 1 <= lv <= fam.levels:
                raise InvalidArgument(
                    f"family {fam.name!r} has difficulty levels 1..{fam.levels}, not {lv}"
                )
            out.append(_Stream(fam.name, str(path), lv, opts.per_level, lexicons))
    return out


class _Writer:
    """The shard's output files: written under .partial names, renamed at the end."""

    def __init__(self, out_dir: Path, shard: str, splits: Sequence[str]) -> None:
        self.out_dir = out_dir
        self.shard = shard
        self.names = {s: f"{s}-{shard}.jsonl" for s in (*splits, "audit")}
        self.handles: dict[str, IO[bytes]] = {}

    def partial(self, name: str) -> Path:
        return self.out_dir / (self.names[name] + ".partial")

    def open(self, offsets: Mapping[str, int]) -> None:
        for name in self.names:
            path = self.partial(name)
            fh = path.open("r+b" if path.exists() else "w+b", buffering=_WRITE_BUFFER)
            size = offsets.get(name, 0)
            fh.truncate(size)  # drop what was written after the last checkpoint
            fh.seek(size)
            self.handles[name] = fh

    def write(self, names: Sequence[str], lines: Sequence[bytes]) -> None:
        """Append each line to the file named beside it, in one write per file."""
        files = dict.fromkeys(names)
        for name in files:
            mine = (
                lines
                if len(files) == 1
                else [ln for n, ln in zip(names, lines, strict=True) if n == name]
            )
            self.handles[name].write(b"".join(mine))

    def offsets(self) -> dict[str, int]:
        out = {}
        for name, fh in self.handles.items():
            fh.flush()
            out[name] = fh.tell()
        return out

    def sync(self) -> None:
        for fh in self.handles.values():
            fh.flush()
            os.fsync(fh.fileno())

    def close(self) -> None:
        for fh in self.handles.values():
            fh.close()
        self.handles.clear()


class _Dedup:
    """Exact (and optionally near) duplicate detection within one family."""

    def __init__(self, near: float | None, family: str, run_seed: int) -> None:
        self.family = family
        self.run_seed = run_seed
        # question hash -> the first problem asking it, as candidate << _LEVEL_BITS |
        # level (its id is made only when a duplicate needs it). Ints, not pairs: a
        # dict of ints only is none of the cycle collector's business, and a pair
        # costs ~50 bytes more a problem.
        self.exact: dict[int, int] = {}
        self.near = near
        self.lsh: Any = None if near is None else _near_dup_index(near)

    def check(self, qhash: int, question: str, level: int, k: int) -> str | None:
        """None for a new question (remembered as candidate ``k`` of ``level``), else
        why it is a duplicate."""
        first = self.exact.get(qhash)
        if first is not None:
            k_first, level_first = first >> _LEVEL_BITS, first & _LEVEL_MASK
            return f"duplicate of {record_id(self.family, level_first, self.run_seed, k_first)}"
        if self.lsh is not None:
            mh = _minhash(question)
            hits = self.lsh.query(mh)
            if hits:
                return f"near duplicate of {min(hits)}"
            self.lsh.insert(record_id(self.family, level, self.run_seed, k), mh)
        self.exact[qhash] = k << _LEVEL_BITS | level
        return None

    def all_new(self, qhashes: Sequence[int], level: int, first: int) -> bool:
        """Whether the questions of candidates ``first``, ``first + 1``, ... of
        ``level`` are all new, then remembered at once, as :meth:`check` one by
        one would; if not (or near duplicates are looked for), none is remembered."""
        if (self.lsh is not None or len(set(qhashes)) < len(qhashes)
                or not self.exact.keys().isdisjoint(qhashes)):  # fmt: skip
            return False
        step, at = 1 << _LEVEL_BITS, first << _LEVEL_BITS | level
        self.exact.update(zip(qhashes, range(at, at + len(qhashes) * step, step), strict=True))
        return True


def _near_dup_index(near: float) -> Any:
    """A MinHash LSH index of questions, finding those more similar than ``near``
    (one clear line for a similarity out of [0, 1), NaN, or too close to 1 for 64
    permutations: datasketch finds no banding for those above about 0.96)."""
    if not 0 <= near < 1:  # (NaN too)
        raise InvalidArgument(f"--near-dup must be a Jaccard similarity in [0, 1), got {near}")
    try:
        from datasketch import MinHashLSH  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise InvalidArgument(
            "near-duplicate removal needs datasketch: pip install 'gramgen[dedup]'"
        ) from None
    try:
        return MinHashLSH(threshold=near, num_perm=64)
    except ValueError as err:
        raise InvalidArgument(
            f"--near-dup {near} is too close to 1 for MinHash with 64 permutations ({err}): "
            "use 0.96 or less (exact duplicates are dropped anyway)"
        ) from None


def _minhash(text: str) -> Any:
    from datasketch import MinHash  # type: ignore[import-untyped, unused-ignore]

    words = canonical(text).split()
    mh = MinHash(num_perm=64, seed=1)
    for i in range(max(1, len(words) - 2)):
        mh.update(" ".join(words[i : i + 3]).encode())
    return mh


def generate(
    out_dir: str | Path,
    opts: GenerateOptions,
    *,
    executor: Executor | None = None,
    workers: int = 1,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = False,
    review: int = 0,
) -> RunReport:
    """Run (or resume) the generation ``opts`` describes into ``out_dir``.

    Refused, before anything is written: an empty ``out_dir``; a directory holding
    this shard's finished run, or its unfinished one, unless ``resume`` (which
    checks the saved state against ``opts`` and the files) or ``overwrite``; and,
    unless ``overwrite``, one holding shards of another run (other options or
    shard count). A finished run removes its shard's own leftovers (a split or
    format it no longer writes); with ``overwrite``, also the files earlier runs
    left (see :func:`_tidy`), once its own are written.
    """
    import orjson

    t0 = time.perf_counter()
    if isinstance(out_dir, str) and not out_dir.strip():
        raise InvalidArgument("the output directory (-o) is an empty path: name a directory")
    streams = _streams(opts)
    if opts.fmt == "parquet":
        parquet_schema()  # pyarrow is there (and loaded before workers start)
    out = Path(out_dir)
    shard = f"{opts.shard_index:05d}-of-{opts.num_shards:05d}"
    splits = ["train", "test"] if opts.test_fraction else ["train"]
    state_path = out / _STATE.format(shard=shard)
    manifest_path = out / f"manifest-{shard}.json"
    # every check before the directory is made or anything in it is touched
    state = _load_state(state_path, opts, streams, splits, resume=resume, overwrite=overwrite)
    if state is None:
        if manifest_path.exists() and not overwrite:
            raise InvalidArgument(
                f"{out} already holds a finished run (shard {shard}); pass --overwrite to "
                "replace it or choose another directory"
            )
        if not overwrite:
            _refuse_other_runs(out, opts)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".gramgen-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise InvalidArgument(f"cannot write to output directory {out}: {err.strerror}") from None
    if state is None:
        # saved at once (replacing another run's, with ``overwrite``), before the
        # partial files are started: from now on the directory says whose they are.
        # Earlier output stays until this run's is written (_tidy)
        start = dict.fromkeys((*splits, "audit"), 0)
        state = _State(options=opts.key(), offsets=start, family_offsets=start.copy(),
                       run=asdict(opts), overwrite=overwrite)  # fmt: skip
        _fsync_write(state_path, json.dumps(asdict(state)).encode())
    resumed = state.stream > 0 or state.next_k > 0
    writer = _Writer(out, shard, splits)
    writer.open(state.offsets)
    # the Parquet files are made as the run goes, unless it resumes (then at the end)
    parquet = (
        AsItGoes({s: writer.partial(s) for s in splits})
        if opts.fmt == "parquet" and not resumed
        else None
    )
    ex = executor or make_executor("process", workers)
    if isinstance(ex, _Pinned):  # each worker running one chunk and with one queued
        feed = _Feed(streams, opts, list(ex.pools), 2)
    else:
        feed = _Feed(streams, opts, [ex], 1 if isinstance(ex, _Serial) else 2 * max(1, workers))
    bar = _progress(sum(s.quota for s in streams), progress)
    bar.update(sum(c["made"] for c in state.counts.values()))
    checkpoints = _Checkpoints(state_path, writer)
    done = False
    with gc_tuned():
        try:
            dedup: _Dedup | None = None
            for si in range(state.stream, len(streams)):
                st = streams[si]
                new_family = si == 0 or streams[si - 1].family != st.family
                if dedup is None or new_family:
                    # duplicates are looked for within a family
                    dedup = _Dedup(opts.near_dup, st.family, opts.seed)
                    if new_family and state.next_k == 0:
                        state.family_offsets = writer.offsets()
                    else:  # resuming: the family's problems written before the stop
                        _rebuild(dedup, writer, state.family_offsets, splits)
                _run_stream(st, si, state, feed, writer, dedup, checkpoints, bar, parquet)
                state.stream, state.next_k = si + 1, 0
                checkpoints.save(state)
            writer.sync()
            done = True
        except KeyboardInterrupt:
            writer.sync()
            writer.close()
            bar.close()
            raise GramgenError(
                f"interrupted; {out} keeps the work done so far: run the same command with "
                "--resume to finish it"
            ) from None
        finally:
            feed.close()
            if executor is None:
                ex.shutdown(cancel_futures=True)
            if parquet is not None and not done:
                parquet.discard()
    writer.close()
    bar.close()
    files = _finish(writer, opts, splits, parquet)
    report = RunReport(out, files, state.counts, time.perf_counter() - t0, resumed)
    if review:
        files.append(_review(out, files, review, opts.seed))
    manifest = {
        "gramgen": _version(),
        "options": asdict(opts),
        "shard": shard,
        "files": [f.name for f in files],
        "streams": state.counts,
        "seconds": round(report.seconds, 3),
    }
    if opts.lexicons:
        manifest["lexicons"] = {
            name: {"entries": len(w), "sha256": hashlib.sha256("\n".join(w).encode()).hexdigest()}
            for name, w in opts.lexicon_words().items()
        }
    _fsync_write(manifest_path, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    state_path.unlink(missing_ok=True)
    keep = {f.name for f in files} | {manifest_path.name}
    _tidy(out, opts, keep, others=state.overwrite, review=bool(review))
    return report


@contextlib.contextmanager
def gc_tuned() -> Iterator[None]:
    """Generation's garbage-collector settings, for the ``with`` block: what is loaded
    is never garbage (frozen), and generation keeps large caches of structures, over
    which the cycle collector's passes cost ~10% at the default thresholds (workers
    forked inside the block inherit both)."""
    was = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_GC_THRESHOLD, *was[1:])
    try:
        yield
    finally:
        gc.set_threshold(*was)
        gc.unfreeze()


def _version() -> str:
    from . import __version__

    return __version__


def _load_state(
    path: Path,
    opts: GenerateOptions,
    streams: Sequence[_Stream],
    splits: Sequence[str],
    *,
    resume: bool,
    overwrite: bool,
) -> _State | None:
    """The saved state of the shard's unfinished run at ``path`` if ``resume``,
    checked against ``opts`` and the partial files (None: start afresh). Writes
    nothing."""
    if not path.is_file():
        if resume:
            if not path.parent.is_dir():
                what = "is not a directory" if path.parent.exists() else "does not exist"
                raise InvalidArgument(f"nothing to resume: {path.parent} {what}")
            done = path.with_name(path.name.replace("state-", "manifest-"))
            if done.exists():
                raise InvalidArgument(f"the run in {path.parent} is already finished")
            raise InvalidArgument(f"nothing to resume in {path.parent}: no {path.name}")
        return None
    if overwrite:
        return None
    if not resume:
        raise InvalidArgument(
            f"{path.parent} holds an unfinished run: pass --resume to finish it or "
            "--overwrite to start again"
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise _corrupt(path, f"not readable as JSON ({err})") from None
    state = _parse_state(raw, path)
    if state.options != opts.key():
        raise InvalidArgument(
            f"the unfinished run in {path.parent} was started with other options; run it "
            "with the same options to resume, or pass --overwrite"
        )
    _check_state(state, path, streams, splits, opts)
    return state


def _corrupt(path: Path, what: str) -> InvalidArgument:
    return InvalidArgument(
        f"the resume state {path} is corrupt: {what}; pass --overwrite to start again"
    )


_STATE_FIELDS: Final = {"options": str, "stream": int, "next_k": int, "made": int,
                        "offsets": dict, "family_offsets": dict, "counts": dict}  # fmt: skip
_STATE_OPTIONAL: Final = {"run": dict, "overwrite": bool}  # (states of earlier versions lack them)
_COUNT_FIELDS: Final = ("made", "candidates", "rejected", "duplicates", "test")


def _shown(value: Any) -> str:
    """``value`` in a message, shortened (an option not given as ``(none)``)."""
    if value is None:
        return "(none)"
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse_state(raw: Any, path: Path) -> _State:
    """``raw`` as a state, every field there with its type (no range checks yet)."""
    if not isinstance(raw, dict):
        raise _corrupt(path, f"not a JSON object but {_shown(raw)}")
    for name, kind in (*_STATE_FIELDS.items(), *_STATE_OPTIONAL.items()):
        if name not in raw:
            if name in _STATE_OPTIONAL:
                continue
            raise _corrupt(path, f"field {name!r} is missing")
        value = raw[name]
        # (bool is an int to Python, not to the state)
        if type(value) is not kind:
            what = {int: "an integer", str: "a string", dict: "an object", bool: "true or false"}
            raise _corrupt(path, f"field {name!r} is not {what[kind]}: {_shown(value)}")
    unknown = set(raw) - set(_STATE_FIELDS) - set(_STATE_OPTIONAL)
    if unknown:
        raise _corrupt(path, f"unknown field {min(unknown)!r}")
    for name in ("offsets", "family_offsets"):
        for file, size in raw[name].items():
            if type(size) is not int or size < 0:
                raise _corrupt(path, f"{name}[{file!r}] is not a size in bytes: {_shown(size)}")
    for key, counts in raw["counts"].items():
        if not isinstance(counts, dict) or sorted(counts) != sorted(_COUNT_FIELDS):
            raise _corrupt(
                path,
                f"counts[{key!r}] is not an object of {', '.join(_COUNT_FIELDS)}: {_shown(counts)}",
            )
        for name, n in counts.items():
            if type(n) is not int or n < 0:
                raise _corrupt(path, f"counts[{key!r}][{name!r}] is not a count: {_shown(n)}")
    for name in ("stream", "next_k", "made"):
        if raw[name] < 0:
            raise _corrupt(path, f"field {name!r} is negative: {raw[name]}")
    return _State(**raw)


def _check_state(
    state: _State,
    path: Path,
    streams: Sequence[_Stream],
    splits: Sequence[str],
    opts: GenerateOptions,
) -> None:
    """That ``state`` is one this run can have saved: its position within the run's
    streams, the counts of the streams begun, each at most its quota (finished ones
    exactly), adding up, and matching the records, audit lines and sizes of the
    partial files beside it."""
    n = len(streams)
    if state.stream > n:
        raise _corrupt(
            path,
            f"field 'stream' is {state.stream}, but this run has streams 0..{n - 1} "
            f"({n} when all are done)",
        )
    if state.stream == n and state.next_k:
        raise _corrupt(path, f"field 'next_k' is {state.next_k}, but every stream is done")
    names = [*splits, "audit"]
    for name in ("offsets", "family_offsets"):
        files = getattr(state, name)
        if sorted(files) != sorted(names):
            raise _corrupt(path, f"field {name!r} names {sorted(files)}, not {sorted(names)}")
    for name in names:
        if state.family_offsets[name] > state.offsets[name]:
            raise _corrupt(
                path,
                f"family_offsets[{name!r}] is {state.family_offsets[name]}, past "
                f"offsets[{name!r}] {state.offsets[name]}",
            )
    begun = [f"{st.family}/L{st.level}" for st in streams[: state.stream + (state.next_k > 0)]]
    for key in state.counts:
        if key not in begun:
            raise _corrupt(
                path,
                f"counts has {key!r}, not a stream begun in this run (by field "
                f"'stream' {state.stream}, 'next_k' {state.next_k})",
            )
    for si, key in enumerate(begun):
        if key not in state.counts:
            raise _corrupt(path, f"counts has no entry for stream {key!r}, which has begun")
        c, quota = state.counts[key], streams[si].quota
        if c["candidates"] != c["made"] + c["rejected"] + c["duplicates"]:
            raise _corrupt(
                path,
                f"counts[{key!r}]: 'candidates' {c['candidates']} is not made + rejected "
                f"+ duplicates ({c['made']} + {c['rejected']} + {c['duplicates']})",
            )
        if c["test"] > c["made"] or (c["test"] and not opts.test_fraction):
            raise _corrupt(path, f"counts[{key!r}]: 'test' {c['test']} is more than the run "
                           "can have put in its test split")  # fmt: skip
        if c["made"] > quota or (si < state.stream and c["made"] != quota):
            state_of = "done" if si < state.stream else "the current one"
            raise _corrupt(
                path,
                f"counts[{key!r}]: 'made' is {c['made']}, but the stream ({state_of}) "
                f"has a quota of {quota}",
            )
        if si == state.stream and c["candidates"] != state.next_k:
            raise _corrupt(
                path,
                f"counts[{key!r}]: 'candidates' is {c['candidates']}, but field "
                f"'next_k' is {state.next_k}",
            )
    # the partial files hold what the counts say, whole lines, up to the offsets
    total = dict.fromkeys(names, 0)
    for c in state.counts.values():
        total["audit"] += c["rejected"] + c["duplicates"]
        total[splits[0]] += c["made"] - c["test"]
        if len(splits) > 1:
            total["test"] += c["test"]
    shard = path.stem.removeprefix("state-")
    for name in names:
        part = path.parent / f"{name}-{shard}.jsonl.partial"
        size = state.offsets[name]
        if size == 0 and not part.exists():  # (saved as the run began)
            continue
        if not part.is_file() or part.stat().st_size < size:
            raise InvalidArgument(
                f"the resume state {path} does not match {part.name} (missing or shorter "
                "than recorded); pass --overwrite to start again"
            )
        lines, whole = _count_lines(part, size)
        if not whole or not _at_line_start(part, state.family_offsets[name]):
            raise _corrupt(
                path,
                f"offsets[{name!r}] or family_offsets[{name!r}] is not at the end of "
                f"a line of {part.name}",
            )
        if lines != total[name]:
            raise _corrupt(
                path,
                f"{part.name} holds {lines} lines up to offsets[{name!r}] "
                f"{size}, but counts add up to {total[name]}",
            )


def _count_lines(path: Path, size: int) -> tuple[int, bool]:
    """The lines in the first ``size`` bytes of ``path``, and whether those end a line."""
    count, last, left = 0, b"", size
    with path.open("rb") as fh:
        while left > 0:
            block = fh.read(min(left, 1 << 24))
            if not block:
                break
            count += block.count(b"\n")
            left -= len(block)
            last = block[-1:]
    return count, size == 0 or last == b"\n"


def _at_line_start(path: Path, offset: int) -> bool:
    if offset == 0:
        return True
    with path.open("rb") as fh:
        fh.seek(offset - 1)
        return fh.read(1) == b"\n"


# the files of gramgen runs: a shard's data (and their partial and temporary forms),
# manifest and state; and the review sample
_SHARD_FILE: Final = re.compile(
    r"(?:train|test|audit)-(\d{5,})-of-(\d{5,})\.(?:jsonl|parquet)(?:\.partial)?(?:\.tmp)?"
    r"|(?:manifest|state)-(\d{5,})-of-(\d{5,})\.json(?:\.tmp)?"
)
_REVIEW: Final = "review.md"
# how an option is named on the command line
_FLAGS: Final = {"families": "families", "per_level": "-n", "levels": "--levels", "seed": "--seed",
                 "unsolvable": "--unsolvable", "test_fraction": "--test-fraction",
                 "near_dup": "--near-dup", "verify": "--verify", "fmt": "--format",
                 "num_shards": "--num-shards", "lexicons": "--lexicon"}  # fmt: skip


def _shard_files(out: Path) -> list[tuple[Path, int, int]]:
    """The shard files of gramgen runs in ``out``: path, shard index and shard count."""
    if not out.is_dir():
        return []
    found = []
    for path in sorted(out.iterdir()):
        m = _SHARD_FILE.fullmatch(path.name)
        if m and path.is_file():
            index, count = (int(g) for g in m.groups() if g is not None)
            found.append((path, index, count))
    return found


def _other_run(out: Path, opts: GenerateOptions, index: int) -> str | None:
    """How the run of which ``out`` holds shard ``index`` (of ``opts.num_shards``)
    differs from this one, by its state (the run under way there, saved as it
    starts) or else its manifest (None: the same run, or neither there to tell)."""
    shard = f"{index:05d}-of-{opts.num_shards:05d}"
    theirs = GenerateOptions(**{**asdict(opts), "shard_index": index})
    for name in (_STATE.format(shard=shard), f"manifest-{shard}.json"):
        path = out / name
        if not path.is_file():
            continue
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if name.startswith("manifest"):
                options, key = raw["options"], None
                lexicons = {n: v["sha256"] for n, v in raw.get("lexicons", {}).items()}
            else:  # (the options themselves are missing from states of earlier versions)
                options, key, lexicons = raw.get("run"), str(raw["options"]), None
            diffs = [] if options is None else _differences(asdict(opts), dict(options))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return f"{name} is not readable"
        if not diffs and lexicons is not None and opts.lexicons:
            mine = {n: hashlib.sha256("\n".join(w).encode()).hexdigest()
                    for n, w in opts.lexicon_words().items()}  # fmt: skip
            if mine != lexicons:
                diffs = ["--lexicon: the files hold other words"]
        if not diffs and key is not None and key != theirs.key():
            diffs = ["other options (or --lexicon files holding other words)"]
        return f"{name}: {'; '.join(diffs)}" if diffs else None
    return None


def _differences(mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
    """The options (but the shard index) in which ``theirs`` differs from ``mine``."""
    out = []
    for name, flag in _FLAGS.items():
        a, b = mine.get(name), theirs.get(name)
        if name == "lexicons":
            a, b = a or {}, b or {}
        if a != b:
            out.append(f"{flag} {_shown(b)} there, {_shown(a)} here")
    return out


def _refuse_other_runs(out: Path, opts: GenerateOptions) -> None:
    """Refuse to add this shard to a directory holding another run's shards: of
    another shard count, or whose manifest or state records other options."""
    told: set[int] = set()
    for path, index, count in _shard_files(out):
        if count != opts.num_shards:
            raise InvalidArgument(
                f"{out} holds {path.name}, of a run in {count} shards (--num-shards), not "
                f"{opts.num_shards}: write to another directory, or pass --overwrite to "
                "replace that run"
            )
        if index == opts.shard_index or index in told:
            continue
        told.add(index)
        other = _other_run(out, opts, index)
        if other is not None:
            raise InvalidArgument(
                f"{out} holds shard {index} of another run ({other}): write to another "
                "directory, or pass --overwrite to replace that run"
            )


def _tidy(out: Path, opts: GenerateOptions, keep: set[str], *, others: bool, review: bool) -> None:
    """Remove the files gramgen wrote in ``out`` that a finished shard, holding
    ``keep``, makes stale: its own leftovers (a split or format it no longer
    writes, partial and temporary files); with ``others`` (``--overwrite``) the
    files of other runs too: shards of another shard count, shards whose manifest
    or state records other options, and ``review.md`` unless this run wrote one.
    Other shards of this run, shards with neither manifest nor state, and other
    shards' temporary files (which may be being written now) stay; so does every
    file not named as gramgen names its files."""
    verdict: dict[int, bool] = {}
    for path, index, count in _shard_files(out):
        if path.name in keep:
            continue
        if count == opts.num_shards and index == opts.shard_index:
            stale = True
        elif not others or path.suffix == ".tmp":
            stale = False
        elif count != opts.num_shards:
            stale = True
        else:
            if index not in verdict:
                verdict[index] = _other_run(out, opts, index) is not None
            stale = verdict[index]
        if stale:
            path.unlink(missing_ok=True)
    if others and not review:
        (out / _REVIEW).unlink(missing_ok=True)


def _rebuild(dedup: _Dedup, writer: _Writer, offsets: Mapping[str, int], splits: list[str]) -> None:
    """Remember the questions this family already wrote (before an interruption)."""
    import orjson

    for name in splits:
        fh = writer.handles[name]
        end = fh.tell()
        fh.seek(offsets.get(name, 0))
        data = fh.read(end - offsets.get(name, 0))
        fh.seek(end)
        for line in data.splitlines():
            try:
                rec = orjson.loads(line)
                if rec["family"] != dedup.family:
                    raise ValueError(f"a record of family {rec['family']!r}")
                q = str(rec["question"])
                level, index = rec["difficulty"], rec["provenance"]["index"]
            except (ValueError, KeyError, TypeError) as err:  # (orjson's errors are ValueErrors)
                raise InvalidArgument(
                    f"{writer.partial(name)} does not hold family {dedup.family!r}'s records "
                    f"from family_offsets[{name!r}] of the resume state ({err}); pass "
                    "--overwrite to start again"
                ) from None
            dedup.check(_digest(canonical(q)), q, level, index)


class _Feed:
    """Chunks of candidates handed to the executor ahead of need, across streams.

    The executor's *lanes* are its worker processes when a task can be sent to a
    chosen one (:class:`_Pinned`), else the executor as a whole. A stream is made
    in one lane, and a family's streams in one as far as can be: a worker's caches
    (structures, phrasings, checks) grow with the candidates it makes, and a stream
    split between two workers costs them a fifth to a half more. Each lane is kept
    busy with ``window`` chunks (running, or, for a single lane, not yet taken):
    chunks of its own streams, the current one first, up to what each is expected
    to need (the current stream its remaining quota and a quarter more, for
    rejections and duplicates, at most ``window`` chunks a lane ahead of the
    writer; a later stream its quota and the rejections seen so far); failing
    that, a stream no lane has (its family's next if the lane made its last, else
    one of a family not started, else any); failing that, a chunk of the current
    stream. At most ``_HOLD`` chunks are held for streams after the current one.
    A chunk that turns out not to be needed is dropped; one needed but not sent
    yet is sent when asked for. None of this changes the output: candidate ``k``
    of a stream is the same in any chunk made by any worker, and chunks are
    consumed in order.
    """

    def __init__(
        self, streams: list[_Stream], opts: GenerateOptions, lanes: list[Executor], window: int
    ) -> None:
        self.streams = streams
        self.opts = opts
        self.lanes = lanes
        self.window = window
        # (stream, first candidate) -> (size, future, lane), sent and not taken
        self.pending: dict[tuple[int, int], tuple[int, Future[Chunk], int]] = {}
        self.running: dict[Future[Chunk], tuple[int, int]] = {}  # not seen done: stream, lane
        self.sent: dict[int, int] = {}  # stream -> next candidate not yet sent
        self.owner: dict[int, int] = {}  # stream -> its lane
        self.started: set[str] = set()  # families with a stream in a lane
        self.rejected: Counter[int] = Counter()  # stream -> rejections in its chunks done
        self.si = 0  # the current stream
        self.target = 0  # the candidate the current stream is sent up to

    def _send(self, si: int, k: int, size: int, lane: int) -> None:
        st, o = self.streams[si], self.opts
        task = (st.path, st.level, o.seed, k, size, o.unsolvable, o.verify, o.test_fraction,
                st.lexicons)  # fmt: skip
        fut = self.lanes[lane].submit(make_chunk, task)
        self.pending[(si, k)] = (size, fut, lane)
        self.running[fut] = (si, lane)
        self.sent[si] = k + size

    def _claim(self, si: int, lane: int) -> None:
        self.owner[si] = lane
        self.started.add(self.streams[si].path)

    def _lane(self, si: int) -> int:
        """The lane of stream ``si`` (if it has none, the least busy one, claimed)."""
        if si not in self.owner:
            loads = self._loads()
            self._claim(si, loads.index(min(loads)))
        return self.owner[si]

    def take(self, si: int, k: int, remaining: int) -> tuple[Chunk, int]:
        """The chunk of stream ``si`` starting at candidate ``k`` (``remaining``
        problems still to make there) and the candidate after it."""
        for key in [key for key in self.pending if key[0] < si]:  # streams finished
            self.pending.pop(key)[1].cancel()
        self.si, self.target = si, k + _expected(remaining)
        if (si, k) not in self.pending:  # needed, not sent: the first ask, or more
            self._send(si, k, _chunk_size(remaining), self._lane(si))  # rejections than thought
        size, fut, _ = self.pending.pop((si, k))
        self._top_up()
        while not fut.done():  # top up each lane as it finishes a chunk
            wait([fut, *self.running], return_when=FIRST_COMPLETED)
            self._top_up()
        return fut.result(), k + size

    def close(self) -> None:
        for _, fut, _ in self.pending.values():
            fut.cancel()
        self.pending.clear()

    def _loads(self) -> list[int]:
        """Chunks each lane is busy with: running, or, for a single lane (whose
        futures may be done when sent: ``serial``), sent and not taken."""
        if len(self.lanes) == 1:
            return [len(self.pending)]
        loads = [0] * len(self.lanes)
        for _, lane in self.running.values():
            loads[lane] += 1
        return loads

    def _top_up(self) -> None:
        """Note the rejections in the chunks done since last time, and send each
        lane chunks until it has ``window``."""
        for fut in [fut for fut in self.running if fut.done()]:
            si, _ = self.running.pop(fut)
            if not fut.cancelled() and fut.exception() is None:
                self.rejected[si] += fut.result()[0].count("rejected")
        loads = self._loads()
        for lane, load in enumerate(loads):
            for _ in range(load, self.window):
                stream = self._next(lane)
                if stream is None:
                    break
                start = self.sent.get(stream, 0)
                self._send(stream, start, min(CHUNK, self._target(stream) - start), lane)

    def _target(self, si: int) -> int:
        """The candidate stream ``si`` is to be sent up to, for now."""
        if si == self.si:
            return self.target
        return self.streams[si].quota + self.rejected[si]

    def _next(self, lane: int) -> int | None:
        """The stream whose next chunk ``lane`` is to make, if any (claimed for it)."""
        held = Counter(si for si, _ in self.pending)
        ahead = held.total() - held[self.si]
        last = self.si if ahead >= _HOLD else len(self.streams) - 1

        def wanted(si: int) -> bool:
            more = self.sent.get(si, 0) < self._target(si)
            return more and (si != self.si or held[si] < self.window * len(self.lanes))

        unowned: list[int | None] = [None, None, None]  # the first by preference
        for si in range(self.si, last + 1):
            owner = self.owner.get(si)
            if owner == lane and wanted(si):
                return si
            if owner is None:
                st = self.streams[si]
                goes_on = si > 0 and self.streams[si - 1].path == st.path
                rank = 0 if goes_on and self.owner.get(si - 1) == lane else (
                    1 if st.path not in self.started else 2)  # fmt: skip
                if unowned[rank] is None:
                    unowned[rank] = si
        for stream in unowned:
            if stream is not None:
                self._claim(stream, lane)
                return stream
        return self.si if wanted(self.si) else None


def _expected(remaining: int) -> int:
    """Candidates expected to give ``remaining`` problems (a quarter more)."""
    return remaining + (remaining + 3) // 4


def _chunk_size(remaining: int) -> int:
    return min(CHUNK, max(1, _expected(remaining)))


def _run_stream(
    st: _Stream,
    si: int,
    state: _State,
    feed: _Feed,
    writer: _Writer,
    dedup: _Dedup,
    checkpoints: _Checkpoints,
    bar: Any,
    parquet: AsItGoes | None = None,
) -> None:
    """Consume the stream's candidates in order until its quota is met (the records
    written go to ``parquet`` too, if given)."""
    import orjson

    from .family import reason_shape

    key = f"{st.family}/L{st.level}"
    counts = state.counts.setdefault(
        key, {"made": 0, "candidates": 0, "rejected": 0, "duplicates": 0, "test": 0}
    )
    reasons: Counter[str] = Counter()
    k = state.next_k
    since_new = 0
    while counts["made"] < st.quota:
        first, made = k, counts["made"]
        (statuses, payloads, qhashes), k = feed.take(si, k, st.quota - made)
        used = min(len(statuses), st.quota - made)  # candidates used if all are new problems
        if "rejected" not in statuses[:used] and dedup.all_new(qhashes[:used], st.level, first):
            # the usual chunk, taken whole, without looking at each candidate
            names, lines = statuses[:used], payloads[:used]
            counts["candidates"] += used
            counts["made"] += used
            counts["test"] += names.count("test")
            since_new = 0
        else:
            names, lines, used = [], [], 0
            for status, payload, qhash in zip(statuses, payloads, qhashes, strict=True):
                if counts["made"] >= st.quota:
                    break
                cand = first + used
                used += 1
                counts["candidates"] += 1
                since_new += 1
                if status != "rejected":
                    question = orjson.loads(payload)["question"] if dedup.lsh is not None else ""
                    reason = dedup.check(qhash, question, st.level, cand)
                else:
                    reason = payload.decode()
                if reason is not None:
                    counts["rejected" if status == "rejected" else "duplicates"] += 1
                    reasons[reason_shape(reason)] += 1
                    rec_id = record_id(st.family, st.level, feed.opts.seed, cand)
                    audit = {"stream": key, "candidate": cand, "id": rec_id, "reason": reason}
                    names.append("audit")
                    lines.append(orjson.dumps(audit, option=orjson.OPT_APPEND_NEWLINE))
                    continue
                counts["test"] += status == "test"
                names.append(status)
                lines.append(payload)
                counts["made"] += 1
                since_new = 0
        writer.write(names, lines)
        if parquet is not None:
            parquet.add(names, lines)
        bar.update(counts["made"] - made)
        if used == len(statuses):  # a whole chunk consumed: a checkpoint may follow
            state.stream, state.next_k = si, k
            checkpoints.save(state)
        if since_new >= _GIVE_UP_WINDOW and counts["made"] < st.quota:
            top = "; ".join(f"{r!r} x{n}" for r, n in reasons.most_common(3))
            raise QuotaImpossible(
                f"family {st.family!r} level {st.level} made only {counts['made']} "
                f"distinct problems from {counts['candidates']} candidates, none new in "
                f"the last {since_new} ({counts['duplicates']} duplicates, "
                f"{counts['rejected']} rejected; most common: {top}); it can make about "
                f"{counts['made']}: lower the quota (-n) to at most that"
            )


class _Checkpoints:
    """Saves the resume state, at most every ``_CHECKPOINT_SECONDS``: a save (an
    fsync'd rename) waits milliseconds for the disk, which after every chunk would
    hold the writer back for much of the run. An interrupted run redoes the work
    done since the last save."""

    def __init__(self, path: Path, writer: _Writer) -> None:
        self.path = path
        self.writer = writer
        self.last = -float("inf")

    def save(self, state: _State) -> None:
        """Save ``state`` (between chunks: the files hold what it says) if one is due."""
        now = time.monotonic()
        if now - self.last < _CHECKPOINT_SECONDS:
            return
        self.last = now
        state.offsets = self.writer.offsets()
        _fsync_write(self.path, json.dumps(asdict(state)).encode())


def _finish(
    writer: _Writer, opts: GenerateOptions, splits: list[str], parquet: AsItGoes | None
) -> list[Path]:
    """Rename the partial files (converting to Parquet if asked, unless ``parquet``
    has made the Parquet files already)."""
    made = parquet is not None and parquet.close()
    files = []
    for name in (*splits, "audit"):
        part = writer.partial(name)
        if name != "audit" and opts.fmt == "parquet":
            final = parquet_path(part)
            if not made:
                to_parquet(part, final)
            part.unlink()
        else:
            final = part.with_name(part.name.removesuffix(".partial"))
            part.replace(final)
        files.append(final)
    return files


def _review(out: Path, files: list[Path], n: int, seed: int) -> Path:
    """A Markdown sample of ``n`` records for a human spot check."""
    rows: list[dict[str, Any]] = []
    for f in files:
        if f.suffix in (".jsonl", ".parquet") and not f.name.startswith("audit"):
            rows.extend(read_records(f))
    rows.sort(key=lambda r: _unit("review", seed, r["id"]))
    lines = ["# Review sample", "", f"{min(n, len(rows))} records drawn at random.", ""]
    for r in rows[:n]:
        lines += [
            f"## {r['id']} ({r['topic']}, level {r['difficulty']})",
            "",
            r["question"],
            "",
            f"**Answer:** {r['answer_text']}",
            "",
            *(f"{i}. {s}" for i, s in enumerate(r["steps"], 1)),
            "",
            "- [ ] English correct  - [ ] answer correct  - [ ] realistic",
            "",
        ]
    path = out / _REVIEW
    _fsync_write(path, "\n".join(lines).encode())
    return path


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, on: bool) -> Any:
    if not on or not sys.stderr.isatty():
        return _NoBar()
    try:
        from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return _NoBar()
    return tqdm(total=total, unit="problem", smoothing=0.1)


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL or Parquet file (clear errors for anything else:
    :func:`gramgen.datasets.records_of`)."""
    from .datasets import records_of

    for _, rec in records_of(Path(path)):
        yield rec
