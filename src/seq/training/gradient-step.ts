/**
 * The end of every training step of the sequence trainers: clip the gradients by their global
 * norm, stop a run that diverged (a NaN or infinite loss or gradient norm, or a loss that
 * exploded: ExplosionGuard) with EDIVERGED naming the option to lower, else apply the gradients
 * in the variables' order (which the optimizers' slots follow, so checkpoints line up).
 */
import * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';
import { clipByGlobalNorm, clipScale } from '../lm/clip.js';
import { FusedAdam } from '../optimizers/fused-adam.js';
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
  const groups = [{ optimizer: s.optimizer, variables: s.variables }, ...(s.also ?? [])];
  const named = (variables: readonly tf.Variable[], grads: tf.NamedTensorMap): tf.NamedTensorMap => {
    const out: tf.NamedTensorMap = {};
    for (const v of variables) out[v.name] = grads[v.name]!;
    return out;
  };
  const fused = groups.map((g) => (g.optimizer instanceof FusedAdam && g.optimizer.fused ? g.optimizer : null));
  if (fused.every((o) => o !== null)) {
    // The norm comes from the optimizers' own copies of the gradients, and clipping is their gradient scale.
    let norm = Number.NaN;
    try {
      if (s.losses.every(Number.isFinite)) norm = Math.sqrt(groups.reduce((sum, g, k) => sum + fused[k]!.stageGradients(named(g.variables, s.grads)), 0));
      checkStep(s, norm);
    } finally {
      tf.dispose(Object.values(s.grads));
    }
    const scale = clipScale(norm, s.clip);
    for (const optimizer of fused) optimizer!.applyStagedGradients(scale);
    return;
  }
  const clipped = s.losses.every(Number.isFinite) ? clipByGlobalNorm(s.grads, s.clip) : { norm: Number.NaN, grads: s.grads };
  try {
    checkStep(s, clipped.norm);
    for (const g of groups) g.optimizer.applyGradients(named(g.variables, clipped.grads));
  } finally {
    tf.dispose(Object.values(clipped.grads));
  }
}

/** Throws EDIVERGED when the step's losses or gradient norm are not finite or a loss exploded. */
function checkStep(s: GradientStep, norm: number): void {
  const explosions = s.guards.map((guard, k) => guard.add(s.losses[k]!));
  const exploded = explosions.findIndex((e) => e !== null);
  const broken = s.losses.findIndex((l) => !Number.isFinite(l));
  if (broken < 0 && Number.isFinite(norm) && exploded < 0) return;
  const which = (k: number): string => (s.names && s.losses.length > 1 ? ` (${s.names[k]} model)` : '');
  const what =
    broken >= 0
      ? `the loss became ${s.losses[broken]}${which(broken)}`
      : !Number.isFinite(norm)
        ? `the gradient norm became ${norm}`
        : `${explosions[exploded]!}${which(exploded)}`;
  throw new WordloomError(
    'EDIVERGED',
    `training diverged at epoch ${s.at.epoch + 1}, step ${s.at.step + 1}: ${what}; lower --lr (currently ${s.at.learningRate})` + (s.clip > 0 ? '' : ' or set --clip'),
  );
}
