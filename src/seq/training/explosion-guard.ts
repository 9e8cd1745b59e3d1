/**
 * Flags a run whose loss has exploded: the mean of the last 10 step losses above 3 x ln(vocabulary),
 * three times what an untrained model (uniform predictions) scores; a healthy run only goes down.
 * A classifier passes its number of classes and 'per example'.
 */
export class ExplosionGuard {
  private readonly recent: number[] = [];
  private readonly untrained: number;

  constructor(
    vocabularySize: number,
    private readonly unit = 'per token',
  ) {
    this.untrained = Math.log(vocabularySize);
  }

  /** The reason to stop, or null. */
  add(loss: number): string | null {
    this.recent.push(loss);
    if (this.recent.length > 10) this.recent.shift();
    if (this.recent.length < 10) return null;
    const mean = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
    if (!(mean > 3 * this.untrained)) return null;
    return `the loss averaged ${mean.toPrecision(3)} nats ${this.unit} over the last 10 steps (an untrained model has ${this.untrained.toFixed(2)})`;
  }
}
