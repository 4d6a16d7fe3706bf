#!/usr/bin/env python3
"""Reference logits of torchvision networks for @fpdb/models' pretrained-weights tests.

Builds ResNet-18/34/50, DenseNet-121/169 and MobileNetV2 with torchvision's own modules (so the
state-dict keys are the real ones), random weights and random batch-norm statistics, in eval mode;
saves each state dict as PyTorch `.pth` (torch.save) and as safetensors (written by hand), and records
the logits for a few fixed gray inputs repeated on 3 channels.

Default: SHRUNK depths and widths (same parameter names, kilobytes per file), written to
src/pretrained/fixtures/ and committed; the vitest suite compares fpdb's logits with them.
--full: the real-size networks at 224², written to /tmp/fpdb-pretrained-full/ (hundreds of MB, never
committed); scripts/check-pretrained-full.mjs compares them.

Run with /usr/bin/python3 (torch 1.13, torchvision 0.14):
    /usr/bin/python3 packages/models/scripts/make-pretrained-fixtures.py [--full] [--out DIR]

The inputs are a formula both sides evaluate (see `gray_inputs` and the test's `grayInputs`):
    x[n, i, j] = sin(0.37 * (n + 1) * i + 0.23 * j) + 0.5 * cos(0.11 * i * j / (n + 1) + n)
"""
import argparse
import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn
from torchvision.models.densenet import DenseNet
from torchvision.models.mobilenetv2 import MobileNetV2
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet
from torchvision.ops.misc import Conv2dNormActivation

HERE = os.path.dirname(os.path.abspath(__file__))
SHRUNK_OUT = os.path.join(HERE, '..', 'src', 'pretrained', 'fixtures')
FULL_OUT = '/tmp/fpdb-pretrained-full'
BATCH = 3


class ScaledResNet(ResNet):
    """torchvision's ResNet with the first stage `width` channels instead of 64 (same module names,
    torchvision's own blocks, `_make_layer` and forward)."""

    def __init__(self, block, layers, width, num_classes):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = width
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, width * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8 * block.expansion, num_classes)


SHRUNK_MOBILENET_STAGES = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 2, 2], [6, 64, 1, 2], [6, 96, 1, 1], [6, 160, 1, 2], [6, 320, 1, 1]]


def shrunk_mobilenet_v2(num_classes):
    """torchvision's MobileNetV2 at width 0.25 with fewer repeats and a 32-channel last conv."""
    net = MobileNetV2(num_classes=num_classes, width_mult=0.25, inverted_residual_setting=SHRUNK_MOBILENET_STAGES)
    last_in = net.features[-1][0].in_channels
    net.features[-1] = Conv2dNormActivation(last_in, 32, kernel_size=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU6)
    net.classifier[1] = nn.Linear(32, num_classes)
    net.last_channel = 32
    return net


def networks(full):
    """name → (constructor, input size, description of the torchvision call)."""
    if full:
        import torchvision.models as tvm
        return {
            'resnet18': (lambda: tvm.resnet18(), 224, 'torchvision.models.resnet18()'),
            'resnet34': (lambda: tvm.resnet34(), 224, 'torchvision.models.resnet34()'),
            'resnet50': (lambda: tvm.resnet50(), 224, 'torchvision.models.resnet50()'),
            'densenet121': (lambda: tvm.densenet121(), 224, 'torchvision.models.densenet121()'),
            'densenet169': (lambda: tvm.densenet169(), 224, 'torchvision.models.densenet169()'),
            'mobilenetv2_100': (lambda: tvm.mobilenet_v2(), 224, 'torchvision.models.mobilenet_v2()'),
        }
    return {
        'resnet18': (lambda: ScaledResNet(BasicBlock, [2, 2, 2, 2], 4, 10), 64, 'ResNet(BasicBlock, [2, 2, 2, 2]), width 4, 10 classes'),
        'resnet34': (lambda: ScaledResNet(BasicBlock, [2, 3, 2, 1], 4, 10), 64, 'ResNet(BasicBlock, [2, 3, 2, 1]), width 4, 10 classes'),
        'resnet50': (lambda: ScaledResNet(Bottleneck, [1, 2, 1, 1], 4, 10), 64, 'ResNet(Bottleneck, [1, 2, 1, 1]), width 4, 10 classes'),
        'densenet121': (lambda: DenseNet(growth_rate=4, block_config=(1, 2, 1, 1), num_init_features=8, bn_size=2, num_classes=10), 64,
                        'DenseNet(growth_rate=4, block_config=(1, 2, 1, 1), num_init_features=8, bn_size=2, num_classes=10)'),
        'densenet169': (lambda: DenseNet(growth_rate=4, block_config=(2, 1, 2, 1), num_init_features=8, bn_size=2, num_classes=10), 48,
                        'DenseNet(growth_rate=4, block_config=(2, 1, 2, 1), num_init_features=8, bn_size=2, num_classes=10), legacy keys'),
        'mobilenetv2_100': (lambda: shrunk_mobilenet_v2(10), 64, f'MobileNetV2(width_mult=0.25, inverted_residual_setting={SHRUNK_MOBILENET_STAGES}), last conv 32, 10 classes'),
    }


