import type { Model } from '../model/create-model.js';
import { pytorchShape } from './convert-tensor.js';
import { keyMappings, type StateDictLayout } from './state-dict-layouts.js';

/** Options of {@link exportStateDict}. */
export interface ExportStateDictOptions {
  /** Key layout to write. Default 'torchvision'. */
  layout?: StateDictLayout;
  /**
   * Input channels of the exported stem. Default 3 (RGB, as torchvision's networks take): fpdb's gray kernel
   * is spread evenly over them, so importing the file folds it back exactly and an RGB image whose channels
   * are equal gives the same logits as the gray one.
   */
  stemChannels?: number;
}

/**
 * A model's parameters as a PyTorch state dict (torchvision's or timm's keys and layouts: conv OIHW, depthwise
 * [C, 1, kh, kw], linear [out, in]), for `writeSafetensors` — to share fpdb-trained weights with PyTorch, or to
 * fine-tune them later with `importPretrained` like any ImageNet file.
 * @throws FpdbError FPDB_WEIGHTS_LAYOUT for a network with no PyTorch counterpart (reference-cnn).
 * @example await writeFile('planes.safetensors', writeSafetensors(exportStateDict(model)));
 */
export function exportStateDict(model: Model, options: ExportStateDictOptions = {}): Map<string, { shape: number[]; data: Float32Array }> {
  const stemChannels = options.stemChannels ?? 3;
  const values = model.getWeights();
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const m of keyMappings(model.config, options.layout ?? 'torchvision')) {
    const src = values.get(m.name)!;
    const shape = pytorchShape(m.role, m.shape);
    if (m.role === 'vector') {
      out.set(m.key, { shape, data: src.slice() });
    } else if (m.role === 'dense') {
      const [outs, ins] = shape as [number, number];
      const dst = new Float32Array(outs * ins);
      for (let o = 0; o < outs; o++) for (let i = 0; i < ins; i++) dst[o * ins + i] = src[i * outs + o]!;
      out.set(m.key, { shape, data: dst });
    } else {
      // fpdb [kh, kw, b, a] (conv: b = in, a = out; depthwise: a = channels, b = 1) → PyTorch [a, b, kh, kw].
      const [a, b, kh, kw] = shape as [number, number, number, number];
      const spread = m.role === 'conv' && b === 1 && stemChannels > 1 && m.name === firstConv(model) ? stemChannels : 1;
      const fileShape = [a, b * spread, kh, kw];
      const dst = new Float32Array(a * b * spread * kh * kw);
      for (let p = 0; p < a; p++) {
        for (let q = 0; q < b; q++) {
          for (let y = 0; y < kh; y++) {
            for (let x = 0; x < kw; x++) {
              const v = src[m.role === 'conv' ? ((y * kw + x) * b + q) * a + p : ((y * kw + x) * a + p) * b + q]!;
              for (let c = 0; c < spread; c++) dst[((p * b * spread + q * spread + c) * kh + y) * kw + x] = v / spread;
            }
          }
        }
      }
      out.set(m.key, { shape: fileShape, data: dst });
    }
  }
  return out;
}

/** The name of the first conv kernel: the stem, which alone sees the image's channels. */
function firstConv(model: Model): string | undefined {
  return model.specs.find((s) => s.name.endsWith('.kernel') && s.shape.length === 4)?.name;
}
