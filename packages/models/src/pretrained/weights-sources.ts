import type { PretrainedPresetName } from './presets.js';

/** Where the ImageNet weights of a preset are published. */
export interface WeightsSource {
  /** The Hugging Face hub repository (timm's), e.g. `timm/resnet18.tv_in1k`. */
  repo: string;
  /** The file to download: timm serves safetensors. */
  url: string;
  /** Who trained them, as the model card says. */
  origin: string;
  /** The weights' licence, as their model card states it. */
  license: string;
}

const hub = (repo: string, origin: string, license: string): WeightsSource => ({ repo, url: `https://huggingface.co/${repo}/resolve/main/model.safetensors`, origin, license });

/**
 * The ImageNet-1k weights `fpdb weights pull NAME` fetches: timm's safetensors on the Hugging Face hub.
 * The `tv_in1k` files are torchvision's original weights; MobileNetV2's are timm's own (RandAugment recipe).
 * @example PRETRAINED_WEIGHTS.resnet18.url // 'https://huggingface.co/timm/resnet18.tv_in1k/resolve/main/model.safetensors'
 */
export const PRETRAINED_WEIGHTS: Readonly<Record<PretrainedPresetName, WeightsSource>> = Object.freeze({
  resnet18: hub('timm/resnet18.tv_in1k', 'torchvision (ImageNet-1k)', 'BSD-3-Clause'),
  resnet34: hub('timm/resnet34.tv_in1k', 'torchvision (ImageNet-1k)', 'BSD-3-Clause'),
  resnet50: hub('timm/resnet50.tv_in1k', 'torchvision (ImageNet-1k)', 'BSD-3-Clause'),
  densenet121: hub('timm/densenet121.tv_in1k', 'torchvision (ImageNet-1k)', 'Apache-2.0'),
  densenet169: hub('timm/densenet169.tv_in1k', 'torchvision (ImageNet-1k)', 'Apache-2.0'),
  mobilenetv2_100: hub('timm/mobilenetv2_100.ra_in1k', 'timm (ImageNet-1k, RandAugment)', 'Apache-2.0'),
});
