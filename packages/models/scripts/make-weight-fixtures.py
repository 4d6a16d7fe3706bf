#!/usr/bin/env python3
"""Writes the tiny pretrained-weights fixtures that packages/models/src/weights tests read.

Run from the repository root with the system Python and PyTorch (1.13 or later; torchvision not needed):

    /usr/bin/python3 packages/models/scripts/make-weight-fixtures.py

Writes into packages/models/test/fixtures/weights/:
  state-dict.pth          torch.save of an OrderedDict state dict (with _metadata) plus float16, bfloat16,
                          float64, strided, shared-storage, expanded, scalar, empty and nn.Parameter entries
  checkpoint.pth          a training checkpoint: the state dict under "state_dict", with epoch, optimizer...
  model-key.pth           a state dict under "model", pickled with protocol 4 (STACK_GLOBAL, FRAME, MEMOIZE)
  state-dict.safetensors  the tensors of state-dict.pth as safetensors, written by hand (header JSON + bytes)
  evil.pth                a pickle that would call os.system if torch.load ran it (never loaded here)
  expected.json           for each file: format, stateDictKey, tensors (name, dtype, shape, float32 bit
                          patterns as unsigned integers) and skipped entries, in file order

Saving a pickle never runs what it references, so writing evil.pth is safe.
"""
import collections
import json
import os
import struct
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'weights'

TORCH_TO_SAFETENSORS = {
    torch.float32: 'F32',
    torch.float16: 'F16',
    torch.bfloat16: 'BF16',
    torch.float64: 'F64',
    torch.int64: 'I64',
}


def from_bits(bits, dtype):
    """A 1-D tensor of `dtype` (16-bit) from unsigned 16-bit patterns."""
    signed = [b - 0x10000 if b >= 0x8000 else b for b in bits]
    return torch.tensor(signed, dtype=torch.int16).view(dtype)


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 2, 2)
        self.bn = torch.nn.BatchNorm2d(2)
        self.fc = torch.nn.Linear(3, 2)

    def forward(self, x):
        return self.bn(self.conv(x))


def tiny_model():
    torch.manual_seed(0)
    model = Tiny()
    model.train()
    model(torch.randn(2, 1, 3, 3))  # running stats and num_batches_tracked move off their defaults
    return model


def state_dict_with_extras(model):
    sd = model.state_dict()  # OrderedDict with a _metadata attribute (pickled with BUILD)
    # float16: zeros, smallest and largest subnormal, smallest normal, 1, max, infinities, NaNs, 1/3.
    sd['half'] = from_bits([0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0x7BFF, 0x7C00, 0xFC00, 0x7E00, 0xFE01, 0x3555, 0x8001, 0x8200], torch.float16)
    # bfloat16: zeros, a subnormal, smallest normal, 1, max, infinities, a NaN, 1/3.
    sd['bfloat'] = from_bits([0x0000, 0x8000, 0x0001, 0x0080, 0x3F80, 0x7F7F, 0x7F80, 0xFF80, 0x7FC0, 0x3EAB, 0x807F], torch.bfloat16)
    # float64 narrowed to float32: rounding, float32 subnormal, overflow to infinity, negative zero.
    sd['double'] = torch.tensor([1 / 3, -2.5, 1e-40, 1e39, -1e39, -0.0, 3.4028235677973366e38, 16777217.0], dtype=torch.float64)
    # A transposed view sharing fc.weight's storage (stride (1, 3)).
    sd['fc.weight_t'] = sd['fc.weight'].t()
    grid = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
    sd['grid'] = grid
    sd['grid_view'] = grid[:, 1:, ::2]  # storage offset 4, stride (12, 4, 2), same storage as grid
    sd['grid_perm'] = grid.permute(2, 0, 1)
    sd['half_t'] = sd['half'][:12].reshape(3, 4).t()  # a strided float16 view
    sd['expanded'] = torch.tensor([1.0, 2.0, 3.0]).expand(2, 3)  # stride 0
    sd['scalar'] = torch.tensor(2.5)
    sd['empty'] = torch.zeros(0, 3)
    sd['param'] = torch.nn.Parameter(torch.tensor([[0.5, -1.5], [2.0, 4.0]]))  # _rebuild_parameter
    return sd


def expected_for(sd, fmt, state_dict_key=None):
    tensors, skipped = [], []
    for name, t in sd.items():
        t = t.detach()
        dtype = TORCH_TO_SAFETENSORS[t.dtype]
        if dtype == 'I64':
            skipped.append({'name': name, 'dtype': 'I64', 'shape': list(t.shape), 'reason': 'integer'})
            continue
        bits = t.to(torch.float32).contiguous().view(torch.int32).flatten().tolist()
        tensors.append({'name': name, 'dtype': dtype, 'shape': list(t.shape), 'bits': [b & 0xFFFFFFFF for b in bits]})
    return {'format': fmt, 'stateDictKey': state_dict_key, 'tensors': tensors, 'skipped': skipped}


def write_safetensors(path, sd, metadata):
    header, chunks, offset = {'__metadata__': metadata}, [], 0
    for name, t in sd.items():
        t = t.detach().contiguous()
        dtype = TORCH_TO_SAFETENSORS[t.dtype]
        if t.dtype in (torch.float16, torch.bfloat16):
            data = t.view(torch.int16).numpy().astype('<i2').tobytes()
        else:
            data = t.numpy().astype(t.numpy().dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    path.write_bytes(struct.pack('<Q', len(text)) + text + b''.join(chunks))


class Evil:
    def __reduce__(self):
        return (os.system, ('echo fpdb-must-never-run-this',))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    expected = {}

    model = tiny_model()
    sd = state_dict_with_extras(model)
    torch.save(sd, OUT / 'state-dict.pth')
    expected['state-dict.pth'] = expected_for(sd, 'pytorch')

    write_safetensors(OUT / 'state-dict.safetensors', sd, {'format': 'pt', 'source': 'make-weight-fixtures.py'})
    expected['state-dict.safetensors'] = expected_for(sd, 'safetensors')
    expected['state-dict.safetensors']['metadata'] = {'format': 'pt', 'source': 'make-weight-fixtures.py'}

    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(1, 1, 3, 3)).sum().backward()
    optimizer.step()
    checkpoint = {
        'epoch': 3,
        'arch': 'tiny',
        'best_acc1': 0.75,
        'steps': 2**40,  # LONG1
        'delta': -5,  # negative BININT
        'flags': [True, False, None],
        'state_dict': model.state_dict(),
        'optimizer': optimizer.state_dict(),  # integer keys, lists, floats, tensors it does not need
    }
    torch.save(checkpoint, OUT / 'checkpoint.pth')
    expected['checkpoint.pth'] = expected_for(checkpoint['state_dict'], 'pytorch', 'state_dict')

    small = collections.OrderedDict([('fc.weight', model.fc.weight.detach().clone()), ('fc.bias', model.fc.bias.detach().clone())])
    torch.save({'model': small, 'meta': {'classes': ['a', 'b']}}, OUT / 'model-key.pth', pickle_protocol=4)
    expected['model-key.pth'] = expected_for(small, 'pytorch', 'model')

    torch.save({'x': Evil()}, OUT / 'evil.pth')

    (OUT / 'expected.json').write_text(json.dumps(expected, indent=1) + '\n')
    for path in sorted(OUT.iterdir()):
        print(f'{path.stat().st_size:7d}  {path.relative_to(OUT.parent.parent.parent)}')


if __name__ == '__main__':
    main()
