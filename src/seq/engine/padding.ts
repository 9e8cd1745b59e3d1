/**
 * The kernels work on units padded to a multiple of 4 (whole f32x4 lanes). Padded units have zero
 * weights in and out, so they never touch the real ones; these helpers move between tfjs's layout
 * and the padded one. With units already a multiple of 4 they are plain copies.
 */
export function paddedUnits(units: number): number {
  return Math.ceil(units / 4) * 4;
}

/**
 * Copies a [rows, blocks*units] matrix into [paddedRows, blocks*padded] at `dst` (zeroed first):
 * each of the `blocks` gate blocks of each row moves to its padded position.
 */
export function padGateColumns(src: Float32Array, rows: number, blocks: number, units: number, dst: Float32Array, padded: number): void {
  if (padded === units) {
    dst.set(src.subarray(0, rows * blocks * units));
    if (dst.length > rows * blocks * units) dst.fill(0, rows * blocks * units);
    return;
  }
  dst.fill(0);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < blocks; g++) {
      const from = (r * blocks + g) * units;
      dst.set(src.subarray(from, from + units), (r * blocks + g) * padded);
    }
  }
}

/** Inverse of padGateColumns for the first `rows` rows: `src` itself (a view) when nothing is padded. */
export function unpadGateColumns(src: Float32Array, rows: number, blocks: number, units: number, padded: number): Float32Array {
  if (padded === units) return src.subarray(0, rows * blocks * units);
  const out = new Float32Array(rows * blocks * units);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < blocks; g++) {
      const from = (r * blocks + g) * padded;
      out.set(src.subarray(from, from + units), (r * blocks + g) * units);
    }
  }
  return out;
}
