/**
 * tfjs's Adam (same class name 'Adam', same slots, getWeights/setWeights, same numbers) with the
 * update of each variable done in one pass on the kernel threads instead of a dozen elementwise
 * tfjs ops over every parameter array: on a word-level model, whose embedding and output layer
 * hold millions of parameters, tfjs's own update is a tenth of a training step.
 *
 * The moments stay in the kernels' memory between steps (tfjs's slot variables get them back for
 * getWeights), and a step can be taken in two halves (stageGradients, applyStagedGradients) so
 * that clipping by the global norm reads the gradients once, in the same copy the update needs.
 *
 * Only the wasm backend is sped up (the variables' values are read straight from its heap); on
 * other backends this is tfjs's AdamOptimizer unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { ResidentAdam } from '../engine/index.js';
import { readFloats, tensorOf } from '../layers/tensor-io.js';

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** The parts of tfjs's AdamOptimizer used here (private in tfjs's typings). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  incrementIterations(): void;
}

interface EngineInternals {
  registeredVariables: Record<string, tf.Variable>;
}

export class FusedAdam extends tf.AdamOptimizer {
  /** The moments in the kernels' memory, for the variables of `names` in order; the slot variables hold them only after syncSlots. */
  private resident: { names: string[]; adam: ResidentAdam; slotsCurrent: boolean } | null = null;
  private staged: string[] | null = null;

  /** Whether the step runs on the kernel threads (the wasm backend); else this is tfjs's Adam. */
  get fused(): boolean {
    return tf.getBackend() === 'wasm';
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!this.fused) {
      this.syncSlots();
      super.applyGradients(variableGradients);
      this.dropResident();
      return;
    }
    const grads: tf.NamedTensorMap = {};
    if (Array.isArray(variableGradients)) for (const { name, tensor } of variableGradients) grads[name] = tensor;
    else Object.assign(grads, variableGradients);
    this.stageGradients(grads);
    this.applyStagedGradients(1);
  }

  /**
   * The first half of a step on the kernel threads: copies the gradients (of the variables named,
   * in the order the step will use) into the kernels' memory and returns the sum of their squares,
   * so a caller can clip by the global norm (applyStagedGradients' scale), over several optimizers
   * too, or stop on a non-finite norm without a pass of its own. Nothing changes until
   * applyStagedGradients.
   */
  stageGradients(grads: tf.NamedTensorMap): number {
    if (!this.fused) throw new Error('FusedAdam: staged steps need the wasm backend');
    const names = Object.keys(grads);
    const registered = (tf.engine() as unknown as EngineInternals).registeredVariables;
    const sizes = names.map((name) => {
      const value = registered[name];
      if (value === undefined) throw new Error(`FusedAdam: no variable named ${name}`);
      return value.size;
    });
    this.ensureResident(names, sizes);
    const squares = this.resident!.adam.stage(names.map((name) => (grads[name] == null ? null : readFloats(grads[name]!))));
    this.staged = names;
    return squares;
  }

  /** The second half: every staged variable updated with its gradient times `gradientScale`. */
  applyStagedGradients(gradientScale: number): void {
    const names = this.staged;
    if (names === null || this.resident === null) throw new Error('FusedAdam: applyStagedGradients without stageGradients');
    this.staged = null;
    const self = this as unknown as AdamInternals;
    const registered = (tf.engine() as unknown as EngineInternals).registeredVariables;
    const { adam } = this.resident;
    tf.tidy(() => {
      // As tfjs: 1 - beta^t in float32, from the running products.
      const correction1 = Math.fround(1 - self.accBeta1.dataSync()[0]!);
      const correction2 = Math.fround(1 - self.accBeta2.dataSync()[0]!);
      const settings = { learningRate: self.learningRate, beta1: self.beta1, beta2: self.beta2, epsilon: self.epsilon, correction1, correction2 };
      names.forEach((name, i) => {
        const value = registered[name]!;
        // The value's view into tfjs's heap is copied into the kernels' memory first; the result
        // goes into a new tensor, not over the old value, since a variable may share its memory
        // with a tensor its user still holds (tf.variable(t), setWeights).
        const next = adam.step(i, readFloats(value), settings, gradientScale);
        if (next !== null) value.assign(tensorOf(next, value.shape));
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.resident.slotsCurrent = false;
    self.incrementIterations();
  }

  override async getWeights(): ReturnType<tf.AdamOptimizer['getWeights']> {
    this.syncSlots();
    return super.getWeights();
  }

  override async setWeights(weightValues: Parameters<tf.AdamOptimizer['setWeights']>[0]): Promise<void> {
    await super.setWeights(weightValues);
    // the slot variables now hold the moments; the resident copy is reloaded from them
    this.dropResident();
  }

  override dispose(): void {
    this.dropResident();
    super.dispose();
  }

  /** Resident moments for these variables, loaded from the slot variables (made as tfjs makes them). */
  private ensureResident(names: string[], sizes: number[]): void {
    const r = this.resident;
    if (r !== null && r.names.length === names.length && r.names.every((n, i) => n === names[i])) return;
    this.syncSlots();
    this.dropResident();
    const self = this as unknown as AdamInternals;
    const registered = (tf.engine() as unknown as EngineInternals).registeredVariables;
    const adam = new ResidentAdam(sizes);
    names.forEach((name, i) => {
      const value = registered[name]!;
      self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const { m, v } = adam.moments(i);
      m.set(readFloats(self.accumulatedFirstMoment[i]!.variable));
      v.set(readFloats(self.accumulatedSecondMoment[i]!.variable));
    });
    this.resident = { names, adam, slotsCurrent: true };
  }

  /** Writes the resident moments into tfjs's slot variables (for getWeights, or another backend's step). */
  private syncSlots(): void {
    const r = this.resident;
    if (r === null || r.slotsCurrent) return;
    const self = this as unknown as AdamInternals;
    tf.tidy(() => {
      r.names.forEach((_, i) => {
        const { m, v } = r.adam.moments(i);
        const mSlot = self.accumulatedFirstMoment[i]!.variable;
        const vSlot = self.accumulatedSecondMoment[i]!.variable;
        mSlot.assign(tensorOf(m, mSlot.shape));
        vSlot.assign(tensorOf(v, vSlot.shape));
      });
    });
    r.slotsCurrent = true;
  }

  private dropResident(): void {
    this.resident?.adam.dispose();
    this.resident = null;
    this.staged = null;
  }
}

/** `tf.train.adam` with the update on the kernel threads (see FusedAdam). */
export function fusedAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null): FusedAdam {
  return new FusedAdam(learningRate, beta1, beta2, epsilon ?? undefined);
}
