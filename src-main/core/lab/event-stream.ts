// A run's events on their way out: numbered into the bounded log, and handed to the listener in
// batches - at most one call per batch period (Hyper batches terminal output the same way) -
// with the output written during the period coalesced into one event per writer and stream.

import type { LabEvent, LabEventInput, OutputEvent } from '../../common/lab';
import { EventLog } from './event-log';
import { OutputCollector } from './output';
import type { LabSettings } from './settings';

type Limits = Pick<LabSettings, 'maxEvents' | 'maxOutputBytes' | 'outputWindowBytes' | 'batchMs'>;

export class RunEventStream {
  private readonly log: EventLog;
  private readonly output: OutputCollector;
  private pending: LabEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly limits: Limits,
    private readonly deliver: (events: LabEvent[]) => void,
  ) {
    this.log = new EventLog(limits);
    this.output = new OutputCollector(limits.outputWindowBytes);
  }

  get lastSeq(): number {
    return this.log.lastSeq;
  }

  get droppedEvents(): number {
    return this.log.droppedEvents;
  }

  /** Output dropped by the window cap and output evicted from the log. */
  get droppedOutputBytes(): number {
    return this.output.droppedBytes + this.log.droppedOutputBytes;
  }

  since(sinceSeq?: number): LabEvent[] {
    return this.log.since(sinceSeq);
  }

  append(event: LabEventInput): void {
    if (this.closed) return;
    this.pending.push(this.log.append(event));
    this.schedule();
  }

  /** Append after the output written so far: typed input comes after the prompt it answers. */
  appendAfterOutput(event: LabEventInput): void {
    if (this.closed) return;
    this.drainOutput();
    this.append(event);
  }

  write(pid: number | undefined, stream: OutputEvent['stream'], chunk: Buffer, t: number): void {
    if (this.closed) return;
    this.output.write(pid, stream, chunk, t);
    this.schedule();
  }

  endOutput(pid: number | undefined, stream: OutputEvent['stream']): void {
    this.output.end(pid, stream);
  }

  /** Append the event that ends the log, after the last output; accept nothing more. */
  close(last: LabEventInput): void {
    if (this.closed) return;
    this.drainOutput();
    this.pending.push(this.log.append(last));
    this.flush();
    this.closed = true;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.limits.batchMs);
  }

  private drainOutput(): void {
    for (const event of this.output.drain()) this.pending.push(this.log.append(event));
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.drainOutput();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.deliver(batch);
  }
}
