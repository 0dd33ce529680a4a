"""Batch runs at scale: throughput, peak memory of the whole process tree, and exactness.

    .venv/bin/python bench/bench_batch.py [--sizes 1000,10000] [--jobs 1,2] [--keep DIR] [--record]

For each size, ``report-parser synth N`` writes a corpus into a temporary folder; then
``report-parser parse raw --out run --quiet --jobs J`` runs for each J while this script samples
the resident memory (RSS) of the command and all its children (the workers and multiprocessing's resource tracker)
every 100 ms, summing them: the peak of that sum is "peak RSS". Every run is scored with
``../shared/tools/score-corpus`` (every cell must be exact). ``--record`` appends the figures to
bench/RESULTS.md under "Batch". Needs psutil (installed with the [dask] extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "tools" / "score-corpus"
CLI = [sys.executable, "-m", "report_parser"]


def tree_sample(proc: psutil.Process, cpu: dict[int, float]) -> int:
    """Given a process, return the RSS of it and all its descendants, in bytes; note their CPU
    seconds in ``cpu`` (by pid)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
            t = p.cpu_times()
            cpu[p.pid] = t.user + t.system
        except psutil.Error:
            pass
    return total


def _busy() -> float:
    """Return the CPU seconds the whole machine has been busy (all cores)."""
    t = psutil.cpu_times()
    return t.user + t.system + t.nice + getattr(t, "irq", 0) + getattr(t, "softirq", 0)


def run_sampled(cmd: list[str], cwd: Path) -> dict[str, float]:
    """Run a command; return its wall time, exit code, the peak RSS of its process tree, and the
    CPU seconds other processes took meanwhile (noise: the figures need a quiet machine)."""
    me = psutil.Process()
    start, busy0, mine0 = time.perf_counter(), _busy(), sum(me.cpu_times()[:2])
    child = subprocess.Popen(cmd, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    proc, peak, done, cpu = psutil.Process(child.pid), 0, threading.Event(), {}

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, tree_sample(proc, cpu))
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = child.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed: {err.decode()[-2000:]}")
    ours, mine = sum(cpu.values()), sum(me.cpu_times()[:2]) - mine0  # mine: this sampler's own cost
    return {"seconds": seconds, "exit": child.returncode, "peak": peak, "cpu": ours,
            "foreign": max(0.0, _busy() - busy0 - ours - mine)}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def score(corpus: Path, out: Path) -> str:
    """Return score-corpus's summary line for a run (or a note when the scorer is absent)."""
    if not SCORER.exists():
        return "score-corpus not found"
    done = subprocess.run([sys.executable, str(SCORER), "--corpus", str(corpus), "--out", str(out)],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def bench_size(n: int, jobs: list[int], tmp: Path) -> list[dict]:
    corpus = tmp / f"corpus{n}"
    t0 = time.perf_counter()
    subprocess.run([*CLI, "synth", str(n), "--out", str(corpus), "--seed", "2024"], env=_env(), check=True,
                   capture_output=True)
    synth_s = time.perf_counter() - t0
    print(f"synth {n}: {synth_s:.1f} s", flush=True)
    rows = []
    for j in jobs:
        out = tmp / f"run{n}_j{j}"
        got = run_sampled([*CLI, "parse", str(corpus / "raw"), "--out", str(out), "--quiet", "--jobs", str(j)], tmp)
        row = {"n": n, "jobs": j, "seconds": got["seconds"], "rate": n / got["seconds"], "peak_mb": got["peak"] / 2**20,
               "exit": got["exit"], "score": score(corpus, out), "synth_s": synth_s, "cpu": got["cpu"],
               "foreign": got["foreign"]}
        print(f"  parse --jobs {j}: {row['seconds']:.1f} s, {row['rate']:.0f} reports/s, peak RSS {row['peak_mb']:.0f} MB, "
              f"CPU {row['cpu']:.0f} s (other processes {row['foreign']:.0f} s), exit {row['exit']}; {row['score']}",
              flush=True)
        rows.append(row)
        shutil.rmtree(out)
    if n <= 1000:
        rows[-1]["ceiling"] = ceiling(corpus, tmp, by_jobs=rows)
    shutil.rmtree(corpus)
    return rows


def ceiling(corpus: Path, tmp: Path, by_jobs: list[dict]) -> float:
    """Run two independent ``--jobs 1`` parses of the whole corpus at once; return their combined
    throughput over one ``--jobs 1`` run's: what two processes can get out of this machine."""
    cmd = [*CLI, "parse", str(corpus / "raw"), "--quiet", "--jobs", "1", "--out"]
    start = time.perf_counter()
    procs = [subprocess.Popen([*cmd, str(tmp / f"ceiling{i}")], env=_env(), stderr=subprocess.DEVNULL)
             for i in range(2)]
    for proc in procs:
        proc.wait()
    both = 2 * len(list((corpus / "raw").iterdir())) / (time.perf_counter() - start)
    single = next(r["rate"] for r in by_jobs if r["jobs"] == 1)
    print(f"  two independent --jobs 1 runs at once: {both:.0f} reports/s, {both / single:.2f}× one run", flush=True)
    for i in range(2):
        shutil.rmtree(tmp / f"ceiling{i}")
    return both / single


def record(rows: list[dict], command: str) -> None:
    """Append the figures to bench/RESULTS.md under a "Batch" heading."""
    lines = [f"\n## Batch ({dt.date.today().isoformat()})\n",
             (f"`{command}` on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
              "Synthetic corpora (`report-parser synth N --seed 2024`: text in every dialect and HTML pages, both "
              "templates); peak RSS is the sum over the command, its workers and the resource tracker, sampled every 100 ms.\n"),
             "| reports | jobs | wall s | reports/s | peak RSS MB | CPU s (tree) | CPU s (other processes) | score-corpus |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['n']} | {r['jobs']} | {r['seconds']:.1f} | {r['rate']:.0f} | {r['peak_mb']:.0f} | "
                     f"{r['cpu']:.0f} | {r['foreign']:.0f} | {r['score']} |")
    by = {(r["n"], r["jobs"]): r for r in rows}
    for n in sorted({r["n"] for r in rows}):
        if (n, 1) in by and (n, 2) in by:
            lines.append(f"\n{n} reports: `--jobs 2` is {by[(n, 2)]['rate'] / by[(n, 1)]['rate']:.2f}× the "
                         f"throughput of `--jobs 1`; synth wrote them in {by[(n, 1)]['synth_s']:.1f} s.")
            if "ceiling" in by[(n, 2)]:
                lines.append(f"Two independent `--jobs 1` runs of the same {n} reports at once get "
                             f"{by[(n, 2)]['ceiling']:.2f}× one run's throughput: the most two processes "
                             "get out of this machine for this work.")
    path = ROOT / "bench" / "RESULTS.md"
    if not path.exists():
        path.write_text("# Benchmark results\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--keep", type=Path, help="work in this folder instead of a temporary one")
    ap.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    a = ap.parse_args()
    jobs = [int(j) for j in a.jobs.split(",")]
    tmp = a.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        rows = [r for n in map(int, a.sizes.split(",")) for r in bench_size(n, jobs, tmp)]
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if a.record:
        record(rows, "python bench/bench_batch.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
