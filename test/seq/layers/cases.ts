/**
 * The shape/option matrix shared by the reference check and the fused-vs-tfjs checks, and the
 * code that turns one case into concrete seeded inputs.
 */
import type { ActivationName, CellConfig, CellKind, CellWeights, SequenceInput } from './reference-cells.js';
import { Fixtures, KINDS, makeMask } from './harness.js';

export interface SequenceCase {
  name: string;
  kind: CellKind;
  batch: number;
  time: number;
  features: number;
  units: number;
  activation: ActivationName;
  recurrentActivation: ActivationName;
  goBackwards: boolean;
  /** 'padded': variable lengths, last sequence fully masked; 'holes': also masked steps mid-sequence; 'pre': padding first. */
  mask: 'none' | 'padded' | 'holes' | 'pre';
  initialState: boolean;
  useBias: boolean;
  /** Weight scale (smaller for unbounded activations). */
  scale: number;
}

function base(kind: CellKind): SequenceCase {
  return {
    name: 'b3 t7 f5 u9',
    kind,
    batch: 3,
    time: 7,
    features: 5,
    units: 9,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
    goBackwards: false,
    mask: 'none',
    initialState: false,
    useBias: true,
    scale: 1,
  };
}

/** Every case, named; about a dozen per cell kind. */
export function sequenceCases(): SequenceCase[] {
  const out: SequenceCase[] = [];
  for (const kind of KINDS) {
    const b = base(kind);
    const add = (name: string, patch: Partial<SequenceCase>): void => {
      out.push({ ...b, ...patch, name: `${kind} ${name}` });
    };
    add('b3 t7 f5 u9', {});
    add('sigmoid gates', { recurrentActivation: 'sigmoid' });
    add('batch 1 time 1', { batch: 1, time: 1, features: 4, units: 3 });
    add('batch 1 time 13', { batch: 1, time: 13, features: 2, units: 5 });
    add('batch 5 time 1', { batch: 5, time: 1, features: 3, units: 7 });
    add('odd sizes b7 t11 f13 u17', { batch: 7, time: 11, features: 13, units: 17, recurrentActivation: 'sigmoid' });
    add('padded mask', { mask: 'padded', batch: 5 });
    add('mask with holes, sigmoid', { mask: 'holes', batch: 5, recurrentActivation: 'sigmoid' });
    add('goBackwards', { goBackwards: true });
    add('goBackwards + mask with holes', { goBackwards: true, mask: 'holes', batch: 4 });
    add('initial state', { initialState: true });
    add('initial state + goBackwards + padded mask', { initialState: true, goBackwards: true, mask: 'padded', batch: 4, recurrentActivation: 'sigmoid' });
    add('pre-padded mask + goBackwards', { mask: 'pre', goBackwards: true, batch: 5, recurrentActivation: 'sigmoid' });
    add('no bias', { useBias: false });
    add('no bias + mask', { useBias: false, mask: 'holes', batch: 4 });
    if (kind === 'SimpleRNN') {
      add('relu', { activation: 'relu', scale: 0.5 });
      add('linear', { activation: 'linear', scale: 0.4 });
      add('sigmoid', { activation: 'sigmoid' });
    } else {
      add('relu activation', { activation: 'relu', scale: 0.5 });
      add('hardSigmoid activation + sigmoid gates', { activation: 'hardSigmoid', recurrentActivation: 'sigmoid' });
    }
  }
  return out;
}

export interface CaseData {
  config: CellConfig;
  weights: CellWeights;
  input: SequenceInput;
}

/** Deterministic data for a case (the seed is derived from the case name). */
export function caseData(c: SequenceCase, salt = 0): CaseData {
  let seed = 17 + salt;
  for (let i = 0; i < c.name.length; i++) seed = (Math.imul(seed, 31) + c.name.charCodeAt(i)) | 0;
  const fx = new Fixtures(seed);
  const config: CellConfig = {
    kind: c.kind,
    units: c.units,
    inputDim: c.features,
    activation: c.activation,
    recurrentActivation: c.recurrentActivation,
    goBackwards: c.goBackwards,
  };
  const weights = fx.weights(config, c.useBias, c.scale);
  const input: SequenceInput = { batch: c.batch, time: c.time, x: fx.uniform(c.batch * c.time * c.features, -1.5, 1.5) };
  if (c.mask !== 'none') input.mask = makeMask(fx, c.batch, c.time, c.mask === 'holes', c.mask === 'pre');
  if (c.initialState) input.initialState = fx.states(c.kind, c.batch, c.units);
  return { config, weights, input };
}

/**
 * Sizes past the engine's blocking and threading thresholds: batch·time = 297 rows (> 256, and
 * > 64-row blocks), 260 features (> 256-deep chunks), 65 units (odd, past 64), with a per-step
 * recurrence large enough to be split across threads. Masked, reversed, with an initial state.
 */
export function largeCases(): SequenceCase[] {
  return KINDS.map((kind) => ({
    name: `${kind} large b33 t9 f260 u65`,
    kind,
    batch: 33,
    time: 9,
    features: 260,
    units: 65,
    activation: 'tanh',
    recurrentActivation: kind === 'GRU' ? 'hardSigmoid' : 'sigmoid',
    goBackwards: true,
    mask: 'holes',
    initialState: true,
    useBias: true,
    scale: 0.25,
  }));
}
