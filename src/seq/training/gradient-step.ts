/**
 * The end of every training step of the sequence trainers: clip the gradients by their global
 * norm, stop a run that diverged (a NaN or infinite loss or gradient norm, or a loss that
 * exploded: ExplosionGuard) with EDIVERGED naming the option to lower, else apply the gradients
 * in the variables' order (which the optimizers' slots follow, so checkpoints line up).
 */
import * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';
import { clipByGlobalNorm } from '../lm/clip.js';
import type { ExplosionGuard } from './explosion-guard.js';

export interface GradientStep {
  /** The step's loss per model trained together (one, or a forward and a backward one). */
  losses: readonly number[];
  /** Gradients of every variable by name; disposed here. */
  grads: tf.NamedTensorMap;
  variables: readonly tf.Variable[];
  optimizer: tf.Optimizer;
  /** Variables another optimizer updates (classify's word vectors, at a rate of their own), clipped with the rest. */
  also?: readonly { optimizer: tf.Optimizer; variables: readonly tf.Variable[] }[];
  /** Global-norm limit; 0 = off. */
  clip: number;
  /** One per model, fed every step's loss. */
  guards: readonly ExplosionGuard[];
  /** With several models, each one's name for the message ('forward' -> ' (forward model)'). */
  names?: readonly string[];
  /** Where the run is, for the message: 0-based epoch, steps done, current learning rate. */
  at: { epoch: number; step: number; learningRate: number };
}

export function applyGradientStep(s: GradientStep): void {
  const finite = s.losses.every(Number.isFinite);
  const clipped = finite ? clipByGlobalNorm(s.grads, s.clip) : { norm: Number.NaN, grads: s.grads };
  const explosions = s.guards.map((guard, k) => guard.add(s.losses[k]!));
  const exploded = explosions.findIndex((e) => e !== null);
  const broken = s.losses.findIndex((l) => !Number.isFinite(l));
  if (broken >= 0 || !Number.isFinite(clipped.norm) || exploded >= 0) {
    tf.dispose(Object.values(clipped.grads));
    const which = (k: number): string => (s.names && s.losses.length > 1 ? ` (${s.names[k]} model)` : '');
    const what =
      broken >= 0
        ? `the loss became ${s.losses[broken]}${which(broken)}`
        : !Number.isFinite(clipped.norm)
          ? `the gradient norm became ${clipped.norm}`
          : `${explosions[exploded]!}${which(exploded)}`;
    throw new WordloomError(
      'EDIVERGED',
      `training diverged at epoch ${s.at.epoch + 1}, step ${s.at.step + 1}: ${what}; lower --lr (currently ${s.at.learningRate})` + (s.clip > 0 ? '' : ' or set --clip'),
    );
  }
  const ordered: tf.NamedTensorMap = {};
  for (const v of s.variables) ordered[v.name] = clipped.grads[v.name]!;
  s.optimizer.applyGradients(ordered);
  for (const group of s.also ?? []) {
    const theirs: tf.NamedTensorMap = {};
    for (const v of group.variables) theirs[v.name] = clipped.grads[v.name]!;
    group.optimizer.applyGradients(theirs);
  }
  tf.dispose(Object.values(clipped.grads));
}
