#!/usr/bin/python3
"""Runs jcnn and PyTorch (numpy/OpenBLAS for GEMM) on the same work, alternately, and prints the ratios.

    /usr/bin/python3 tools/bench/compare.py [--threads 1,2] [--rounds 3] [--groups gemm,conv,...] [--markdown]

Each round runs `jcnn bench --json` and `tools/bench/torch_bench.py --json` once per thread count, in turn, so
both see the same machine conditions; per case the median over the rounds of each side's median time is
compared. Ratio = PyTorch time / jcnn time (above 1: jcnn is faster). PyTorch runs with OMP_WAIT_POLICY=PASSIVE
(spinning OpenMP workers collapse on a shared 2-core machine) and exactly N OpenMP/OpenBLAS threads.

Needs Debian's python3-torch and libopenblas0-openmp (without the latter PyTorch's and numpy's matrix products
use the reference BLAS, ~24x slower, and every ratio would be void).
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run_jcnn(threads, groups, quick, out):
    cmd = [os.path.join(ROOT, "jcnn"), "bench", "--threads", str(threads), "--groups", groups, "--json", out]
    if quick:
        cmd.append("--quick")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)


def run_torch(threads, groups, quick, out):
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    cmd = ["/usr/bin/python3", os.path.join(HERE, "torch_bench.py"), "--threads", str(threads), "--groups", groups, "--json", out]
    if quick:
        cmd.append("--quick")
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--groups", default="gemm,conv,pool,deconv,train,infer")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table (for the README)")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    # (threads, engine, case) -> list of medians
    times = {}
    meta = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for t in threads:
                for engine, runner in (("jcnn", run_jcnn), ("torch", run_torch)):
                    data = runner(t, args.groups, args.quick, os.path.join(tmp, f"{engine}-{t}-{r}.json"))
                    meta[engine] = data["engine"]
                    for row in data["results"]:
                        key = (t, engine, row["group"], row["name"])
                        times.setdefault(key, []).append(row)
                    print(f"round {r + 1}/{args.rounds}, {t} thread(s), {engine}: done", file=sys.stderr)
    print(f"# {datetime.date.today()}  {cpu_name()}, {os.cpu_count()} cores; {meta.get('jcnn')} vs {meta.get('torch')}")
    print(f"# command: /usr/bin/python3 tools/bench/compare.py --threads {args.threads} --rounds {args.rounds} --groups {args.groups}")
    header = ("threads", "group", "case", "jcnn", "PyTorch/numpy", "ratio")
    rows = []
    for (t, engine, group, name), runs in sorted(times.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][3])):
        if engine != "jcnn":
            continue
        other = times.get((t, "torch", group, name))
        if not other:
            continue
        mj = statistics.median(x["median"] for x in runs)
        mt = statistics.median(x["median"] for x in other)
        work, unit = runs[0]["work"], runs[0]["unit"]
        fmt = (lambda s: f"{work / s / 1e9:.1f} GFLOP/s") if unit == "flop" else (lambda s: f"{work / s:,.0f} {unit}/s")
        rows.append((str(t), group, name, fmt(mj), fmt(mt), f"{mt / mj:.2f}x"))
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    sys.exit(main())
