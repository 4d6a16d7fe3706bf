"""PyTorch peer of bench/train.mjs: the same reference CNN, batch, optimizer; prints one JSON line.

Input 128x128x1 (NCHW here, PyTorch's native layout); four blocks of conv 3x3 'same' (16, 32, 64, 64)
+ bias + ReLU + max-pool 2x2; global average pool; dense to 6 classes; Adam(1e-3, eps 1e-7 as
@fpdb/models' default); cross-entropy.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--size", type=int, default=128)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--steps", type=int, default=5)
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--classes", type=int, default=6)
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(1)
layers, cin = [], 1
for cout in (16, 32, 64, 64):
    layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
    cin = cout
net = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, a.classes))
opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
lossf = nn.CrossEntropyLoss()
x = torch.randn(a.batch, 1, a.size, a.size)
y = torch.randint(0, a.classes, (a.batch,))


def step():
    opt.zero_grad(set_to_none=True)
    loss = lossf(net(x), y)
    loss.backward()
    opt.step()


for _ in range(a.warmup):
    step()
times, cpu = [], []
for _ in range(a.steps):
    t0, c0 = time.perf_counter(), time.process_time()
    step()
    times.append((time.perf_counter() - t0) * 1000)
    cpu.append((time.process_time() - c0) * 1000)
ms = statistics.median(times)
print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "msPerStep": ms,
                  "msPerStepAll": times, "imagesPerSecond": a.batch * 1000 / ms,
                  "cpuMsPerImage": statistics.median(cpu) / a.batch}))
