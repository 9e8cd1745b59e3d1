/**
 * Vectors files in the report: a small PCA map of the most frequent words and the neighbours of
 * a few of them. (The playground serves vectors queries from the server: see server.ts.)
 */
import { WordloomError } from '../errors.js';
import { detectVectorFormat } from '../vectors/formats/index.js';
import { KeyedVectors } from '../vectors/keyed-vectors.js';
import { dataTable } from './html.js';
import { renderMapSvg } from './map-svg.js';
import { isFile, type ModelKind, type ReportSection } from './model-kinds.js';
import { buildWordMap } from './word-map.js';

/** Words on the report's map, and words whose neighbours it lists. */
const MAP_WORDS = 150;
const NEIGHBOUR_QUERIES = 8;
const NEIGHBOURS = 8;

export const vectorsKind: ModelKind = {
  name: 'vectors',
  async detect(path) {
    if (!(await isFile(path)) || /\.(jsonl|json|tsv|hnsw|ckpt|vocab)$/i.test(path)) return false;
    try {
      await detectVectorFormat(path);
      return true;
    } catch (err) {
      if (err instanceof WordloomError) return false;
      throw err;
    }
  },
  async describe(path) {
    const vectors = await KeyedVectors.fromFile(path, { limit: 1 });
    return { figures: { dimension: vectors.dim } };
  },
  async reportSections(path, context) {
    const vectors = await KeyedVectors.fromFile(path, { onWarning: context.onWarning });
    const sections: ReportSection[] = [];
    const words = vectors.words.slice(0, Math.min(MAP_WORDS, vectors.size));
    sections.push({ title: 'Vectors', html: dataTable(['words', 'dimension'], [[vectors.size, vectors.dim]]) });
    if (words.length >= 2) {
      const map = await buildWordMap(vectors, words, { method: 'pca', seed: context.seed, title: `the ${words.length} most frequent words (PCA)` });
      sections.push({ title: 'Map', html: `<div class="mapbox"><div class="maptools"><span class="mapinfo"></span></div>${renderMapSvg(map, { width: 760, height: 560 })}</div>` });
    }
    // Neighbours of frequent words that are words (letters), not punctuation.
    const queries = vectors.words.filter((w) => /\p{L}/u.test(w)).slice(0, NEIGHBOUR_QUERIES);
    if (queries.length > 0 && vectors.size > 1) {
      const rows = queries.map((q) => [q, vectors.mostSimilar({ positive: [q], topn: NEIGHBOURS }).map((n) => `${n.word} ${n.similarity.toFixed(2)}`).join(', ')]);
      sections.push({ title: 'Nearest neighbours', html: dataTable(['word', `${NEIGHBOURS} nearest (cosine)`], rows) });
    }
    return sections;
  },
};
