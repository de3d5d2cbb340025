#!/usr/bin/python3
"""The PyTorch (and numpy/OpenBLAS) side of jcnn's benchmarks: the same work as `jcnn bench`, timed the same way.

Run with Debian's interpreter, which has PyTorch 1.13 (python3-torch); install libopenblas0-openmp first or
PyTorch's and numpy's matrix products use the reference BLAS (~24x slower) and every ratio is void:
    apt-get install python3-torch libopenblas0-openmp
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tools/bench/torch_bench.py --threads 1 --json out.json

Timing: warm up, then several samples each long enough to average out timer resolution; report min / median /
max seconds per operation. tools/bench/compare.py runs this and `jcnn bench` alternately and prints ratios.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CONV_SHAPES = [(100, 1, 28, 28, 30, 5, 1, 0), (100, 1, 28, 28, 16, 3, 1, 1), (100, 16, 28, 28, 16, 3, 1, 1),
               (64, 3, 32, 32, 64, 3, 1, 1), (64, 64, 32, 32, 64, 3, 1, 1), (32, 64, 56, 56, 128, 3, 2, 1),
               (8, 128, 28, 28, 256, 3, 1, 1)]


def timed(op, warmup=0.5, sample=0.25, samples=7):
    deadline = time.perf_counter() + warmup
    calls, start = 0, time.perf_counter()
    while time.perf_counter() < deadline or calls < 2:
        op()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    ops = max(1, int(sample / max(per_call, 1e-9) + 0.999))
    t = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(ops):
            op()
        t.append((time.perf_counter() - t0) / ops)
    t.sort()
    return t[0], t[len(t) // 2], t[-1]


def gemm_cases(quick):
    squares = [256, 1024] if quick else [256, 512, 1024, 2048]
    cases = []
    for n in squares:
        cases.append((f"sgemm {n}x{n}x{n}", False, False, n, n, n))
    for (m, k, n) in [(30, 25, 57600), (64, 576, 1024), (128, 1152, 3136)]:
        cases.append((f"conv fwd  W·col   {m}x{k}x{n}", False, False, m, n, k))
        cases.append((f"conv bwdW dY·colT {m}x{n}x{k}", False, True, m, k, n))
        cases.append((f"conv bwdX WT·dY   {k}x{m}x{n}", True, False, k, n, m))
        if quick:
            break
    out = []
    rng = np.random.default_rng(1)
    for name, ta, tb, m, n, k in cases:
        a = rng.uniform(-1, 1, (k, m) if ta else (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, k) if tb else (k, n)).astype(np.float32)
        aa = a.T if ta else a
        bb = b.T if tb else b
        c = np.empty((m, n), dtype=np.float32)
        out.append(("gemm", name, 2.0 * m * n * k, "flop", timed(lambda: np.matmul(aa, bb, out=c))))
    return out


def layer_cases(group, shape, layer, input_shape):
    x = torch.rand(*input_shape) * 2 - 1
    with torch.no_grad():
        dy = torch.rand_like(layer(x)) * 2 - 1
    images = input_shape[0]

    def fwd():
        with torch.no_grad():
            layer(x)

    xg = x.clone().requires_grad_(True)

    def fwd_bwd():
        layer.zero_grad(set_to_none=True)
        xg.grad = None
        layer(xg).backward(dy)

    return [(group, shape + " fwd", images, "images", timed(fwd)),
            (group, shape + " fwd+bwd", images, "images", timed(fwd_bwd))]


def conv_cases(quick):
    out = []
    for (n, c, h, w, oc, k, s, p) in CONV_SHAPES:
        conv = nn.Conv2d(c, oc, k, stride=s, padding=p)
        shape = f"({n},{c},{h},{w})->{oc} k{k} s{s} p{p}"
        out += layer_cases("conv", shape, conv, (n, c, h, w))
        if quick and len(out) >= 4:
            break
    out += layer_cases("pool", "maxpool 2x2 (100,30,24,24)", nn.MaxPool2d(2), (100, 30, 24, 24))
    out += layer_cases("deconv", "convT (64,64,16,16)->32 k4 s2 p1", nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1),
                       (64, 64, 16, 16))
    return out


def models(name):
    if name == "simple":
        return nn.Sequential(nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(4320, 100), nn.ReLU(), nn.Linear(100, 10))
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(1024, 50), nn.ReLU(), nn.Dropout(0.5), nn.Linear(50, 10), nn.Dropout(0.5))


def training_cases(groups):
    """One training step (forward, loss, backward, Adam) and one inference forward, batches of 100 1x28x28 images."""
    out = []
    x = torch.rand(100, 1, 28, 28)
    y = torch.randint(0, 10, (100,))
    for title, name in [("SimpleConvNet", "simple"), ("DeepConvNet", "deep")]:
        net = models(name)
        if "train" in groups:
            opt = torch.optim.Adam(net.parameters(), 1e-3)
            net.train()

            def step():
                opt.zero_grad(set_to_none=True)
                F.cross_entropy(net(x), y).backward()
                opt.step()
            out.append(("train", f"{title} train (batch 100, Adam)", 100, "images", timed(step)))
    for title, name in [("SimpleConvNet", "simple"), ("DeepConvNet", "deep")]:
        net = models(name).eval()
        if "infer" in groups:
            def infer():
                with torch.no_grad():
                    net(x)
            out.append(("infer", f"{title} inference (batch 100)", 100, "images", timed(infer)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--groups", default="gemm,conv,pool,deconv,train,infer")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    groups = set(args.groups.split(","))
    results = []
    if "gemm" in groups:
        results += gemm_cases(args.quick)
    if groups & {"conv", "pool", "deconv"}:
        results += [r for r in conv_cases(args.quick) if r[0] in groups]
    if groups & {"train", "infer"}:
        results += training_cases(groups)
    rows = [{"group": g, "name": n, "work": wk, "unit": u, "min": t[0], "median": t[1], "max": t[2]}
            for (g, n, wk, u, t) in results]
    for r in rows:
        rate = r["work"] / r["median"]
        unit = "GFLOP/s" if r["unit"] == "flop" else r["unit"] + "/s"
        print(f"{r['group']:7} {r['name']:40} {rate / 1e9 if r['unit'] == 'flop' else rate:10.1f} {unit}"
              f"   (median {r['median'] * 1e3:.3f} ms, min {r['min'] * 1e3:.3f}, max {r['max'] * 1e3:.3f})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"engine": f"PyTorch {torch.__version__}", "threads": args.threads, "results": rows}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
