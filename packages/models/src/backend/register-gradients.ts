import { registerActivationGradients } from './activation-gradients.js';
import { freeDuringBackprop } from './internal/free-during-backprop.js';

let registered: Promise<void> | undefined;

/**
 * Registers every tfjs-core gradient (the configs that only `@tensorflow/tfjs-core/dist/register_all_gradients`
 * carries) without the @tensorflow/tfjs umbrella package. The file is bundled into this package at
 * build time because Node cannot import it from tfjs-core directly; everything it imports from tfjs-core
 * resolves to the public `@tensorflow/tfjs-core` entry (scripts/tfjs-gradients-plugin.ts), so no second
 * copy of the engine is bundled. Then replaces the ReLU and ReLU6
 * gradients by one fused kernel each ({@link registerActivationGradients}), and lets backprop free what
 * each node no longer needs as it goes ({@link freeDuringBackprop}). Idempotent.
 *
 * @example
 * await registerGradients();
 * const grads = tf.grads((x) => tf.sum(tf.square(x)));
 */
export function registerGradients(): Promise<void> {
  registered ??= import('@tensorflow/tfjs-core/dist/register_all_gradients').then(() => {
    registerActivationGradients();
    freeDuringBackprop();
  });
  return registered;
}
