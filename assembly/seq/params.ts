// Parameter blocks the JS side writes into shared memory before a task (one i32 word per field;
// pointers are byte offsets). Layout mirrors src/seq/engine/params.ts: keep the two in sync.

// ---- recurrent layers ----
export const P_KIND: i32 = 0; // 0 SimpleRNN, 1 GRU, 2 LSTM
export const P_B: i32 = 1;
export const P_T: i32 = 2;
export const P_F: i32 = 3;
export const P_U: i32 = 4; // units, padded to a multiple of 4
export const P_FLAGS: i32 = 5;
export const P_ACT: i32 = 6;
export const P_RECACT: i32 = 7;
export const P_X: i32 = 8; // [B, T, F]
export const P_W: i32 = 9; // [F, G*U]
export const P_SLICE_ROWS: i32 = 10; // batch rows per slice, the unit of work a thread takes
export const P_BIAS: i32 = 11; // [G*U] or 0
export const P_H0: i32 = 12; // [B, U]
export const P_C0: i32 = 13; // [B, U] (LSTM)
export const P_MASK: i32 = 14; // [B, T] f32 or 0
export const P_G: i32 = 15; // [B, T, G*U]: gate activations, then their gradients
export const P_H: i32 = 16; // [B, T, U] state after input step t
export const P_C: i32 = 17; // [B, T, U] cell after input step t (LSTM)
export const P_Y: i32 = 18; // [B, T, U] outputs in processing order, or 0
export const P_HT: i32 = 19; // [B, U]
export const P_CT: i32 = 20; // [B, U]
export const P_DY: i32 = 21; // [B, T, U] or 0
export const P_DHT: i32 = 22; // [B, U] or 0
export const P_DCT: i32 = 23; // [B, U] or 0
export const P_DX: i32 = 24;
export const P_DW: i32 = 25;
export const P_DR: i32 = 26;
export const P_DB: i32 = 27;
export const P_DH0: i32 = 28;
export const P_DC0: i32 = 29;
export const P_WT: i32 = 30; // [G*U, F]
export const P_NEXT_SLICE: i32 = 31; // i32 counter: threads take slices with an atomic add (starts at 0)
export const P_SCRATCH: i32 = 32;
export const P_SCRATCH_STRIDE: i32 = 33; // bytes per thread
export const P_HP: i32 = 34; // [B, T, U] previous state of each step (written by backward)
export const P_RH: i32 = 35; // [B, T, U] r * previous state (GRU, written by backward)
export const P_RP: i32 = 36; // R packed in panels (gemm.ts packPanels)
export const P_RTP: i32 = 37; // R^T packed in panels
export const P_NEXT_COLUMNS: i32 = 38; // i32 work counter of weightGradients (work.ts), 0 before it

export const FLAG_BACKWARDS: i32 = 1;
export const FLAG_MASK: i32 = 2;

export const KIND_RNN: i32 = 0;
export const KIND_GRU: i32 = 1;
export const KIND_LSTM: i32 = 2;

// ---- dense layers ----
export const D_M: i32 = 0;
export const D_K: i32 = 1;
export const D_N: i32 = 2;
export const D_X: i32 = 3; // [M, K]
export const D_W: i32 = 4; // [K, N]
export const D_B: i32 = 5; // [N] or 0
export const D_Y: i32 = 6; // [M, N]
export const D_DY: i32 = 7;
export const D_WT: i32 = 8; // W^T packed in panels (packKernelTransposed): ceil(K / 8) * N * 8 floats
export const D_DX: i32 = 9;
export const D_DW: i32 = 10;
export const D_DB: i32 = 11; // or 0
export const D_NEXT: i32 = 12; // i32 work counter (work.ts), 0 before the task

@inline export function param(p: usize, field: i32): i32 {
  return load<i32>(p + (<usize>field << 2));
}

@inline export function pointer(p: usize, field: i32): usize {
  return <usize>load<u32>(p + (<usize>field << 2));
}
