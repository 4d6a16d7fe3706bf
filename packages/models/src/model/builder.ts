/**
 * Padding of a conv or pool: tfjs 'same' / 'valid', or a number p meaning PyTorch's `padding=p` (p
 * zeros — or, for max-pool, ignored cells — on every side). tfjs 'same' pads stride-2 layers on even
 * sizes asymmetrically (the extra row at the bottom), PyTorch symmetrically: networks that load
 * PyTorch weights use numbers so their logits match.
 */
export type Padding = 'same' | 'valid' | number;

/**
 * The vocabulary every architecture is written in. One definition, two interpreters: a shape tracer
 * (declares parameters, output shapes and the summary) and a tensor executor (runs the network).
 * Architectures are generic over the value type `T`, so they cannot drift between the two.
 */
export interface ConvSpec {
  filters: number;
  kernel: number;
  stride?: number;
  /** Default 'same'. */
  padding?: Padding;
  /** Add a bias vector (default true; false before batch norm). */
  bias?: boolean;
  /** Fused activation after the bias (default 'linear'). */
  activation?: 'linear' | 'relu';
}

export interface DepthwiseSpec {
  kernel: number;
  stride?: number;
  /** Default 'same'. */
  padding?: Padding;
  bias?: boolean;
}

/** Operations an architecture may use; `name`d operations own parameters or are hook points. */
export interface Builder<T> {
  conv(name: string, x: T, spec: ConvSpec): T;
  depthwiseConv(name: string, x: T, spec: DepthwiseSpec): T;
  batchNorm(name: string, x: T): T;
  dense(name: string, x: T, units: number): T;
  relu(x: T): T;
  relu6(x: T): T;
  add(a: T, b: T): T;
  concat(xs: readonly T[]): T;
  /** Max-pool; padding defaults to 'valid'. Padded cells never win (PyTorch's and tfjs' rule). */
  maxPool(name: string, x: T, size: number, stride: number, padding?: Padding): T;
  avgPool(name: string, x: T, size: number, stride: number): T;
  globalAvgPool(name: string, x: T): T;
  dropout(x: T, rate: number): T;
  /** A named point in the network (summary row and Grad-CAM target), e.g. a block's output after ReLU. */
  mark(name: string, x: T): T;
}
