"""The parse stage on a Dask cluster (a small LocalCluster here) writes what a local run writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_parser.cli import main
from report_parser.synth_corpus import write_corpus

distributed = pytest.importorskip("distributed", reason="the [dask] extra is not installed")


def files(out: Path) -> dict[str, bytes]:
    """Every file but the journal; the same part boundaries, so even the Parquet files match."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".report-parser" not in p.parts}


def test_a_dask_run_writes_the_same_records_as_a_local_run(tmp_path):
    write_corpus(tmp_path / "corpus", 24, seed=5, jobs=1)
    (tmp_path / "corpus" / "raw" / "zz_empty.txt").write_bytes(b"")  # a failure travels the same way
    common = [str(tmp_path / "corpus" / "raw"), "--part-size", "10", "--format", "csv,parquet,jsonl", "--quiet"]
    assert main(["parse", *common, "--out", str(tmp_path / "local"), "--jobs", "1"]) == 1
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        code = main(["parse", *common, "--out", str(tmp_path / "dask"), "--executor", "dask",
                     "--scheduler", cluster.scheduler_address])
    assert code == 1
    local, remote = files(tmp_path / "local"), files(tmp_path / "dask")
    assert len(local) > 10 and remote == local