def randomize(net, seed):
    """Random weights (torchvision's own init, reseeded) and random batch-norm affine parameters and statistics."""
    torch.manual_seed(seed)
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / fan_in))
            if m.bias is not None:
                nn.init.normal_(m.bias, 0.0, 0.1)
        elif isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.2)
                m.running_mean.normal_(0.0, 0.2)
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(1000)
    net.eval()
    return net


def gray_inputs(size):
    """[BATCH, 1, size, size] float32 from the formula in the module docstring (float64, then rounded)."""
    x = torch.empty(BATCH, 1, size, size, dtype=torch.float64)
    for n in range(BATCH):
        i = torch.arange(size, dtype=torch.float64).view(size, 1)
        j = torch.arange(size, dtype=torch.float64).view(1, size)
        x[n, 0] = torch.sin(0.37 * (n + 1) * i + 0.23 * j) + 0.5 * torch.cos(0.11 * i * j / (n + 1) + n)
    return x.float()


def legacy_densenet_keys(state):
    """The pre-0.3 torchvision DenseNet keys (`norm.1`, `conv.2`) its own loader still remaps."""
    import re
    pattern = re.compile(r'^(.*denselayer\d+\.)(norm|relu|conv)([12])\.(weight|bias|running_mean|running_var)$')
    return {pattern.sub(r'\1\2.\3.\4', k): v for k, v in state.items()}


def timm_mobilenet_keys(state, stages):
    """torchvision MobileNetV2 keys → timm `mobilenetv2_100` keys (conv_stem, blocks.i.j.conv_pw…, conv_head, classifier)."""
    out = {}
    block_of = {}
    index = 1
    for stage, (t, _c, n, _s) in enumerate(stages):
        for rep in range(n):
            block_of[index] = (stage, rep, t)
            index += 1
    head = index
    ds = {'conv.0.0': 'conv_dw', 'conv.0.1': 'bn1', 'conv.1': 'conv_pw', 'conv.2': 'bn2'}
    ir = {'conv.0.0': 'conv_pw', 'conv.0.1': 'bn1', 'conv.1.0': 'conv_dw', 'conv.1.1': 'bn2', 'conv.2': 'conv_pwl', 'conv.3': 'bn3'}
    for key, value in state.items():
        module, param = key.rsplit('.', 1)
        parts = module.split('.')
        if module == 'features.0.0':
            name = 'conv_stem'
        elif module == 'features.0.1':
            name = 'bn1'
        elif module == f'features.{head}.0':
            name = 'conv_head'
        elif module == f'features.{head}.1':
            name = 'bn2'
        elif module == 'classifier.1':
            name = 'classifier'
        else:
            stage, rep, t = block_of[int(parts[1])]
            name = f'blocks.{stage}.{rep}.' + (ds if t == 1 else ir)['.'.join(parts[2:])]
        out[f'{name}.{param}'] = value
    return out


