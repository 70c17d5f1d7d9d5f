"""Result storage: Parquet chunks, a crash journal, resume bookkeeping and run metadata.

Layout of an output directory::

    metadata.json        spec hash, spec, package versions, git commit, one entry per session
    journal.jsonl        finished runs not yet in a chunk (one JSON line each, flushed per run)
    chunks/chunk-*.parquet   finished runs, written atomically (tmp file + os.replace)
    results.parquet      all runs sorted by run_index, written when the sweep is complete

Every finished run is in the journal or a chunk the moment it returns, so a killed
sweep loses at most the runs in flight. Memory is bounded by the chunk size.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
from importlib import metadata as _md
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from experiments.errors import ExperimentError
from experiments.spec import Spec, column_kind

_ARROW = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}
_PACKAGES = ("numpy", "pandas", "pyarrow", "SALib", "dask", "distributed", "Mesa", "scipy", "PyYAML")


def schema(spec: Spec) -> pa.Schema:
    """Fixed column layout so every chunk of a sweep concatenates cleanly."""
    fields = [("run_index", pa.int64()), ("run_id", pa.string()), ("point", pa.int64()),
              ("replication", pa.int64()), ("structure", pa.string()), ("seed", pa.int64())]
    fields += [(p.name, _ARROW[column_kind(p)]) for p in spec.parameters]
    fields += [(m, pa.float64()) for m in spec.metrics]
    fields += [("error", pa.string())]
    return pa.schema(fields, metadata={"experiments.spec_hash": spec.hash})


class ResultStore:
    """Append-only store of run rows for one experiment in one directory."""

    def __init__(self, out_dir, spec: Spec, chunk_size: int = 1000):
        self.dir = Path(out_dir)
        self.spec = spec
        self.schema = schema(spec)
        self.chunk_size = chunk_size
        self._buffer: list[dict] = []
        self._journal = None

    # -- opening and resume -------------------------------------------------

    def open(self, session: dict) -> None:
        """Claim the directory for this spec (refusing a different one) and recover the journal."""
        meta_path = self.dir / "metadata.json"
        if meta_path.exists():
            meta = json.loads(meta_path.read_text())
            if meta.get("spec_hash") != self.spec.hash:
                raise ExperimentError(
                    f"{self.dir}: holds results of a different experiment (spec hash "
                    f"{meta.get('spec_hash')} from {meta.get('spec_path')}, this spec is {self.spec.hash}); "
                    "use another --out directory")
        else:
            self.dir.mkdir(parents=True, exist_ok=True)
            meta = {"spec_hash": self.spec.hash, "spec_name": self.spec.name,
                    "spec_path": str(self.spec.path), "spec": self.spec.normalized,
                    "structures": list(self.spec.structures), "baseline": self.spec.baseline,
                    "parameters": [p.name for p in self.spec.parameters], "metrics": list(self.spec.metrics),
                    "sessions": []}
        meta["sessions"].append(session)
        _atomic_write_text(meta_path, json.dumps(meta, indent=2))
        (self.dir / "chunks").mkdir(exist_ok=True)
        self._recover_journal()
        self._journal = open(self.dir / "journal.jsonl", "a", encoding="utf-8")

    def finished(self, retry_failed: bool = False) -> tuple[set, int]:
        """Run ids to skip, and how many of the stored runs failed."""
        table = self._read_columns(["run_id", "error"])
        ids = table.column("run_id").to_pylist()
        errors = table.column("error").to_pylist()
        ok = {i for i, e in zip(ids, errors) if e is None}
        failed = {i for i, e in zip(ids, errors) if e is not None} - ok
        return (ok if retry_failed else ok | failed), len(failed)

    def _recover_journal(self) -> None:
        rows = _read_journal(self.dir / "journal.jsonl")
        if rows:
            self._write_chunk(rows)
        _atomic_write_text(self.dir / "journal.jsonl", "")

    # -- writing ----------------------------------------------------------------

    def add(self, row: dict) -> None:
        """Persist one finished run now (journal) and batch it into the next chunk."""
        self._journal.write(json.dumps(row) + "\n")
        self._journal.flush()
        self._buffer.append(row)
        if len(self._buffer) >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            self._write_chunk(self._buffer)
            self._buffer = []
        # the chunk is in place, so the journal can go; a crash in between only duplicates rows
        self._journal.seek(0)
        self._journal.truncate()
        self._journal.flush()

    def close(self) -> None:
        if self._journal is not None:
            self.flush()
            self._journal.close()
            self._journal = None

    def _write_chunk(self, rows: list[dict]) -> None:
        chunks = self.dir / "chunks"
        n = max((int(p.stem.split("-")[1]) for p in chunks.glob("chunk-*.parquet")), default=0) + 1
        table = pa.Table.from_pylist(rows, schema=self.schema)
        final = chunks / f"chunk-{n:06d}.parquet"
        tmp = chunks / f".chunk-{n:06d}.parquet.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, final)

    # -- reading ------------------------------------------------------------------

    def _read_columns(self, columns) -> pa.Table:
        tables = [pq.read_table(p, columns=columns) for p in sorted((self.dir / "chunks").glob("chunk-*.parquet"))]
        if not tables:
            return pa.table({c: pa.array([], type=self.schema.field(c).type) for c in columns})
        return pa.concat_tables(tables)

    def write_results(self) -> Path:
        """Write the consolidated, sorted ``results.parquet`` (atomically)."""
        table = pa.Table.from_pandas(read_results(self.dir), schema=self.schema, preserve_index=False)
        path = self.dir / "results.parquet"
        tmp = self.dir / ".results.parquet.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, path)
        return path


def read_results(out_dir):
    """All runs of a sweep as a DataFrame, one row per run id, sorted by run index.

    Chunk order and content depend on timing; this view does not. A run retried with
    --retry-failed keeps its successful row.
    """
    import pandas as pd

    out_dir = Path(out_dir)
    files = sorted((out_dir / "chunks").glob("chunk-*.parquet"))
    if not files:
        if (out_dir / "results.parquet").exists():
            return pd.read_parquet(out_dir / "results.parquet")
        raise ExperimentError(f"{out_dir}: no results found (run `python -m experiments sweep` first)")
    df = pd.concat([pq.read_table(f).to_pandas().assign(_chunk=i) for i, f in enumerate(files)],
                   ignore_index=True)
    df["_failed"] = df["error"].notna()
    df = (df.sort_values(["run_index", "_failed", "_chunk"], ascending=[True, True, False], kind="stable")
            .drop_duplicates("run_id", keep="first")
            .drop(columns=["_chunk", "_failed"])
            .reset_index(drop=True))
    return df


def read_metadata(out_dir) -> dict:
    path = Path(out_dir) / "metadata.json"
    if not path.exists():
        raise ExperimentError(f"{out_dir}: no metadata.json; not a sweep output directory")
    return json.loads(path.read_text())


def session_info(**extra) -> dict:
    """Provenance of one sweep invocation: versions, git commit, host, start time."""
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = _md.version(name)
        except _md.PackageNotFoundError:
            versions[name] = None
    try:
        import sim
        versions["sim"] = getattr(sim, "__version__", None)
    except ImportError:
        versions["sim"] = None
    commit, dirty = _git_state()
    return {"started": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "host": platform.node(), "git_commit": commit, "git_dirty": dirty,
            "packages": versions, **extra}


def _git_state():
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=10, check=True).stdout
        return commit, bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        return None, None


def _read_journal(path: Path) -> list[dict]:
    """Rows in the journal; a line cut short by a kill is ignored (its run is redone)."""
    if not path.exists():
        return []
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.endswith("\n"):
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return rows


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
