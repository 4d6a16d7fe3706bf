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
  padding?: 'same' | 'valid';
  /** Add a bias vector (default true; false before batch norm). */
  bias?: boolean;
  /** Fused activation after the bias (default 'linear'). */
  activation?: 'linear' | 'relu';
}

export interface DepthwiseSpec {
  kernel: number;
  stride?: number;
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
  maxPool(name: string, x: T, size: number, stride: number, padding?: 'same' | 'valid'): T;
  avgPool(name: string, x: T, size: number, stride: number): T;
  globalAvgPool(name: string, x: T): T;
  dropout(x: T, rate: number): T;
  /** A named point in the network (summary row and Grad-CAM target), e.g. a block's output after ReLU. */
  mark(name: string, x: T): T;
}
