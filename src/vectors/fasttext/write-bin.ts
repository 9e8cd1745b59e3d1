import { closeSync, openSync, writeSync } from 'node:fs';
import { WordloomError } from '../../errors.js';
import { writeViaTemporaryPath } from '../../util/atomic-write.js';
import { ARGS_BYTES, ENTRY_WORD, FASTTEXT_MAGIC, FASTTEXT_VERSION, type FastTextArgs } from './bin-format.js';

/** What a fastText `.bin` holds, as views of the trained model (nothing is copied to write it). */
export interface FastTextModelContent {
  args: FastTextArgs;
  words: readonly string[];
  counts: ArrayLike<number>;
  /** Tokens of the training corpus per epoch (fastText's ntokens). */
  ntokens: number;
  /** nwords x dim: each word's own input row (not yet averaged with its n-grams). */
  wordRows: Float32Array;
  /** bucket x dim n-gram rows (empty without n-grams). */
  ngramRows: Float32Array;
  /** nwords x dim output rows. */
  output: Float32Array;
}

const WRITE_BYTES = 16 << 20;

/**
 * Writes a fastText 0.9.2 model file (see bin-format.ts) that `fasttext print-word-vectors`,
 * `nn` and `analogies` load. Written to a temporary name and renamed. The dictionary is written
 * unpruned (pruneidx size -1), as fastText writes unquantized models.
 */
export async function writeFastTextModel(path: string, m: FastTextModelContent): Promise<void> {
  const dim = m.args.dim;
  const nwords = m.words.length;
  if (m.wordRows.length !== nwords * dim || m.output.length !== nwords * dim || m.ngramRows.length !== m.args.bucket * dim) {
    throw new WordloomError('EOPTION', `fastText model parts do not fit: ${nwords} words, dim ${dim}, bucket ${m.args.bucket}`);
  }
  await writeViaTemporaryPath(path, (tmp) => {
    const fd = openSync(tmp, 'w');
    try {
      const header = Buffer.alloc(8 + ARGS_BYTES + 4 * 3 + 8 * 2);
      let p = 0;
      const i32 = (v: number) => (p = header.writeInt32LE(v, p));
      i32(FASTTEXT_MAGIC);
      i32(FASTTEXT_VERSION);
      const a = m.args;
      for (const v of [a.dim, a.ws, a.epoch, a.minCount, a.neg, a.wordNgrams, a.loss, a.model, a.bucket, a.minn, a.maxn, a.lrUpdateRate]) i32(v);
      p = header.writeDoubleLE(a.t, p);
      i32(nwords); // size
      i32(nwords); // nwords
      i32(0); // nlabels
      p = header.writeBigInt64LE(BigInt(Math.round(m.ntokens)), p);
      p = header.writeBigInt64LE(-1n, p); // pruneidx size: not pruned
      writeSync(fd, header, 0, p);
      // dictionary entries, batched
      let batch = Buffer.alloc(1 << 20);
      let used = 0;
      const flush = () => {
        writeSync(fd, batch, 0, used);
        used = 0;
      };
      for (let i = 0; i < nwords; i++) {
        const word = Buffer.from(m.words[i]!, 'utf8');
        const need = word.length + 1 + 8 + 1;
        if (used + need > batch.length) flush();
        if (need > batch.length) batch = Buffer.alloc(need);
        used += word.copy(batch, used);
        batch[used++] = 0;
        used = batch.writeBigInt64LE(BigInt(Math.round(m.counts[i]!)), used);
        batch[used++] = ENTRY_WORD;
      }
      flush();
      writeMatrix(fd, nwords + a.bucket, dim, [m.wordRows, m.ngramRows]);
      writeMatrix(fd, nwords, dim, [m.output]);
    } finally {
      closeSync(fd);
    }
  });
}

/** quantized flag 0, int64 rows, int64 cols, then the parts' floats in order (written from their memory). */
function writeMatrix(fd: number, rows: number, cols: number, parts: Float32Array[]): void {
  const head = Buffer.alloc(17);
  head[0] = 0;
  head.writeBigInt64LE(BigInt(rows), 1);
  head.writeBigInt64LE(BigInt(cols), 9);
  writeSync(fd, head);
  for (const part of parts) {
    const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(WRITE_BYTES, bytes.length - done));
  }
}
