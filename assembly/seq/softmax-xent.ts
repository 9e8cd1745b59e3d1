// Softmax cross-entropy with integer labels over rows of logits: the loss of each row and the
// gradient (softmax - onehot) * scale, in one pass per row. Threads take blocks of rows (work.ts).
import { expv } from './activations';
import { param, pointer } from './params';
import { unitsPerItem, takeItem } from './work';

export const S_ROWS: i32 = 0;
export const S_CLASSES: i32 = 1;
export const S_LOGITS: i32 = 2; // [rows, classes]
export const S_LABELS: i32 = 3; // i32 [rows], each in [0, classes)
export const S_LOSSES: i32 = 4; // [rows]
export const S_GRAD: i32 = 5; // [rows, classes] or 0
export const S_SCALE: i32 = 6; // f32: the gradient's factor (1 / rows for a mean)
export const S_NEXT: i32 = 7; // i32 work counter (work.ts), 0 before the task

export function softmaxCrossEntropy(p: usize, threads: i32): void {
  const rows = param(p, S_ROWS);
  const per = unitsPerItem(rows, threads);
  const items = (rows + per - 1) / per;
  const counter = p + (<usize>S_NEXT << 2);
  for (let item = takeItem(counter, items); item >= 0; item = takeItem(counter, items)) {
    rowLosses(p, item * per, min(rows, (item + 1) * per));
  }
}

/** Rows [r0, r1): losses and gradient rows. */
function rowLosses(p: usize, r0: i32, r1: i32): void {
  const V = param(p, S_CLASSES);
  const logits = pointer(p, S_LOGITS);
  const labels = pointer(p, S_LABELS);
  const losses = pointer(p, S_LOSSES);
  const grad = pointer(p, S_GRAD);
  const scale = load<f32>(p + (<usize>S_SCALE << 2));
  const v4 = V & ~3;
  for (let r = r0; r < r1; r++) {
    const x = logits + ((<usize>r * V) << 2);
    const m = rowMax(x, V);
    const g = grad != 0 ? grad + ((<usize>r * V) << 2) : 0;
    const s = expSum(x, V, m, g);
    const label = load<i32>(labels + (<usize>r << 2));
    store<f32>(losses + (<usize>r << 2), Mathf.log(s) + m - load<f32>(x + (<usize>label << 2)));
    if (g != 0) {
      const k = f32x4.splat(scale / s);
      for (let j = 0; j < v4; j += 4) v128.store(g + (<usize>j << 2), f32x4.mul(v128.load(g + (<usize>j << 2)), k));
      const ks = scale / s;
      for (let j = v4; j < V; j++) store<f32>(g + (<usize>j << 2), load<f32>(g + (<usize>j << 2)) * ks);
      const at = g + (<usize>label << 2);
      store<f32>(at, load<f32>(at) - scale);
    }
  }
}

// Each row's most probable class and its log-probability, for greedy decoding: the first index of
// the row's maximum (as a JavaScript `>` scan finds it) and -log(sum(exp(row - max))).
export const B_ROWS: i32 = 0;
export const B_CLASSES: i32 = 1;
export const B_LOGITS: i32 = 2; // [rows, classes]
export const B_BEST: i32 = 3; // i32 [rows]
export const B_LOG_PROBS: i32 = 4; // f32 [rows]
export const B_NEXT: i32 = 5; // i32 work counter, 0 before the task

export function rowBest(p: usize, threads: i32): void {
  const rows = param(p, B_ROWS);
  const V = param(p, B_CLASSES);
  const per = unitsPerItem(rows, threads);
  const items = (rows + per - 1) / per;
  const counter = p + (<usize>B_NEXT << 2);
  for (let item = takeItem(counter, items); item >= 0; item = takeItem(counter, items)) {
    for (let r = item * per; r < min(rows, (item + 1) * per); r++) {
      const x = pointer(p, B_LOGITS) + ((<usize>r * V) << 2);
      const m = rowMax(x, V);
      let best = 0;
      while (best < V - 1 && load<f32>(x + (<usize>best << 2)) != m) best++;
      const s = expSum(x, V, m, 0);
      store<i32>(pointer(p, B_BEST) + (<usize>r << 2), best);
      store<f32>(pointer(p, B_LOG_PROBS) + (<usize>r << 2), -Mathf.log(s));
    }
  }
}

/** The largest of a row's V values. pmax: one instruction; a NaN logit still makes the loss NaN through its exp. */
@inline function rowMax(x: usize, V: i32): f32 {
  const v4 = V & ~3;
  let mv = f32x4.splat(-Infinity);
  for (let j = 0; j < v4; j += 4) mv = f32x4.pmax(mv, v128.load(x + (<usize>j << 2)));
  let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (let j = v4; j < V; j++) m = max(m, load<f32>(x + (<usize>j << 2)));
  return m;
}

/** sum(exp(x - m)) over a row; each exp also stored at g (a row of V) when g is not 0. */
@inline function expSum(x: usize, V: i32, m: f32, g: usize): f32 {
  const v4 = V & ~3;
  const ms = f32x4.splat(m);
  let sv = f32x4.splat(0);
  for (let j = 0; j < v4; j += 4) {
    const e = expv(f32x4.sub(v128.load(x + (<usize>j << 2)), ms));
    sv = f32x4.add(sv, e);
    if (g != 0) v128.store(g + (<usize>j << 2), e);
  }
  let s = f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + (f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3));
  for (let j = v4; j < V; j++) {
    const e = f32x4.extract_lane(expv(f32x4.splat(load<f32>(x + (<usize>j << 2)) - m)), 0);
    s += e;
    if (g != 0) store<f32>(g + (<usize>j << 2), e);
  }
  return s;
}
