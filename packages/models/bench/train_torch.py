"""PyTorch peer of bench/train.mjs: the same network, batch, optimizer; prints one JSON line.

--net=reference (default): the reference CNN below. --net=resnet18|resnet50|mobilenetv2|densenet121|densenet169: torchvision's
network with a 1-channel stem (conv1 / features[0][0] / features.conv0 rebuilt with in_channels=1) and
num_classes outputs, in training mode (batch norm on batch statistics), as @fpdb/models' presets.

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
p.add_argument("--net", default="reference")
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(1)


def one_channel(conv):
    return nn.Conv2d(1, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, bias=conv.bias is not None)


if a.net == "reference":
    layers, cin = [], 1
    for cout in (16, 32, 64, 64):
        layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        cin = cout
    net = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, a.classes))
else:
    import torchvision

    if a.net in ("resnet18", "resnet50"):
        net = getattr(torchvision.models, a.net)(num_classes=a.classes)
        net.conv1 = one_channel(net.conv1)
    elif a.net == "mobilenetv2":
        net = torchvision.models.mobilenet_v2(num_classes=a.classes)
        net.features[0][0] = one_channel(net.features[0][0])
    elif a.net in ("densenet121", "densenet169"):
        net = getattr(torchvision.models, a.net)(num_classes=a.classes)
        net.features.conv0 = one_channel(net.features.conv0)
    else:
        raise SystemExit(f"unknown --net={a.net}")
net.train()
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
