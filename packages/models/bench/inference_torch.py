# PyTorch peer of inference.mjs: the same architectures for 1-channel input, eval mode, no_grad; --threads=N.
import json, sys, time, statistics
import torch, torch.nn as nn, torchvision

args = dict(a.lstrip('-').split('=', 1) for a in sys.argv[1:])
sizes = [int(s) for s in args.get('sizes', '128,224').split(',')]
archs = args.get('archs', 'reference-cnn,resnet18,mobilenet-v2,densenet121').split(',')
if 'threads' in args:
    torch.set_num_threads(int(args['threads']))
batch = int(args.get('batch', 64))
reps = int(args.get('reps', 5))
torch.manual_seed(1)

def reference_cnn(k=6):
    layers, c = [], 1
    for w in (16, 32, 64, 64):
        layers += [nn.Conv2d(c, w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        c = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, k))

def build(name):
    if name == 'reference-cnn':
        return reference_cnn()
    if name == 'resnet18':
        m = torchvision.models.resnet18(num_classes=6); m.conv1 = nn.Conv2d(1, 64, 7, 2, 3, bias=False); return m
    if name == 'mobilenet-v2':
        m = torchvision.models.mobilenet_v2(num_classes=6); m.features[0][0] = nn.Conv2d(1, 32, 3, 2, 1, bias=False); return m
    if name == 'densenet121':
        m = torchvision.models.densenet121(num_classes=6); m.features.conv0 = nn.Conv2d(1, 64, 7, 2, 3, bias=False); return m
    if name == 'densenet169':
        m = torchvision.models.densenet169(num_classes=6); m.features.conv0 = nn.Conv2d(1, 64, 7, 2, 3, bias=False); return m
    raise ValueError(name)

def timed(model, b, size, n):
    """Median wall ms and process CPU ms (all threads) of one forward pass at batch b."""
    x = torch.rand(b, 1, size, size)
    with torch.no_grad():
        model(x)
        wall, cpu = [], []
        for _ in range(n):
            t0, c0 = time.perf_counter(), time.process_time()
            model(x)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)

results = {}
for name in archs:
    for size in sizes:
        m = build(name).eval()
        lat, lat_cpu = timed(m, 1, size, reps)
        bms, bcpu = timed(m, batch, size, max(1, -(-reps // 3)))
        results[f'{name}@{size}'] = {'latencyMs': round(lat, 2), 'latencyCpuMs': round(lat_cpu, 2), 'throughput': round(batch * 1000 / bms, 2), 'cpuMsPerImage': round(bcpu / batch, 2)}
        print(name, size, results[f'{name}@{size}'], file=sys.stderr)
print(json.dumps({'version': torch.__version__, 'threads': torch.get_num_threads(), 'results': results}))
