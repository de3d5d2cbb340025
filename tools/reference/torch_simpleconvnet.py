#!/usr/bin/python3
"""PyTorch reference for jcnn's training recipes: SimpleConvNet (or DeepConvNet) on the embedded 10k MNIST split,
with the same options as `jcnn train` (He init, normalisation fitted on the training images, ±k-pixel random
shifts, Adam, cosine schedule per batch). Used to calibrate recipes and to check that jcnn learns as fast as a
reference implementation. Run with Debian's interpreter: /usr/bin/python3 tools/reference/torch_simpleconvnet.py
"""
import argparse, gzip, math, os, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    magic = int.from_bytes(data[:4], 'big')
    if magic == 0x803:
        n, h, w = (int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(3))
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, 1, h, w).astype(np.float32) / 255
    n = int.from_bytes(data[4:8], 'big')
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)

def model(name):
    if name == 'simple':
        return nn.Sequential(nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(4320, 100), nn.ReLU(), nn.Linear(100, 10))
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(1024, 50), nn.ReLU(), nn.Dropout(0.5), nn.Linear(50, 10), nn.Dropout(0.5))

def shift(x, k, rng):
    if k == 0:
        return x
    out = np.zeros_like(x)
    for i in range(len(x)):
        dy, dx = rng.integers(-k, k + 1, 2)
        src = x[i, :, max(0, -dy):x.shape[2] - max(0, dy), max(0, -dx):x.shape[3] - max(0, dx)]
        out[i, :, max(0, dy):max(0, dy) + src.shape[1], max(0, dx):max(0, dx) + src.shape[2]] = src
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(os.path.dirname(__file__), '../../../shared/data/mnist10k'))
    ap.add_argument('--model', default='simple')
    ap.add_argument('--epochs', type=int, default=25)
    ap.add_argument('--shift', type=int, default=2)
    ap.add_argument('--schedule', default='cosine')
    ap.add_argument('--init', default='he')
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(a.seed); torch.set_num_threads(a.threads)
    rng = np.random.default_rng(a.seed)
    xtr, ytr = idx(f'{a.data}/train-images-idx3-ubyte.gz'), idx(f'{a.data}/train-labels-idx1-ubyte.gz')
    xte, yte = idx(f'{a.data}/t10k-images-idx3-ubyte.gz'), idx(f'{a.data}/t10k-labels-idx1-ubyte.gz')
    mean, std = xtr.mean(), xtr.std()
    net = model(a.model)
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if a.init == 'he':
                nn.init.kaiming_normal_(m.weight, nonlinearity='relu'); nn.init.zeros_(m.bias)
            elif a.init.startswith('normal:'):
                nn.init.normal_(m.weight, std=float(a.init[7:])); nn.init.zeros_(m.bias)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    steps = a.epochs * (len(xtr) // 100)
    t0 = time.time()
    for epoch in range(a.epochs):
        net.train()
        order = rng.permutation(len(xtr))
        for b in range(len(xtr) // 100):
            step = epoch * (len(xtr) // 100) + b
            if a.schedule == 'cosine':
                for g in opt.param_groups: g['lr'] = 1e-3 * 0.5 * (1 + math.cos(math.pi * step / steps))
            idxs = order[b * 100:(b + 1) * 100]
            x = torch.from_numpy((shift(xtr[idxs], a.shift, rng) - mean) / std)
            loss = F.cross_entropy(net(x), torch.from_numpy(ytr[idxs]))
            opt.zero_grad(); loss.backward(); opt.step()
        net.eval()
        with torch.no_grad():
            acc = (net(torch.from_numpy((xte - mean) / std)).argmax(1).numpy() == yte).mean()
        print(f'epoch {epoch + 1}: test accuracy {100 * acc:.2f}%  ({time.time() - t0:.0f} s)')

if __name__ == '__main__':
    main()
