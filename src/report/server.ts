/**
 * `wordloom serve`: the playground. A fastify server, bound to 127.0.0.1 unless told otherwise,
 * that serves one page, tfjs's browser bundle, the few wordloom modules the page imports
 * (browser-modules.ts), the browser files of the given sequence models, and a small JSON API
 * for vectors queries. Nothing else on disk is reachable.
 *
 *   GET /                                   the page (playground-page.ts)
 *   GET /api/models                         [{ id, kind, name, info }]
 *   GET /api/vectors/:id/neighbours?q=w&topn=10        nearest neighbours of a word (several words: their mean)
 *   GET /api/vectors/:id/analogy?positive=b,c&negative=a&topn=5   b - a + c (3CosAdd)
 *   GET /models/:id/:file                   a sequence model's file (model.json, weights.bin, ...)
 *
 * Vectors queries run here (through the HNSW index when one lies next to the vectors file:
 * `<vectors>.hnsw` or `<stem>.hnsw`); sequence models run in the browser from their tfjs files.
 * A bad request gets a 4xx with `{ "error": message }`; no request can stop the server.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { WordloomError } from '../errors.js';
import { HnswIndex } from '../vectors/hnsw-index.js';
import { KeyedVectors } from '../vectors/keyed-vectors.js';
import './built-in-kinds.js';
import { browserModules, tfjsBundlePath, tfjsShimModule } from './browser-modules.js';
import { detectModelKind, isFile } from './model-kinds.js';
import { renderPlaygroundPage } from './playground-page.js';

export interface PlaygroundOptions {
  /** Vectors files and model folders to serve. */
  models: readonly string[];
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** HNSW search list size for indexed vectors (default 100). */
  ef?: number;
  onLog?: (message: string) => void;
  onWarning?: (message: string) => void;
}

export interface ServedModel {
  id: string;
  kind: string;
  name: string;
  path: string;
  info: Record<string, unknown>;
}

export interface Playground {
  url: string;
  models: readonly ServedModel[];
  server: FastifyInstance;
  close(): Promise<void>;
}

interface VectorsEntry {
  vectors: KeyedVectors;
  indexed: boolean;
}

const MAX_TOPN = 100;
const MAX_WORDS = 10;
const MAX_WORD_LENGTH = 200;

/** A short, URL-safe, unique id from the file name. */
function idFor(path: string, taken: Set<string>): string {
  const base = basename(path.replace(/[\\/]+$/, '')).replace(/\.(gz)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'model';
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  taken.add(id);
  return id;
}

async function findIndex(path: string): Promise<string | null> {
  for (const candidate of [`${path}.hnsw`, `${path.replace(/\.(vec|bin|txt)(\.gz)?$/i, '')}.hnsw`]) if (await isFile(candidate)) return candidate;
  return null;
}

class BadRequest extends WordloomError {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super('EUSAGE', message);
  }
}

