import { describe, expect, it } from 'vitest';
import { buildHuffmanCodes } from '../../../src/embeddings/shared/huffman.js';

/** Codes and inner nodes of one id, root first. */
function pathOf(h: ReturnType<typeof buildHuffmanCodes>, id: number, maxLen: number) {
  const n = h.codeLengths[id]!;
  return {
    code: Array.from(h.codes.subarray(id * maxLen, id * maxLen + n)).join(''),
    points: Array.from(h.points.subarray(id * maxLen, id * maxLen + n)),
  };
}

describe('buildHuffmanCodes (word2vec C conventions)', () => {
  // The textbook distribution a:45 b:13 c:12 d:16 e:9 f:5 at ids 4..9, after 4 special ids with count 0.
  // Merges (two smallest, the second smallest gets bit 1): n0={f,e}=14, n1={c,b}=25, n2={n0,d}=30,
  // n3={n1,n2}=55, n4={a,n3}=100 (the root, inner node m-2 = 4).
  const counts = [0, 0, 0, 0, 45, 13, 12, 16, 9, 5];
  const h = buildHuffmanCodes(counts, 40);

  it('gives the hand-computed codes and inner nodes, root first', () => {
    expect(pathOf(h, 4, 40)).toEqual({ code: '0', points: [4] });
    expect(pathOf(h, 5, 40)).toEqual({ code: '101', points: [4, 3, 1] });
    expect(pathOf(h, 6, 40)).toEqual({ code: '100', points: [4, 3, 1] });
    expect(pathOf(h, 7, 40)).toEqual({ code: '111', points: [4, 3, 2] });
    expect(pathOf(h, 8, 40)).toEqual({ code: '1101', points: [4, 3, 2, 0] });
    expect(pathOf(h, 9, 40)).toEqual({ code: '1100', points: [4, 3, 2, 0] });
  });

  it('gives special ids (count 0) no code', () => {
    expect(Array.from(h.codeLengths.subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });

  it('is a prefix code whose average length matches the optimum (224 bits / 100)', () => {
    const codes = [4, 5, 6, 7, 8, 9].map((id) => pathOf(h, id, 40).code);
    for (const a of codes) for (const b of codes) if (a !== b) expect(b.startsWith(a)).toBe(false);
    const bits = [4, 5, 6, 7, 8, 9].reduce((s, id) => s + counts[id]! * h.codeLengths[id]!, 0);
    expect(bits).toBe(224);
  });

  it('rejects codes longer than the maximum', () => {
    // Fibonacci-like counts make a maximally deep tree: depth 5 for 6 words.
    expect(() => buildHuffmanCodes([1, 1, 2, 3, 5, 8], 4)).toThrow(/Huffman code of word id \d+ is 5 bits long, more than the 4 allowed/);
  });
});
