// Activations of the recurrent cells over f32x4 lanes, and their derivatives written in terms of
// the activation's OUTPUT (what the forward pass stores), as tfjs's own layers define them.
// Codes match ACTIVATION_CODES in src/seq/engine/activation-codes.ts.
export const LINEAR: i32 = 0;
export const TANH: i32 = 1;
export const SIGMOID: i32 = 2;
export const HARD_SIGMOID: i32 = 3;
export const RELU: i32 = 4;

// exp over four lanes: Cephes' expf (range reduction by ln 2 in two parts, degree-6 polynomial,
// 2^n through the exponent bits), about 1 ulp. The input is clamped where 2^n stays a normal float.
// Written for V8's code: pmin/pmax clamp in one instruction each (min/max are NaN-propagating
// sequences; a NaN input stays NaN either way), and n = round(x log2 e) comes from adding 1.5 * 2^23,
// whose float rounds to an integer in its low mantissa bits (round to nearest even, as `nearest`),
// instead of nearest and a saturating conversion.
const ROUNDER: f32 = 12582912.0; // 1.5 * 2^23, bits 0x4B400000

@inline function polyStep(y: v128, x: v128, c: f32): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(y, x, f32x4.splat(c));
  return f32x4.add(f32x4.mul(y, x), f32x4.splat(c));
}

@inline export function expv(v: v128): v128 {
  let x = f32x4.pmin(f32x4.pmax(v, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const k = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(ROUNDER));
  const fx = f32x4.sub(k, f32x4.splat(ROUNDER));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  const z = f32x4.mul(x, x);
  let y = f32x4.splat(1.9875691500e-4);
  y = polyStep(y, x, 1.3981999507e-3);
  y = polyStep(y, x, 8.3334519073e-3);
  y = polyStep(y, x, 4.1665795894e-2);
  y = polyStep(y, x, 1.6666665459e-1);
  y = polyStep(y, x, 5.0000001201e-1);
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), f32x4.splat(1.0));
  // k's bits are 0x4B400000 + n; 2^n is (n + 127) << 23
  const pow2n = i32x4.shl(i32x4.add(k, i32x4.splat(127 - 0x4B400000)), 23);
  return f32x4.mul(y, pow2n);
}

@inline function tanhv(x: v128): v128 {
  // tanh|x| = (1 - e^-2|x|) / (1 + e^-2|x|), sign restored: no overflow for any input.
  const t = expv(f32x4.mul(f32x4.abs(x), f32x4.splat(-2.0)));
  const y = f32x4.div(f32x4.sub(f32x4.splat(1.0), t), f32x4.add(f32x4.splat(1.0), t));
  const sign = i32x4.splat(0x80000000);
  return v128.or(v128.andnot(y, sign), v128.and(x, sign));
}

@inline function sigmoidv(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), expv(f32x4.neg(x))));
}

@inline function hardSigmoidv(x: v128): v128 {
  // tfjs: clip(0.2 x + 0.5, 0, 1)
  const y = f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5));
  return f32x4.min(f32x4.max(y, f32x4.splat(0.0)), f32x4.splat(1.0));
}

@inline export function activate(x: v128, code: i32): v128 {
  if (code == TANH) return tanhv(x);
  if (code == SIGMOID) return sigmoidv(x);
  if (code == HARD_SIGMOID) return hardSigmoidv(x);
  if (code == RELU) return f32x4.max(x, f32x4.splat(0.0));
  return x;
}

/** d activation / d input, from the output y. */
@inline export function derivative(y: v128, code: i32): v128 {
  if (code == TANH) return f32x4.sub(f32x4.splat(1.0), f32x4.mul(y, y));
  if (code == SIGMOID) return f32x4.mul(y, f32x4.sub(f32x4.splat(1.0), y));
  if (code == HARD_SIGMOID) {
    // 0.2 inside the linear part; tfjs's clip gradient also passes at the bounds, which a float
    // output cannot tell apart from the saturated side: measure-zero, and 0 there is the usual choice.
    const inside = v128.and(f32x4.gt(y, f32x4.splat(0.0)), f32x4.lt(y, f32x4.splat(1.0)));
    return v128.and(inside, f32x4.splat(0.2));
  }
  if (code == RELU) return v128.and(f32x4.gt(y, f32x4.splat(0.0)), f32x4.splat(1.0));
  return f32x4.splat(1.0);
}

/** p[0..n) = act(p[0..n)); n is a multiple of 4 (units are padded to 4 by the caller). */
export function activateInPlace(p: usize, n: i32, code: i32): void {
  if (code == LINEAR) return;
  const end = p + (<usize>n << 2);
  if (code == TANH) {
    for (let q = p; q < end; q += 16) v128.store(q, tanhv(v128.load(q)));
  } else if (code == SIGMOID) {
    for (let q = p; q < end; q += 16) v128.store(q, sigmoidv(v128.load(q)));
  } else {
    for (let q = p; q < end; q += 16) v128.store(q, activate(v128.load(q), code));
  }
}
