/**
 * Units per recurrent layer. `units` is one size for every layer (what models trained before
 * per-layer sizes recorded, and what a list of equal sizes is stored as) or one size per layer
 * (`--units 512,256`: the lowest layer first).
 */
import { WordloomError } from '../../errors.js';

/** One size for every layer, or one per layer. */
export type LayerUnits = number | readonly number[];

/** The size of each of `layers` layers, lowest first. */
export function unitsPerLayer(units: LayerUnits, layers: number): number[] {
  return typeof units === 'number' ? Array.from({ length: layers }, () => units) : [...units];
}

/** The size of the top layer: the width of what the output layer reads. */
export function topLayerUnits(units: LayerUnits): number {
  return typeof units === 'number' ? units : units[units.length - 1]!;
}

/**
 * Checks a list's length against `layers` (EOPTION naming both values) and stores a list of equal
 * sizes as one number, so that `--units 256,256` records, resumes and saves as `--units 256`.
 */
export function resolveLayerUnits(units: LayerUnits, layers: number): LayerUnits {
  if (typeof units === 'number') return units;
  if (units.length !== layers) {
    throw new WordloomError(
      'EOPTION',
      `option --units lists ${units.length} size${units.length === 1 ? '' : 's'} (${units.join(',')}) but --layers is ${layers}: give one size for every layer or one per layer`,
    );
  }
  return units.every((u) => u === units[0]) ? units[0]! : [...units];
}

/** `256` or `512,256`, as the flag is written. */
export function formatLayerUnits(units: LayerUnits): string {
  return typeof units === 'number' ? String(units) : units.join(',');
}

/** `2 x 256` for equal layers, `512,256` for sizes per layer: a model summary's shape. */
export function describeLayers(layers: number, units: LayerUnits): string {
  return typeof units === 'number' ? `${layers} x ${units}` : formatLayerUnits(units);
}