/** Loads the models, then listens; every model problem is reported before the server starts. */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  if (options.models.length === 0) throw new WordloomError('EUSAGE', 'give at least one vectors file or model folder to serve');
  const log = options.onLog ?? (() => undefined);
  const taken = new Set<string>();
  const served: ServedModel[] = [];
  const vectorsById = new Map<string, VectorsEntry>();
  const filesById = new Map<string, { dir: string; files: Set<string> }>();
  for (const path of options.models) {
    const kind = await detectModelKind(path);
    if (kind === null) {
      const exists = (await fsp.stat(path).catch(() => null)) !== null;
      throw new WordloomError(exists ? 'EFORMAT' : 'ENOENT', exists ? `${path}: neither a vectors file nor a model folder the playground knows` : `${path}: no such file or directory`);
    }
    const id = idFor(path, taken);
    if (kind.name === 'vectors') {
      const vectors = await KeyedVectors.fromFile(path, { ...(options.onWarning ? { onWarning: options.onWarning } : {}) });
      const indexPath = await findIndex(path);
      if (indexPath !== null) vectors.useIndex(await HnswIndex.load(indexPath, vectors.set, { ef: options.ef ?? 100, vectorsName: path }));
      vectorsById.set(id, { vectors, indexed: indexPath !== null });
      served.push({ id, kind: 'vectors', name: basename(path), path, info: { words: vectors.size, dim: vectors.dim, index: indexPath ? basename(indexPath) : null } });
      log(`${id}: ${vectors.size} vectors of dimension ${vectors.dim} from ${path}${indexPath ? ` (HNSW index ${indexPath})` : ''}`);
    } else if (kind.browserFiles) {
      const files = await kind.browserFiles(path);
      filesById.set(id, { dir: path, files: new Set(files) });
      const described = kind.describe ? await kind.describe(path) : {};
      served.push({ id, kind: kind.name, name: basename(path.replace(/[\\/]+$/, '')), path, info: { ...(described.settings ?? {}), files } });
      log(`${id}: ${kind.name} model from ${path} (runs in the browser)`);
    } else {
      throw new WordloomError('EFORMAT', `${path}: a ${kind.name} model, which the playground cannot serve yet`);
    }
  }

  const modules = await browserModules();
  const bundle = tfjsBundlePath();
  let shim: string | null = null;
  const page = renderPlaygroundPage();

  const server = Fastify({ logger: false });
  server.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    const status = err instanceof BadRequest ? err.status : err instanceof WordloomError ? (err.code === 'EVOCAB' ? 404 : 400) : (err.statusCode ?? 500);
    const message = status >= 500 ? `internal error: ${err.message}` : err.message;
    void reply.code(status).type('application/json').send({ error: message });
  });
  server.setNotFoundHandler((request, reply) => {
    void reply.code(404).type('application/json').send({ error: `nothing at ${request.url.slice(0, 200)}` });
  });
  const noStore = (reply: FastifyReply): FastifyReply => reply.header('cache-control', 'no-store');

  server.get('/', async (_request, reply) => noStore(reply).type('text/html; charset=utf-8').send(page));
  server.get('/vendor/tf.min.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(await fsp.readFile(bundle)));
  server.get('/vendor/tfjs-module.js', async (_request, reply) => {
    shim ??= await tfjsShimModule();
    return reply.type('text/javascript; charset=utf-8').send(shim);
  });
  server.get('/lib/*', async (request, reply) => {
    const rel = (request.params as { '*': string })['*'];
    const code = modules.get(rel);
    if (code === undefined) throw new BadRequest(`no module lib/${rel.slice(0, 200)}`, 404);
    return reply.type('text/javascript; charset=utf-8').send(code);
  });
  server.get('/api/models', async () => served.map(({ id, kind, name, info }) => ({ id, kind, name, info })));

  const vectorsOf = (id: string): VectorsEntry => {
    const entry = vectorsById.get(id);
    if (entry === undefined) throw new BadRequest(`no vectors called ${JSON.stringify(id.slice(0, 100))} (see /api/models)`, 404);
    return entry;
  };
  server.get('/api/vectors/:id/neighbours', async (request) => {
    const { id } = request.params as { id: string };
    const query = request.query as Record<string, unknown>;
    const entry = vectorsOf(id);
    const words = wordList(query.q, 'q', true);
    const topn = topnOf(query.topn, 10);
    const neighbours = entry.vectors.mostSimilar({ positive: words, topn });
    return { query: words, topn, search: entry.indexed ? 'hnsw' : 'exact', neighbours };
  });
  server.get('/api/vectors/:id/analogy', async (request) => {
    const { id } = request.params as { id: string };
    const query = request.query as Record<string, unknown>;
    const entry = vectorsOf(id);
    const positive = wordList(query.positive, 'positive', true);
    const negative = wordList(query.negative, 'negative', false);
    const topn = topnOf(query.topn, 5);
    const neighbours = entry.vectors.mostSimilar({ positive, negative, topn });
    return { positive, negative, topn, method: '3CosAdd', search: entry.indexed ? 'hnsw' : 'exact', neighbours };
  });
  server.get('/models/:id/:file', async (request, reply) => {
    const { id, file } = request.params as { id: string; file: string };
    const entry = filesById.get(id);
    if (entry === undefined || !entry.files.has(file)) throw new BadRequest(`no file ${JSON.stringify(`${id}/${file}`.slice(0, 200))} is served`, 404);
    const type = file.endsWith('.json') ? 'application/json' : file.endsWith('.tsv') ? 'text/tab-separated-values; charset=utf-8' : 'application/octet-stream';
    return noStore(reply).type(type).send(await fsp.readFile(join(entry.dir, file)));
  });

  const host = options.host ?? '127.0.0.1';
  let address: string;
  try {
    address = await server.listen({ host, port: options.port ?? 8080 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new WordloomError('EIO', `cannot listen on ${host}:${options.port ?? 8080}: ${e.code === 'EADDRINUSE' ? 'the port is in use (choose another with --port, or 0 for any free port)' : e.message}`);
  }
  return { url: address.replace('[::1]', 'localhost'), models: served, server, close: () => server.close() };
}

/** `q=king` or `q=king queen` or `positive=king,woman`: a few words, each checked. */
function wordList(value: unknown, name: string, required: boolean): string[] {
  if (value === undefined || value === '') {
    if (required) throw new BadRequest(`missing parameter ${name} (one or more words)`);
    return [];
  }
  if (typeof value !== 'string') throw new BadRequest(`parameter ${name} must be given once`);
  const words = value.split(/[\s,]+/).filter((w) => w !== '');
  if (words.length === 0 && required) throw new BadRequest(`parameter ${name} has no words`);
  if (words.length > MAX_WORDS) throw new BadRequest(`parameter ${name} has ${words.length} words; at most ${MAX_WORDS}`);
  for (const w of words) if (w.length > MAX_WORD_LENGTH) throw new BadRequest(`a word in ${name} is longer than ${MAX_WORD_LENGTH} characters`);
  return words;
}

function topnOf(value: unknown, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOPN) throw new BadRequest(`parameter topn must be an integer from 1 to ${MAX_TOPN}, got ${JSON.stringify(String(value).slice(0, 40))}`);
  return n;
}
