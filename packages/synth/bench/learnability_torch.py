# PyTorch peer of bench/synth.mjs: a small CNN (conv 16-32-64-64, max-pool, global average pool, linear)
# trained briefly on synthetic 64x64 images (meta.json "epochs", default 8; the bench gives both tasks about the
# same number of steps); prints one JSON line with the test predictions.
import json, sys, time
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(2)
d = sys.argv[1]
meta = json.load(open(f"{d}/meta.json"))
s, k = meta["side"], meta["classes"]
def load(name, n):
    x = np.fromfile(f"{d}/{name}.u8", dtype=np.uint8).reshape(n, 1, s, s).astype(np.float32) / 255.0
    return torch.from_numpy((x - 0.2) / 0.25)
xtr, xte = load("train", len(meta["trainY"])), load("test", len(meta["testY"]))
ytr = torch.tensor(meta["trainY"])
layers, cin = [], 1
for cout in (16, 32, 64, 64):
    layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)]
    cin = cout
model = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, k))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
epochs = int(meta.get("epochs", 8))
t = time.time()
for epoch in range(epochs):
    model.train()
    perm = torch.randperm(len(ytr))
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        xb = xtr[idx]
        if torch.rand(1).item() < 0.5:
            xb = torch.flip(xb, dims=[3])
        loss = nn.functional.cross_entropy(model(xb), ytr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
model.eval()
with torch.no_grad():
    pred = torch.cat([model(xte[i:i + 256]).argmax(1) for i in range(0, len(xte), 256)]).tolist()
print(json.dumps({"pred": pred, "epochs": epochs, "seconds": round(time.time() - t, 1)}))
