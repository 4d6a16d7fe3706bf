import * as tf from '@tensorflow/tfjs-core';
import { FpdbError } from '@fpdb/schema';

/** Adam (Kingma & Ba) or SGD with (optionally Nesterov) momentum. */
export type OptimizerConfig = { type: 'adam'; beta1?: number; beta2?: number; epsilon?: number } | { type: 'sgd'; momentum?: number; nesterov?: boolean };

/** An optimizer's state as plain arrays (slot name → values) plus its step count: what checkpoints store. */
export interface OptimizerState {
  config: ResolvedOptimizerConfig;
  step: number;
  slots: Map<string, Float32Array>;
}

/** An optimizer config with every default filled in. */
export type ResolvedOptimizerConfig = { type: 'adam'; beta1: number; beta2: number; epsilon: number } | { type: 'sgd'; momentum: number; nesterov: boolean };

/** A stateful optimizer over named variables; slots are created lazily and owned by the optimizer. */
export interface Optimizer {
  readonly config: ResolvedOptimizerConfig;
  /** Number of updates applied. */
  readonly step: number;
  /**
   * Applies one update: `variables[name] -= lr · direction(grads[name])`, with `lr` one number or per
   * parameter (e.g. a lower rate for a pretrained backbone). Does not dispose `grads`.
   */
  apply(variables: ReadonlyMap<string, tf.Variable>, grads: ReadonlyMap<string, tf.Tensor>, learningRate: number | ((name: string) => number)): void;
  getState(): OptimizerState;
  /** @throws FpdbError FPDB_CHECKPOINT_MISMATCH when the state belongs to another optimizer type. */
  setState(state: OptimizerState): void;
  dispose(): void;
}

/**
 * Fills an optimizer config's defaults (Adam β₁ 0.9, β₂ 0.999, ε 1e-7; SGD momentum 0.9).
 * @throws FpdbError FPDB_CONFIG for an unknown type.
 */
export function resolveOptimizerConfig(config: OptimizerConfig | 'adam' | 'sgd'): ResolvedOptimizerConfig {
  const c = typeof config === 'string' ? ({ type: config } as OptimizerConfig) : config;
  if (c.type === 'adam') return { type: 'adam', beta1: c.beta1 ?? 0.9, beta2: c.beta2 ?? 0.999, epsilon: c.epsilon ?? 1e-7 };
  if (c.type === 'sgd') return { type: 'sgd', momentum: c.momentum ?? 0.9, nesterov: c.nesterov ?? false };
  throw new FpdbError('FPDB_CONFIG', `Unknown optimizer ${JSON.stringify((c as { type?: unknown }).type)}; use 'adam' or 'sgd'.`);
}

/**
 * Creates an Adam or SGD-momentum optimizer whose state can be saved and restored exactly.
 * @example const opt = createOptimizer('adam'); opt.apply(model.variables, grads, 1e-3);
 */
export function createOptimizer(config: OptimizerConfig | 'adam' | 'sgd'): Optimizer {
  const resolved = resolveOptimizerConfig(config);
  const slots = new Map<string, tf.Variable>();
  // Restored slot values wait here until their variable's shape is known (first apply).
  const pending = new Map<string, Float32Array>();
  let step = 0;
  const slot = (key: string, like: tf.Tensor): tf.Variable => {
    let v = slots.get(key);
    if (!v) {
      const saved = pending.get(key);
      if (saved && saved.length !== like.size) {
        throw new FpdbError('FPDB_CHECKPOINT_MISMATCH', `Saved optimizer slot ${key} has ${saved.length} values but its variable has ${like.size}.`);
      }
      const initial = tf.tidy(() => (saved ? tf.tensor(saved, like.shape, 'float32') : tf.zerosLike(like)));
      v = tf.variable(initial, false);
      initial.dispose();
      pending.delete(key);
      slots.set(key, v);
    }
    return v;
  };
  return {
    config: resolved,
    get step() {
      return step;
    },
    apply(variables, grads, learningRate) {
      step += 1;
      tf.tidy(() => {
        for (const [name, g] of grads) {
          const variable = variables.get(name);
          if (!variable) throw new FpdbError('FPDB_INVALID_ARGUMENT', `Gradient for unknown variable ${name}.`);
          const lr = typeof learningRate === 'number' ? learningRate : learningRate(name);
          if (resolved.type === 'adam') {
            const { beta1, beta2, epsilon } = resolved;
            const m = slot(`${name}/m`, variable);
            const v = slot(`${name}/v`, variable);
            m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
            v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
            const alpha = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
            variable.assign(tf.sub(variable, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsilon)), alpha)));
          } else {
            const { momentum, nesterov } = resolved;
            if (momentum === 0) {
              variable.assign(tf.sub(variable, tf.mul(g, lr)));
              continue;
            }
            const buf = slot(`${name}/momentum`, variable);
            buf.assign(tf.add(tf.mul(buf, momentum), g));
            const direction = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
            variable.assign(tf.sub(variable, tf.mul(direction, lr)));
          }
        }
      });
    },
    getState() {
      const out = new Map(pending);
      for (const [k, v] of slots) out.set(k, (v.dataSync() as Float32Array).slice());
      return { config: resolved, step, slots: out };
    },
    setState(state) {
      if (state.config.type !== resolved.type) {
        throw new FpdbError('FPDB_CHECKPOINT_MISMATCH', `The saved optimizer state is ${state.config.type} but this run uses ${resolved.type}; resume with the same optimizer.`);
      }
      for (const v of slots.values()) v.dispose();
      slots.clear();
      pending.clear();
      for (const [key, values] of state.slots) pending.set(key, values.slice());
      step = state.step;
    },
    dispose() {
      for (const v of slots.values()) v.dispose();
      slots.clear();
      pending.clear();
    },
  };
}
