"""Batch runs at scale: throughput, peak memory of the whole process tree, and exactness.

    .venv/bin/python bench/bench_batch.py [--sizes 1000,10000] [--jobs 1,2] [--rounds 3] [--keep DIR] [--record]

For each size, ``report-parser synth N`` writes a corpus into a temporary folder; then
``report-parser parse raw --out run --quiet --jobs J`` runs for each J, ``--rounds`` times with
the order alternating (the speed-up is the median over rounds of runs made side by side in
time: this VM's speed drifts by up to 1.7× over minutes). Each round also runs two independent
``--jobs 1`` parses, one per half of the reports, at once: what two processes with no coordination
get out of the machine at that moment, the yardstick for ``--jobs 2``. This script samples
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
import statistics
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


def bench_size(n: int, jobs: list[int], tmp: Path, rounds: int) -> list[dict]:
    """Synthesize ``n`` reports, then parse them ``rounds`` times with each ``--jobs`` value,
    alternating the order every round (this VM's speed drifts by minutes: runs compared with each
    other are run next to each other). Return one row per jobs value, with the medians."""
    corpus = tmp / f"corpus{n}"
    t0 = time.perf_counter()
    subprocess.run([*CLI, "synth", str(n), "--out", str(corpus), "--seed", "2024"], env=_env(), check=True,
                   capture_output=True)
    synth_s = time.perf_counter() - t0
    print(f"synth {n}: {synth_s:.1f} s", flush=True)
    halves = split_in_two(corpus / "raw", tmp / f"halves{n}")
    runs: dict[int, list[dict]] = {j: [] for j in jobs}
    pairs: list[float] = []
    for r in range(rounds):
        for j in [*jobs, 0] if r % 2 == 0 else [0, *jobs[::-1]]:
            if j == 0:  # the machine's own limit, measured in the same round
                pairs.append(pair_seconds(halves, tmp))
                print(f"  round {r + 1} two independent --jobs 1 runs on the halves at once: {pairs[-1]:.1f} s", flush=True)
                continue
            out = tmp / f"run{n}_j{j}"
            got = run_sampled([*CLI, "parse", str(corpus / "raw"), "--out", str(out), "--quiet", "--jobs", str(j)], tmp)
            got["score"] = score(corpus, out)
            print(f"  round {r + 1} parse --jobs {j}: {got['seconds']:.1f} s, {n / got['seconds']:.0f} reports/s, "
                  f"peak RSS {got['peak'] / 2**20:.0f} MB, CPU {got['cpu']:.1f} s (other processes "
                  f"{got['foreign']:.1f} s), exit {got['exit']}; {got['score']}", flush=True)
            runs[j].append(got)
            shutil.rmtree(out)
    rows = []
    for j, got in runs.items():
        seconds = statistics.median(g["seconds"] for g in got)
        rows.append({"n": n, "jobs": j, "seconds": seconds, "walls": [g["seconds"] for g in got],
                     "rate": n / seconds, "peak_mb": max(g["peak"] for g in got) / 2**20,
                     "exit": max(g["exit"] for g in got), "score": " / ".join(sorted({g["score"] for g in got})),
                     "synth_s": synth_s, "cpu": statistics.median(g["cpu"] for g in got),
                     "foreign": statistics.median(g["foreign"] for g in got)})
    if 1 in runs and 2 in runs:  # the speed-up of each round, from runs made next to each other
        rows[jobs.index(2)]["speedups"] = [a["seconds"] / b["seconds"] for a, b in zip(runs[1], runs[2])]
        rows[jobs.index(2)]["pairs"] = [a["seconds"] / p for a, p in zip(runs[1], pairs)]
    shutil.rmtree(corpus)
    shutil.rmtree(halves[0].parent)
    return rows


def split_in_two(raw: Path, folder: Path) -> tuple[Path, Path]:
    """Hard-link every other file of ``raw`` into two folders (the same mix of kinds in each)."""
    halves = (folder / "a", folder / "b")
    for half in halves:
        half.mkdir(parents=True)
    for i, path in enumerate(sorted(raw.iterdir())):
        os.link(path, halves[i % 2] / path.name)
    return halves


def pair_seconds(halves: tuple[Path, Path], tmp: Path) -> float:
    """Run one ``--jobs 1`` parse per half, both at once; return the seconds until both are done:
    what two independent processes get out of this machine, with none of a batch's coordination."""
    start = time.perf_counter()
    procs = [subprocess.Popen([*CLI, "parse", str(half), "--quiet", "--jobs", "1", "--out", str(tmp / f"pair{i}")],
                              env=_env(), stderr=subprocess.DEVNULL) for i, half in enumerate(halves)]
    codes = [proc.wait() for proc in procs]
    seconds = time.perf_counter() - start
    if any(code not in (0, 1) for code in codes):
        raise SystemExit(f"a --jobs 1 run on half the corpus failed (exit codes {codes})")
    for i in range(2):
        shutil.rmtree(tmp / f"pair{i}")
    return seconds


