import { WordloomError } from '../../errors.js';

/**
 * Stops a run whose learning rate is too high: NaN or infinite loss or weights, or an average
 * loss per example far above the ln 2 of an untrained model (a healthy run only goes down).
 */
const UNTRAINED_LOSS = Math.LN2;
export const EXPLODED_LOSS = 4 * UNTRAINED_LOSS;
/** Examples to average over before judging, so one unlucky batch does not stop a run. */
const MIN_EXAMPLES = 20_000;

export class DivergenceGuard {
  private loss = 0;
  private examples = 0;

  /** `flag` and `current` name the option and its value in the message ("--alpha", 0.025). */
  constructor(
    private readonly flag: string,
    private readonly current: number,
  ) {}

  /** Adds a batch of (summed loss, examples); throws EDIVERGED when the run has diverged. */
  add(loss: number, examples: number): void {
    if (!Number.isFinite(loss)) this.fail('the loss became NaN or infinite');
    this.loss += loss;
    this.examples += examples;
    if (this.examples >= MIN_EXAMPLES) {
      const average = this.loss / this.examples;
      if (average > EXPLODED_LOSS) this.fail(`the average loss per example is ${average.toPrecision(3)} (an untrained model has ${UNTRAINED_LOSS.toFixed(2)})`);
      this.loss = 0;
      this.examples = 0;
    }
  }

  /** Throws EDIVERGED when any value of a sample of the weights is NaN or infinite. */
  checkWeights(values: Float32Array): void {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) this.fail('the weights became NaN or infinite');
    }
  }

  private fail(what: string): never {
    throw new WordloomError('EDIVERGED', `training diverged: ${what}; lower ${this.flag} (currently ${this.current})`);
  }
}
