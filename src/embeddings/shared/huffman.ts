import { WordloomError } from '../../errors.js';

/**
 * Huffman codes for hierarchical softmax, with word2vec C's conventions: words are merged two
 * lowest counts at a time; the second-smallest child gets bit 1; inner nodes are numbered
 * 0..m-2 in creation order (the root is m-2, m = number of coded words); for word w,
 * codes[w*maxCodeLength + i] is the bit at depth i (root first) and points[...] the inner node
 * at depth i. Words with count 0 (special ids) get no code (length 0) and are never trained.
 */
export interface HuffmanCodes {
  codes: Uint8Array; // ids * maxCodeLength
  points: Int32Array; // ids * maxCodeLength
  codeLengths: Int32Array; // ids
}

export function buildHuffmanCodes(
  counts: ArrayLike<number>,
  maxCodeLength: number,
  into?: HuffmanCodes,
): HuffmanCodes {
  const ids = counts.length;
  const out = into ?? {
    codes: new Uint8Array(ids * maxCodeLength),
    points: new Int32Array(ids * maxCodeLength),
    codeLengths: new Int32Array(ids),
  };
  out.codes.fill(0);
  out.points.fill(0);
  out.codeLengths.fill(0);

  // Leaves sorted by descending count (stable), as word2vec C's sorted vocabulary.
  const leaves: number[] = [];
  for (let i = 0; i < ids; i++) if (counts[i]! > 0) leaves.push(i);
  leaves.sort((a, b) => counts[b]! - counts[a]! || a - b);
  const m = leaves.length;
  if (m < 2) return out; // nothing to discriminate: no codes

  // Nodes 0..m-1 are leaves (in sorted order), m..2m-2 inner nodes; two-queue merge.
  const count = new Float64Array(2 * m - 1);
  const parent = new Int32Array(2 * m - 1);
  const bit = new Uint8Array(2 * m - 1);
  for (let i = 0; i < m; i++) count[i] = counts[leaves[i]!]!;
  let pos1 = m - 1; // next smallest leaf (walking down the sorted leaves)
  let pos2 = m; // next smallest inner node
  const takeMin = (): number => {
    if (pos1 >= 0 && (pos2 >= m + created || count[pos1]! < count[pos2]!)) return pos1--;
    return pos2++;
  };
  let created = 0;
  for (let a = 0; a < m - 1; a++) {
    const min1 = takeMin();
    const min2 = takeMin();
    count[m + a] = count[min1]! + count[min2]!;
    parent[min1] = m + a;
    parent[min2] = m + a;
    bit[min2] = 1;
    created++;
  }

  const root = 2 * m - 2;
  const pathBits: number[] = [];
  const pathNodes: number[] = [];
  for (let leaf = 0; leaf < m; leaf++) {
    pathBits.length = 0;
    pathNodes.length = 0;
    for (let node = leaf; node !== root; node = parent[node]!) {
      pathBits.push(bit[node]!);
      pathNodes.push(parent[node]! - m); // the inner node this bit is decided at
    }
    const length = pathBits.length;
    const word = leaves[leaf]!;
    if (length > maxCodeLength) {
      throw new WordloomError(
        'EOPTION',
        `Huffman code of word id ${word} is ${length} bits long, more than the ${maxCodeLength} allowed (extremely skewed counts)`,
      );
    }
    out.codeLengths[word] = length;
    const base = word * maxCodeLength;
    for (let d = 0; d < length; d++) {
      out.codes[base + d] = pathBits[length - 1 - d]!;
      out.points[base + d] = pathNodes[length - 1 - d]!;
    }
  }
  return out;
}
