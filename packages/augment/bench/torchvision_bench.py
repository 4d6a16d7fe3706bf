"""torchvision.transforms peer of bench/augment.mjs: the same transforms with the same parameters on
batches of 32 single-channel float images in [0, 1], applied PER IMAGE (as a Dataset's transform runs in
a DataLoader worker) with torch.set_num_threads(1), then stacked into a batch. Prints one JSON object.
Timing is process CPU time (time.process_time), like the Node side, so a busy machine skews both alike;
it starts after the imports and a warm-up call, so Python and torch start-up are not counted.
Usage: torchvision_bench.py SIZES MIN_SECONDS [ONLY] — SIZES like 128,224; ONLY a comma list of names."""
import json, random, sys, time

import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
random.seed(0)
BATCH = 32
BIL = T.InterpolationMode.BILINEAR
MIN_SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5


def gamma():
    return T.Lambda(lambda im: F.adjust_gamma(im, random.uniform(0.8, 1.25)))


def noise(std_max):  # not in torchvision 0.14: the obvious torch equivalent
    return T.Lambda(lambda im: (im + torch.randn_like(im) * random.uniform(0, std_max)).clamp(0, 1))


def speckle(std_max):
    return T.Lambda(lambda im: (im * (1 + torch.randn_like(im) * random.uniform(0, std_max))).clamp(0, 1))


def per_image(size):
    return {
        'horizontalFlip': T.RandomHorizontalFlip(0.5),
        'rotate': T.RandomRotation(15, interpolation=BIL),
        'affine': T.RandomAffine(10, translate=(0.05, 0.05), scale=(0.9, 1.1), interpolation=BIL),
        'randomResizedCrop': T.RandomResizedCrop((size, size), scale=(0.5, 1.0), antialias=False),
        'brightness': T.ColorJitter(brightness=0.2),
        'contrast': T.ColorJitter(contrast=0.2),
        'gamma': gamma(),
        'gaussianNoise': noise(0.05),
        'speckleNoise': speckle(0.15),
        'gaussianBlur': T.GaussianBlur(7, (0.1, 2.0)),
        'sharpen': T.RandomAdjustSharpness(2, 0.5),
        'randomErasing': T.RandomErasing(0.5, scale=(0.02, 0.2)),
        'elastic': T.ElasticTransform(50.0, 5.0),
        'ultrasoundDefaults': T.Compose([
            T.RandomHorizontalFlip(0.5),
            T.RandomApply([T.RandomAffine(10, translate=(0.05, 0.05), scale=(0.9, 1.1), interpolation=BIL)], 0.8),
            T.RandomApply([T.ColorJitter(brightness=0.2)], 0.8),
            T.RandomApply([T.ColorJitter(contrast=0.2)], 0.8),
            T.RandomApply([gamma()], 0.5),
            T.RandomApply([T.RandomChoice([noise(0.03), speckle(0.15), T.GaussianBlur(7, (0.1, 1.0))])], 0.5),
        ]),
    }


def uint8_policies():
    return {'randAugment': T.RandAugment(2, 9), 'trivialAugment': T.TrivialAugmentWide()}


def time_it(fn):
    fn()
    reps = 0
    t0 = time.process_time()
    w0 = time.perf_counter()
    while True:
        fn()
        reps += 1
        if time.process_time() - t0 >= MIN_SECONDS:
            break
    cpu = (time.process_time() - t0) / reps
    wall = (time.perf_counter() - w0) / reps
    return {'msPerBatch': cpu * 1000, 'wallMsPerBatch': wall * 1000, 'imagesPerSecond': BATCH / cpu, 'reps': reps}


def mix_up(x, y):
    lam = random.betavariate(0.2, 0.2)
    perm = torch.randperm(x.shape[0])
    return lam * x + (1 - lam) * x[perm], lam * y + (1 - lam) * y[perm]


def cut_mix(x, y):
    lam = random.betavariate(1.0, 1.0)
    perm = torch.randperm(x.shape[0])
    h, w = x.shape[-2:]
    ch, cw = int(h * (1 - lam) ** 0.5), int(w * (1 - lam) ** 0.5)
    cy, cx = random.randrange(h), random.randrange(w)
    y0, y1, x0, x1 = max(0, cy - ch // 2), min(h, cy + ch - ch // 2), max(0, cx - cw // 2), min(w, cx + cw - cw // 2)
    out = x.clone()
    out[..., y0:y1, x0:x1] = x[perm][..., y0:y1, x0:x1]
    kept = 1 - (y1 - y0) * (x1 - x0) / (h * w)
    return out, kept * y + (1 - kept) * y[perm]


def main():
    sizes = [int(s) for s in sys.argv[1].split(',')] if len(sys.argv) > 1 else [128, 224]
    only = set(sys.argv[3].split(',')) if len(sys.argv) > 3 and sys.argv[3] else None
    want = lambda name: only is None or name in only
    result = {'torch': torch.__version__, 'torchvision': torchvision.__version__, 'threads': torch.get_num_threads(), 'mode': 'per-image', 'sizes': {}}
    for size in sizes:
        x = torch.rand(BATCH, 1, size, size)
        x8 = (x * 255).to(torch.uint8)
        y = torch.nn.functional.one_hot(torch.arange(BATCH) % 6, 6).float()
        row = {}
        for name, t in per_image(size).items():
            if want(name):
                row[name] = time_it(lambda t=t: torch.stack([t(x[i]) for i in range(BATCH)]))
        for name, t in uint8_policies().items():
            if want(name):
                row[name] = time_it(lambda t=t: torch.stack([t(x8[i]) for i in range(BATCH)]))
        if want('mixUp'):
            row['mixUp'] = time_it(lambda: mix_up(x, y))
        if want('cutMix'):
            row['cutMix'] = time_it(lambda: cut_mix(x, y))
        result['sizes'][str(size)] = row
    print(json.dumps(result))


if __name__ == '__main__':
    main()
