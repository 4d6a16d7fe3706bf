import * as tf from '@tensorflow/tfjs-core';
import { FpdbError } from '@fpdb/schema';
import type { ModelConfig, ResolvedConfig } from '../architectures/config.js';
import { defineNetwork } from '../architectures/define.js';
import { resolveConfig } from '../architectures/resolve-config.js';
import { initValues } from '../internal/init-values.js';
import { ShapeBuilder } from './shape-builder.js';
import { FreeingBuilder, UseCounter } from './inference-builder.js';
import { TensorBuilder, type ForwardOptions } from './tensor-builder.js';
import type { ParamSpec, SummaryRow } from './types.js';

/** Parameter counts of a model. */
export interface ParamCount {
  trainable: number;
  /** Batch-norm moving statistics. */
  nonTrainable: number;
  total: number;
}

/**
 * A network: named variables plus a pure forward function. The model owns its variables; call
 * {@link Model.dispose} when done.
 */
export interface Model {
  /** The config with every default filled in. */
  readonly config: ResolvedConfig;
  /** Every parameter in definition order (trainable and batch-norm statistics). */
  readonly specs: readonly ParamSpec[];
  /** Name → variable, in definition order. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** Names of the trainable parameters, in definition order. */
  readonly trainableNames: readonly string[];
  /**
   * Forward pass: images [B, H, W, 1] float32 (any H, W the network can down-sample) → logits
   * [B, numClasses]. Intermediates are disposed (tidy); the caller owns the result. A `hook` that
   * keeps an activation must `tf.keep` it.
   * @throws FpdbError FPDB_SHAPE when `x` is not [B, H, W, 1].
   */
  apply(x: tf.Tensor4D, options?: ForwardOptions): tf.Tensor2D;
  /** Same as {@link Model.apply} with parameters read from `params` (missing names fall back to the variables). */
  applyWith(params: Readonly<Record<string, tf.Tensor>>, x: tf.Tensor4D, options?: ForwardOptions): tf.Tensor2D;
  /** Layers, output shapes (batch `null`) and parameter counts at the config's input size. */
  summary(): SummaryRow[];
  /** Parameter counts. */
  paramCount(): ParamCount;
  /** Copies every parameter's values out (name → Float32Array). */
  getWeights(): Map<string, Float32Array>;
  /**
   * Assigns parameter values by name.
   * @throws FpdbError FPDB_CHECKPOINT_MISMATCH for an unknown name or a wrong length.
   */
  setWeights(values: ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>): void;
  /** Disposes every variable. */
  dispose(): void;
}

/** Options of {@link createModel}. */
export interface CreateModelOptions {
  /** Seed of the He/Glorot initialisation (default 0). Same seed, same weights. */
  seed?: number;
}

/** Shape-traces a config: parameter specs and summary rows, without creating tensors. */
export function traceConfig(config: ResolvedConfig): { specs: ParamSpec[]; rows: SummaryRow[] } {
  const tracer = new ShapeBuilder();
  defineNetwork(tracer, { dims: [config.inputSize[0], config.inputSize[1], 1] }, config);
  return { specs: tracer.params, rows: tracer.rows };
}

/**
 * Builds a model from a config with seeded He (convolutions) / Glorot (classifier) initialisation.
 * @throws FpdbError FPDB_CONFIG for an invalid config; FPDB_SHAPE when the input size is too small.
 * @example
 * const model = createModel({ architecture: 'reference-cnn', numClasses: 6, inputSize: 128 }, { seed: 1 });
 * const logits = model.apply(tf.zeros([2, 128, 128, 1])); // [2, 6]
 */
export function createModel(config: ModelConfig, options: CreateModelOptions = {}): Model {
  const resolved = resolveConfig(config);
  const { specs, rows } = traceConfig(resolved);
  const seed = options.seed ?? 0;
  const variables = new Map<string, tf.Variable>();
  for (const spec of specs) {
    const initial = tf.tensor(initValues(spec, seed), spec.shape, 'float32');
    variables.set(spec.name, tf.variable(initial, spec.trainable));
    initial.dispose();
  }
  return wrapModel(resolved, specs, rows, variables);
}

function wrapModel(config: ResolvedConfig, specs: ParamSpec[], rows: SummaryRow[], variables: Map<string, tf.Variable>): Model {
  const byName = new Map(specs.map((s) => [s.name, s]));
  let disposed = false;
  let plan: { uses: number[]; ops: UseCounter['ops'] } | undefined;
  const run = (get: (name: string) => tf.Tensor, x: tf.Tensor4D, options: ForwardOptions = {}): tf.Tensor2D => {
    if (disposed) throw new FpdbError('FPDB_INVALID_ARGUMENT', 'This model was disposed; create or load it again.');
    if (x.rank !== 4 || x.shape[3] !== 1) {
      throw new FpdbError('FPDB_SHAPE', `Model input must be [B, H, W, 1] but is [${x.shape.join(', ')}]. Convert images to one channel first.`, {
        details: { value: x.shape },
      });
    }
    const builder = new TensorBuilder(get, options);
    if (options.training || options.hook || tf.engine().state.gradientDepth > 0) return tf.tidy(() => defineNetwork(builder, x, config) as tf.Tensor2D);
    // Inference: free each activation after its last use (gradients cannot need them).
    plan ??= (() => {
      const counter = new UseCounter();
      defineNetwork(counter, -1, config);
      return { uses: counter.uses, ops: counter.ops };
    })();
    const { uses, ops } = plan;
    return tf.tidy(() => defineNetwork(new FreeingBuilder(builder, uses, x, { ops, get }), x, config) as tf.Tensor2D);
  };
  const variable = (name: string): tf.Variable => {
    const v = variables.get(name);
    if (!v) throw new FpdbError('FPDB_INVALID_ARGUMENT', `Model has no parameter ${name}.`, { details: { value: name } });
    return v;
  };
  const count = (trainable: boolean): number => specs.filter((s) => s.trainable === trainable).reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
  return {
    config,
    specs,
    variables,
    trainableNames: specs.filter((s) => s.trainable).map((s) => s.name),
    apply: (x, options) => run(variable, x, options),
    applyWith: (params, x, options) => run((name) => params[name] ?? variable(name), x, options),
    summary: () => rows.map((r) => ({ ...r, outputShape: r.outputShape.slice() })),
    paramCount: () => {
      const trainable = count(true);
      const nonTrainable = count(false);
      return { trainable, nonTrainable, total: trainable + nonTrainable };
    },
    getWeights: () => new Map([...variables].map(([name, v]) => [name, (v.dataSync() as Float32Array).slice()])),
    setWeights: (values) => {
      const entries = values instanceof Map ? [...values] : Object.entries(values);
      for (const [name, data] of entries) {
        const spec = byName.get(name);
        const size = spec?.shape.reduce((a, b) => a * b, 1);
        if (!spec || data.length !== size) {
          throw new FpdbError(
            'FPDB_CHECKPOINT_MISMATCH',
            spec ? `Weights for ${name} have ${data.length} values but the model expects ${size} (shape [${spec.shape.join(', ')}]).` : `The model has no parameter named ${name}.`,
            { details: { value: name } },
          );
        }
        tf.tidy(() => variable(name).assign(tf.tensor(data, spec.shape, 'float32')));
      }
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const v of variables.values()) v.dispose();
    },
  };
}
