// The append-only log of one run, bounded twice: by event count (a day-long session must not grow
// without limit) and by retained output bytes (so an output flood cannot evict the lifecycle
// events that make a run worth looking at: output is evicted first, oldest first, on its own).

import type { LabEvent, LabEventInput } from '../../common/lab';

export interface EventLogLimits {
  maxEvents: number;
  maxOutputBytes: number;
}

export class EventLog {
  // slots[i] holds seq baseSeq + i; evicted events leave undefined holes, compacted from the front.
  private slots: (LabEvent | undefined)[] = [];
  private head = 0;
  private baseSeq = 1;
  private live = 0;
  private readonly outputs: { seq: number; bytes: number }[] = [];
  private outputsHead = 0;
  private outputBytes = 0;
  private evictedEvents = 0;
  private evictedOutputBytes = 0;

  constructor(private readonly limits: EventLogLimits) {}

  get lastSeq(): number {
    return this.baseSeq + this.slots.length - 1;
  }

  get droppedEvents(): number {
    return this.evictedEvents;
  }

  /** Bytes of output text that were evicted after being logged. */
  get droppedOutputBytes(): number {
    return this.evictedOutputBytes;
  }

  append(input: LabEventInput): LabEvent {
    const event = { ...input, seq: this.lastSeq + 1 } as LabEvent;
    this.slots.push(event);
    this.live += 1;
    if (event.kind === 'output') {
      const bytes = Buffer.byteLength(event.text, 'utf8');
      this.outputs.push({ seq: event.seq, bytes });
      this.outputBytes += bytes;
      while (this.outputBytes > this.limits.maxOutputBytes) this.evictOldestOutput();
    }
    while (this.live > this.limits.maxEvents) this.evictFront();
    this.compact();
    return event;
  }

  /** Retained events with seq > sinceSeq, oldest first. */
  since(sinceSeq = 0): LabEvent[] {
    const start = Math.max(this.head, sinceSeq + 1 - this.baseSeq);
    const result: LabEvent[] = [];
    for (let index = start; index < this.slots.length; index += 1) {
      const event = this.slots[index];
      if (event) result.push(event);
    }
    return result;
  }

  private evictOldestOutput(): void {
    const oldest = this.outputs[this.outputsHead];
    if (!oldest) return;
    this.outputsHead += 1;
    this.outputBytes -= oldest.bytes;
    const index = oldest.seq - this.baseSeq;
    if (index >= this.head && this.slots[index]) {
      this.slots[index] = undefined;
      this.live -= 1;
      this.evictedEvents += 1;
      this.evictedOutputBytes += oldest.bytes;
    }
  }

  private evictFront(): void {
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head += 1;
    const event = this.slots[this.head];
    if (!event) return;
    if (event.kind === 'output') {
      // Keep the output queue in step: this event is its oldest entry.
      this.evictOldestOutput();
      return;
    }
    this.slots[this.head] = undefined;
    this.head += 1;
    this.live -= 1;
    this.evictedEvents += 1;
  }

  // Amortised O(1): copy the array down only once at least half of it is dead.
  private compact(): void {
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.baseSeq += this.head;
      this.head = 0;
    }
    if (this.outputsHead > 1024 && this.outputsHead * 2 > this.outputs.length) {
      this.outputs.splice(0, this.outputsHead);
      this.outputsHead = 0;
    }
  }
}
