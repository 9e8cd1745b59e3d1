/**
 * A word2vec worker thread: reads its ranges of the encoded corpus in bounded chunks, applies
 * frequent-word subsampling, cuts sentences at the separator (EOS) or maxSentence, and trains
 * them with the per-thread kernel on the shared weights (Hogwild). The learning rate follows the
 * shared words-done counter, so all threads decay it together.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IdFileReader } from '../shared/id-file.js';
import { linearLearningRate } from '../shared/learning-rate.js';
import { SeededRandom, mixSeed } from '../shared/rng.js';
import { attachModel, createThreadKernel, type ThreadKernel } from './kernel/index.js';
import {
  STOP_FLAG,
  WORDS_DONE,
  type DoneMessage,
  type EpochTask,
  type StatsMessage,
  type ThreadRandomState,
  type Word2VecWorkerData,
} from './worker-protocol.js';

const CHUNK_IDS = 1 << 16;
/** Words between updates of the shared counter and the learning rate (word2vec C: 10,000). */
const REPORT_EVERY = 10_000;

const data = workerData as Word2VecWorkerData;
const port = parentPort!;

async function start(): Promise<void> {
  const model = attachModel(data.memory, data.layout);
  const kernel = await createThreadKernel(model, {
    sg: data.sg,
    hs: data.hs,
    negative: data.negative,
    window: data.window,
    threadIndex: data.threadIndex,
    seed: mixSeed(data.seed, 2 * data.threadIndex),
    ...(data.kernel === 'auto' ? {} : { prefer: data.kernel }),
  });
  const trainer = new SliceTrainer(kernel);
  if (data.randomState) trainer.setRandomState(data.randomState);
  port.on('message', (task: EpochTask) => {
    try {
      const remaining = trainer.runEpoch(task.ranges);
      port.postMessage({ type: 'done', remaining, kernel: kernel.kind, randomState: trainer.getRandomState() } satisfies DoneMessage);
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).stack ?? String(err) });
    }
  });
  port.postMessage({ type: 'ready' });
}

class SliceTrainer {
  private readonly reader = new IdFileReader(data.idPath);
  private readonly chunk = new Int32Array(CHUNK_IDS);
  private readonly sentence = new Int32Array(data.layout.maxSentence);
  private readonly rng = new SeededRandom(mixSeed(data.seed, 2 * data.threadIndex + 1));
  private readonly flags = new Int32Array(data.control);
  private readonly counters = new BigInt64Array(data.control);
  private alpha: number;
  private unreported = 0;

  constructor(private readonly kernel: ThreadKernel) {
    this.alpha = this.currentAlpha(Number(Atomics.load(this.counters, WORDS_DONE)));
  }

  getRandomState(): ThreadRandomState {
    return { kernel: this.kernel.getRandomState(), subsampling: this.rng.getState() };
  }

  setRandomState(state: ThreadRandomState): void {
    this.kernel.setRandomState(state.kernel);
    this.rng.setState(state.subsampling);
  }

  private currentAlpha(done: number): number {
    return linearLearningRate(data.alpha, data.minAlpha, done, data.totalWords);
  }

  /** Trains the ranges; returns what is left of them when stopped early (empty when finished). */
  runEpoch(ranges: [number, number][]): [number, number][] {
    for (let r = 0; r < ranges.length; r++) {
      const [start, end] = ranges[r]!;
      const stoppedAt = this.runRange(start, end);
      if (stoppedAt >= 0) {
        this.report();
        const rest: [number, number][] = stoppedAt < end ? [[stoppedAt, end]] : [];
        return rest.concat(ranges.slice(r + 1));
      }
    }
    this.report();
    return [];
  }

  /** Returns -1 when the range was finished, else the position to resume from. */
  private runRange(start: number, end: number): number {
    const { chunk, sentence, kernel, rng } = this;
    const keep = data.keep;
    const separator = data.separatorId;
    const maxSentence = sentence.length;
    let length = 0;
    let position = start;
    while (position < end) {
      const n = this.reader.read(chunk, position, end);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const id = chunk[i]!;
        if (id !== separator) {
          this.unreported++;
          const p = keep[id]!;
          if (p < 1 && !(rng.nextFloat() < p)) continue;
          sentence[length++] = id;
          if (length < maxSentence) continue;
        }
        if (length > 0) {
          kernel.trainSentence(sentence, length, this.alpha);
          length = 0;
        }
        // A sentence boundary with nothing pending: the only place a stop can happen, so the
        // resume position is exact.
        if (this.unreported >= REPORT_EVERY) {
          this.report();
          if (Atomics.load(this.flags, STOP_FLAG) !== 0) return position + i + 1;
        }
      }
      position += n;
    }
    if (length > 0) kernel.trainSentence(sentence, length, this.alpha);
    return -1;
  }

  /** Adds this thread's words to the shared counter, updates alpha, posts loss stats. */
  private report(): void {
    const done = Number(Atomics.add(this.counters, WORDS_DONE, BigInt(this.unreported))) + this.unreported;
    this.unreported = 0;
    this.alpha = this.currentAlpha(done);
    const stats = this.kernel.takeStats();
    port.postMessage({ type: 'stats', loss: stats.loss, examples: stats.examples, alpha: this.alpha } satisfies StatsMessage);
  }
}

start().catch((err: unknown) => {
  port.postMessage({ type: 'error', message: (err as Error).stack ?? String(err) });
});