def record(rows: list[dict], command: str) -> None:
    """Append the figures to bench/RESULTS.md under a "Batch" heading."""
    lines = [f"\n## Batch ({dt.date.today().isoformat()})\n",
             (f"`{command}` on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
              "Synthetic corpora (`report-parser synth N --seed 2024`: text in every dialect and HTML pages, both "
              "templates); each size parsed once per round with each `--jobs` value, and by two `--jobs 1` "
              "runs on its two halves at once, the order alternating between rounds; wall time, CPU and "
              "reports/s are medians over the rounds. Peak RSS is the "
              "largest over the rounds of the sum over the command, its workers and the resource tracker, "
              "sampled every 100 ms.\n"),
             ("| reports | jobs | wall s (median; every round) | reports/s | peak RSS MB | CPU s (tree) | "
              "CPU s (other processes) | score-corpus |"),
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        walls = ", ".join(f"{w:.1f}" for w in r["walls"])
        lines.append(f"| {r['n']} | {r['jobs']} | {r['seconds']:.1f} ({walls}) | {r['rate']:.0f} | {r['peak_mb']:.0f} | "
                     f"{r['cpu']:.1f} | {r['foreign']:.1f} | {r['score']} |")
    by = {(r["n"], r["jobs"]): r for r in rows}
    for n in sorted({r["n"] for r in rows}):
        if (n, 1) in by and (n, 2) in by:
            each = ", ".join(f"{x:.2f}×" for x in by[(n, 2)]["speedups"])
            lines.append(f"\n{n} reports: `--jobs 2` is {statistics.median(by[(n, 2)]['speedups']):.2f}× the "
                         f"throughput of `--jobs 1` (median of the rounds: {each}); synth wrote them in "
                         f"{by[(n, 1)]['synth_s']:.1f} s.")
            pairs = by[(n, 2)]["pairs"]
            lines.append(f"Two independent `--jobs 1` runs, one on each half of the reports, at once (the machine's "
                         f"own limit for two processes, in the same rounds): {statistics.median(pairs):.2f}× one "
                         f"run ({', '.join(f'{x:.2f}×' for x in pairs)}); `--jobs 2` gets "
                         f"{statistics.median(a / b for a, b in zip(by[(n, 2)]['speedups'], pairs)):.0%} of that "
                         "(median of the rounds).")
    path = ROOT / "bench" / "RESULTS.md"
    if not path.exists():
        path.write_text("# Benchmark results\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--rounds", type=int, default=3, help="parse each size this many times per jobs value")
    ap.add_argument("--keep", type=Path, help="work in this folder instead of a temporary one")
    ap.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    a = ap.parse_args()
    jobs = [int(j) for j in a.jobs.split(",")]
    tmp = a.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        rows = [r for n in map(int, a.sizes.split(",")) for r in bench_size(n, jobs, tmp, a.rounds)]
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if a.record:
        record(rows, "python bench/bench_batch.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