def save_safetensors(state, path):
    """safetensors by hand: 8-byte little-endian header length, JSON header, raw little-endian data."""
    header = {}
    blobs = []
    offset = 0
    for name, tensor in state.items():
        t = tensor.detach().contiguous()
        if t.dtype == torch.float32:
            dtype, data = 'F32', t.numpy().astype('<f4').tobytes()
        elif t.dtype == torch.int64:
            dtype, data = 'I64', t.numpy().astype('<i8').tobytes()
        else:
            raise SystemExit(f'unexpected dtype {t.dtype} for {name}')
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(',', ':')).encode('utf-8')
    raw += b' ' * (-len(raw) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


FULL_MOBILENET_STAGES = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]


def real_key_shapes():
    """Key → shape of the real-size state dicts (no weights: the tests check the presets map onto them)."""
    out = {}
    for name, (build, _size, description) in networks(True).items():
        state = {k: v for k, v in build().state_dict().items() if not k.endswith('num_batches_tracked')}
        out[name] = {'torchvision': description, 'keys': {k: list(v.shape) for k, v in state.items()}}
        if name.startswith('mobilenetv2'):
            out[name + '-timm'] = {'torchvision': description + ', keys renamed to timm mobilenetv2_100',
                                   'keys': {k: list(v.shape) for k, v in timm_mobilenet_keys(state, FULL_MOBILENET_STAGES).items()}}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--full', action='store_true', help='real-size networks at 224² into /tmp/fpdb-pretrained-full')
    parser.add_argument('--out', help='output folder (default: src/pretrained/fixtures, or /tmp/fpdb-pretrained-full with --full)')
    args = parser.parse_args()
    out = os.path.abspath(args.out or (FULL_OUT if args.full else SHRUNK_OUT))
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    summary = {
        'generator': 'packages/models/scripts/make-pretrained-fixtures.py' + (' --full' if args.full else ''),
        'torch': torch.__version__,
        'inputs': {'batch': BATCH, 'formula': 'sin(0.37*(n+1)*i + 0.23*j) + 0.5*cos(0.11*i*j/(n+1) + n), repeated on 3 channels'},
        'networks': {},
    }
    for seed, (name, (build, size, description)) in enumerate(networks(args.full).items()):
        net = randomize(build(), 1000 + seed)
        x = gray_inputs(size)
        with torch.no_grad():
            logits = net(x.repeat(1, 3, 1, 1)).double()
        state = net.state_dict()
        files = {}
        if name == 'densenet169' and not args.full:
            state = legacy_densenet_keys(state)
        torch.save(state, os.path.join(out, f'{name}.pth'))
        save_safetensors(state, os.path.join(out, f'{name}.safetensors'))
        files['torchvision'] = [f'{name}.pth', f'{name}.safetensors']
        if name.startswith('mobilenetv2'):
            stages = FULL_MOBILENET_STAGES if args.full else SHRUNK_MOBILENET_STAGES
            timm = timm_mobilenet_keys(state, stages)
            torch.save(timm, os.path.join(out, f'{name}-timm.pth'))
            save_safetensors(timm, os.path.join(out, f'{name}-timm.safetensors'))
            files['timm'] = [f'{name}-timm.pth', f'{name}-timm.safetensors']
        summary['networks'][name] = {
            'torchvision': description,
            'inputSize': size,
            'numClasses': logits.shape[1],
            'files': files,
            'logits': [[float(v) for v in row] for row in logits],
        }
        print(f'{name}: {sum(p.numel() for p in net.parameters()):,} parameters, logits max |{logits.abs().max().item():.3f}|', file=sys.stderr)
    with open(os.path.join(out, 'logits.json'), 'w') as f:
        json.dump(summary, f, indent=1)
        f.write('\n')
    if not args.full:
        with open(os.path.join(out, 'real-state-dict-keys.json'), 'w') as f:
            json.dump(real_key_shapes(), f, separators=(',', ':'))
            f.write('\n')
    print(out)


if __name__ == '__main__':
    main()
