/** How a parameter is initialised. He for ReLU convolutions, Glorot for the classifier. */
export type Initializer = 'he' | 'glorot' | 'zeros' | 'ones';

/** One parameter (or batch-norm statistic) a model owns. */
export interface ParamSpec {
  /** Dotted path, e.g. `block1.conv.kernel`; unique within a model. */
  name: string;
  shape: number[];
  init: Initializer;
  fanIn: number;
  fanOut: number;
  /** False for batch-norm moving statistics (updated by training, not by gradients). */
  trainable: boolean;
  /** Whether L2 weight decay applies (kernels yes; biases and batch-norm parameters no). */
  decay: boolean;
}

/** One row of {@link Model.summary}: a named layer, its output shape (batch first, `null`) and parameter count. */
export interface SummaryRow {
  name: string;
  kind: 'conv' | 'depthwise' | 'batchnorm' | 'dense' | 'maxpool' | 'avgpool' | 'gap' | 'mark';
  outputShape: (number | null)[];
  params: number;
}
