#!/usr/bin/python3
"""Runs jcnn and PyTorch (numpy/OpenBLAS for GEMM) on the same work, alternately, and prints the ratios.

    /usr/bin/python3 tools/bench/compare.py [--threads 1,2] [--rounds 3] [--groups gemm,conv,...] [--scaling 4] [--dl4j] [--markdown]

Each round runs `jcnn bench --json` and `tools/bench/torch_bench.py --json` once per thread count, in turn, so
both see the same machine conditions; per case the median over the rounds of each side's median time is
compared. Ratio = PyTorch time / jcnn time (above 1: jcnn is faster). PyTorch runs with OMP_WAIT_POLICY=PASSIVE
(spinning OpenMP workers collapse on a shared 2-core machine) and exactly N OpenMP/OpenBLAS threads.

Two threads over one (a target of its own) compares jcnn with itself, and in the rounds its two sides run minutes
apart, on a machine whose speed drifts over minutes. So, with threads 1 and 2 and the train group, --scaling N pairs
of `jcnn bench --groups train` at one and at two threads run back to back afterwards (order swapped every other
pair), and each pair gives a ratio of medians; their min/median/max are printed below the table.

With --dl4j, each round also runs Deeplearning4j (tools/bench/dl4j/run: its newest release, 1.0.0-M2.1, through
MultiLayerNetwork on ND4J's CPU backend, fetched from Maven Central on first use) on the conv, train and infer
groups, and a second table gives Deeplearning4j time / jcnn time.

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


def run_dl4j(threads, groups, quick, out):
    wanted = ",".join(g for g in groups.split(",") if g in ("conv", "train", "infer"))
    if not wanted:
        return None
    cmd = [os.path.join(HERE, "dl4j", "run"), "--threads", str(threads), "--groups", wanted, "--json", out]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def print_table(times, other_engine, header, markdown):
    """Per case and thread count: the median over the rounds of jcnn's medians and of other_engine's, and their ratio."""
    rows = []
    for (t, engine, group, name), runs in sorted(times.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][3])):
        if engine != "jcnn":
            continue
        other = times.get((t, other_engine, group, name))
        if not other:
            continue
        mj = statistics.median(x["median"] for x in runs)
        mt = statistics.median(x["median"] for x in other)
        work, unit = runs[0]["work"], runs[0]["unit"]
        fmt = (lambda s: f"{work / s / 1e9:.1f} GFLOP/s") if unit == "flop" else (lambda s: f"{work / s:,.0f} {unit}/s")
        rows.append((str(t), group, name, fmt(mj), fmt(mt), f"{mt / mj:.2f}x"))
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--groups", default="gemm,conv,pool,deconv,train,infer")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--scaling", type=int, default=4, help="alternated pairs of one- and two-thread training runs (0: none)")
    ap.add_argument("--dl4j", action="store_true", help="also run Deeplearning4j on the conv, train and infer groups")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table (for the README)")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    # (threads, engine, case) -> list of medians
    times = {}
    meta = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for t in threads:
                engines = [("jcnn", run_jcnn), ("torch", run_torch)] + ([("dl4j", run_dl4j)] if args.dl4j else [])
                for engine, runner in engines:
                    data = runner(t, args.groups, args.quick, os.path.join(tmp, f"{engine}-{t}-{r}.json"))
                    if data is None:
                        continue
                    meta[engine] = data["engine"]
                    for row in data["results"]:
                        key = (t, engine, row["group"], row["name"])
                        times.setdefault(key, []).append(row)
                    print(f"round {r + 1}/{args.rounds}, {t} thread(s), {engine}: done", file=sys.stderr)
        scaling = []
        if args.scaling > 0 and 1 in threads and 2 in threads and "train" in args.groups.split(","):
            for p in range(args.scaling):
                pair = {}
                for t in ((1, 2) if p % 2 == 0 else (2, 1)):
                    data = run_jcnn(t, "train", args.quick, os.path.join(tmp, f"scaling-{p}-{t}.json"))
                    pair[t] = {row["name"]: row["median"] for row in data["results"] if row["group"] == "train"}
                scaling.append(pair)
                print(f"scaling pair {p + 1}/{args.scaling}: done", file=sys.stderr)
    print(f"# {datetime.date.today()}  {cpu_name()}, {os.cpu_count()} cores; {meta.get('jcnn')} vs {meta.get('torch')}")
    print(f"# command: /usr/bin/python3 tools/bench/compare.py --threads {args.threads} --rounds {args.rounds} --groups {args.groups} "
          f"--scaling {args.scaling}{' --dl4j' if args.dl4j else ''}")
    print_table(times, "torch", ("threads", "group", "case", "jcnn", "PyTorch/numpy", "ratio"), args.markdown)
    if "dl4j" in meta:
        print()
        print(f"# {meta['dl4j']}: ratio = Deeplearning4j time / jcnn time, from the same rounds")
        print_table(times, "dl4j", ("threads", "group", "case", "jcnn", "Deeplearning4j", "ratio"), args.markdown)
    if scaling:
        print()
        print(f"Two threads over one, jcnn training, {len(scaling)} alternated pairs of one- and two-thread runs "
              "(per pair: one-thread median time / two-thread median time):")
        print()
        for name in scaling[0][1]:
            ratios = sorted(pair[1][name] / pair[2][name] for pair in scaling)
            print(f"- {name}: min {ratios[0]:.2f}x, median {statistics.median(ratios):.2f}x, max {ratios[-1]:.2f}x "
                  f"({', '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    sys.exit(main())
