/** Fixed-size history of numbers: memory stays flat however long the app runs. */
export class Ring {
  private readonly values: Float32Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.values = new Float32Array(capacity);
  }

  push(value: number): void {
    const index = (this.start + this.count) % this.capacity;
    this.values[index] = value;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  get length(): number {
    return this.count;
  }

  /** Oldest first. */
  toArray(): number[] {
    const out = new Array<number>(this.count);
    for (let i = 0; i < this.count; i++)
      out[i] = this.values[(this.start + i) % this.capacity] ?? 0;
    return out;
  }

  last(): number | undefined {
    return this.count === 0
      ? undefined
      : this.values[(this.start + this.count - 1) % this.capacity];
  }
}
