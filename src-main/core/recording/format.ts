// A recording is a run's log written to a file: gzip'd JSON lines, a header line first (format,
// version, the run's summary), then one event per line in seq order. docs/recording-format.md
// is the reference; keep the two in step.
//
// Reading never trusts the file: it is streamed through gunzip and parsed a line at a time within
// budgets (compressed size, decompressed size, line length, event count), in slices short enough
// that the backend keeps answering its other clients while a large recording opens.

import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGzip, createGunzip } from 'node:zlib';
import { z } from 'zod';
import { ProcscopeError } from '../../common/errors';
import {
  RUN_KINDS,
  RUN_STATES,
  isLabEventKind,
  LessonTagSchema,
  type LabEvent,
  type RunSummary,
} from '../../common/lab';
import { DEFAULT_LAB_SETTINGS } from '../lab/settings';
import { openRegularFile, writeFileSafely, type WriteMode } from './files';

export const RECORDING_FORMAT = 'procscope-recording';
export const RECORDING_VERSION = 1;
export const RECORDING_EXTENSION = '.procscope';

export interface RecordingLimits {
  /** The file as stored (gzip'd); larger files are refused before a byte is read. */
  maxFileBytes: number;
  /** The JSON lines once decompressed: what a gzip bomb runs into. */
  maxDecodedBytes: number;
  /** One line; the largest event this app writes is far smaller. */
  maxLineBytes: number;
  /** Events in one recording: the most a run's log holds, so every recording we write opens. */
  maxEvents: number;
}

/** The limits README's security section lists. */
export const RECORDING_LIMITS: RecordingLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxDecodedBytes: 256 * 1024 * 1024,
  maxLineBytes: 1024 * 1024,
  maxEvents: DEFAULT_LAB_SETTINGS.maxEvents,
};

/** Parsing yields to the event loop after this long, so other clients wait at most about this. */
const SLICE_MS = 15;
/** Events stringified per chunk when writing. */
const WRITE_CHUNK_EVENTS = 2_000;

export interface Recording {
  /** ISO 8601. */
  createdAt: string;
  /** Name and version of what wrote it, e.g. "procscope 0.1.0". */
  generator: string;
  summary: RunSummary;
  events: LabEvent[];
}

// Only what decides how to read the rest: checked before anything else, so a newer file gets
// "newer version", not a complaint about fields this version does not know.
const VersionSchema = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.number().int().positive(),
});

const SummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(RUN_KINDS),
  command: z.array(z.string()),
  cwd: z.string(),
  state: z.enum(RUN_STATES),
  rootPid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  stepMode: z.boolean(),
  python: z.object({ path: z.string(), version: z.string() }).nullable(),
  droppedOutputBytes: z.number().int().min(0),
  inputOpen: z.boolean().optional(),
  droppedEvents: z.number().int().min(0),
  lastSeq: z.number().int().min(0),
  lesson: LessonTagSchema.optional(),
}) satisfies z.ZodType<RunSummary>;

const HeaderSchema = z.object({
  createdAt: z.string(),
  generator: z.string(),
  summary: SummarySchema,
  eventCount: z.number().int().min(0),
});

// Every event shares this envelope; the fields of each kind are as written by this app.
const EnvelopeSchema = z.looseObject({
  seq: z.number().int().positive(),
  t: z.number(),
  kind: z.string().refine(isLabEventKind, 'not a known event kind'),
});

/** The recording as a stream of gzip'd bytes, produced a chunk of events at a time. */
export function recordingStream(
  summary: RunSummary,
  events: readonly LabEvent[],
  generator: string,
): Readable {
  const header = {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    createdAt: new Date().toISOString(),
    generator,
    summary,
    eventCount: events.length,
  };
  function* lines(): Generator<string> {
    yield `${JSON.stringify(header)}\n`;
    for (let start = 0; start < events.length; start += WRITE_CHUNK_EVENTS) {
      let chunk = '';
      for (const event of events.slice(start, start + WRITE_CHUNK_EVENTS)) {
        chunk += `${JSON.stringify(event)}\n`;
      }
      yield chunk;
    }
  }
  // gzip runs on the thread pool; the generator is pulled only as fast as it drains.
  return Readable.from(lines()).pipe(createGzip());
}

export async function encodeRecording(
  summary: RunSummary,
  events: readonly LabEvent[],
  generator: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of recordingStream(summary, events, generator))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Writes a recording next to `file` and moves it into place, so a crash never leaves half of
 * one. Refuses to replace an existing file unless `mode` is 'replace'.
 */
export async function writeRecording(
  file: string,
  summary: RunSummary,
  events: readonly LabEvent[],
  generator: string,
  mode: WriteMode = 'create',
): Promise<void> {
  await writeFileSafely(file, recordingStream(summary, events, generator), mode);
}

export async function readRecording(
  file: string,
  limits: RecordingLimits = RECORDING_LIMITS,
): Promise<Recording> {
  const handle = await openRegularFile(file);
  try {
    const { size } = await handle.stat();
    if (size > limits.maxFileBytes) {
      throw new ProcscopeError(
        'failed',
        `${file} is too large to open (${megabytes(size)}): Procscope opens recordings of up to ` +
          `${megabytes(limits.maxFileBytes)}.`,
      );
    }
    return await decodeStream(handle.createReadStream({ autoClose: false }), file, limits);
  } finally {
    await handle.close();
  }
}

/** `name` says which file in error messages. */
export function decodeRecording(
  data: Buffer,
  name: string,
  limits: RecordingLimits = RECORDING_LIMITS,
): Promise<Recording> {
  return decodeStream(Readable.from([data]), name, limits);
}

async function decodeStream(
  source: Readable,
  name: string,
  limits: RecordingLimits,
): Promise<Recording> {
  const reader = new LineReader(name, limits);
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  const text = new StringDecoder('utf8');
  let decoded = 0;
  let pending = '';
  // A line too long for an event: the file is damaged, or a bomb. Skim the rest, counting bytes
  // only, so that a bomb is still called what it is once it passes the decompressed budget.
  let overlong: ProcscopeError | undefined;
  let sliceStart = performance.now();
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      decoded += chunk.length;
      if (decoded > limits.maxDecodedBytes) {
        throw new ProcscopeError(
          'failed',
          `${name} is too large when decompressed (more than ${megabytes(limits.maxDecodedBytes)}): ` +
            `Procscope opens recordings of up to ${megabytes(limits.maxDecodedBytes)} decompressed.`,
        );
      }
      if (overlong) continue;
      pending += text.write(chunk);
      let start = 0;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
        if (end - start > limits.maxLineBytes) break;
        reader.line(pending.slice(start, end));
        start = end + 1;
      }
      pending = pending.slice(start);
      if (pending.length > limits.maxLineBytes) {
        overlong = reader.tooLong();
        pending = '';
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  } catch (error) {
    if (error instanceof ProcscopeError) throw error;
    throw readFailure(name, error, decoded);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  if (overlong) throw overlong;
  pending += text.end();
  return reader.end(pending);
}

/** The header, then one event per line: each checked as it comes. */
class LineReader {
  private header: z.infer<typeof HeaderSchema> | undefined;
  private readonly events: LabEvent[] = [];
  private lineNumber = 0;
  private lastSeq = 0;

  constructor(
    private readonly name: string,
    private readonly limits: RecordingLimits,
  ) {}

  line(text: string): void {
    this.lineNumber += 1;
    if (!this.header) {
      this.header = this.readHeader(text);
      return;
    }
    if (this.events.length >= this.limits.maxEvents) {
      throw this.tooManyEvents(`more than ${count(this.limits.maxEvents)}`);
    }
    const event = EnvelopeSchema.safeParse(parseJson(text));
    if (!event.success || event.data.seq <= this.lastSeq) {
      throw this.damaged(`line ${this.lineNumber} is not a valid event`);
    }
    this.lastSeq = event.data.seq;
    this.events.push(event.data as LabEvent);
  }

  /** The next line is longer than any event could be. */
  tooLong(): ProcscopeError {
    return this.damaged(`line ${this.lineNumber + 1} is longer than any event`);
  }

  /** `rest`: whatever followed the last newline (nothing, in a whole recording). */
  end(rest: string): Recording {
    if (rest !== '') this.line(rest);
    if (!this.header) throw this.notRecording('it is empty');
    const promised = this.header.eventCount;
    if (this.events.length < promised) {
      throw new ProcscopeError(
        'failed',
        `${this.name} is truncated: it holds ${count(this.events.length)} of the ` +
          `${count(promised)} events its header promises.`,
      );
    }
    if (this.events.length > promised) {
      throw this.damaged(
        `it holds ${count(this.events.length)} events where its header promises ${count(promised)}`,
      );
    }
    const { createdAt, generator, summary } = this.header;
    return { createdAt, generator, summary, events: this.events };
  }

  private readHeader(text: string): z.infer<typeof HeaderSchema> {
    const head = parseJson(text);
    const version = VersionSchema.safeParse(head);
    if (!version.success)
      throw this.notRecording('its first line is not a Procscope recording header');
    if (version.data.version > RECORDING_VERSION) {
      throw new ProcscopeError(
        'unavailable',
        `${this.name} was written by a newer Procscope (recording format ${version.data.version}); ` +
          `this version reads format ${RECORDING_VERSION}. Update Procscope to open it.`,
      );
    }
    const header = HeaderSchema.safeParse(head);
    if (!header.success) throw this.damaged('its header is incomplete');
    // Refused before a single event is read.
    if (header.data.eventCount > this.limits.maxEvents) {
      throw this.tooManyEvents(count(header.data.eventCount));
    }
    return header.data;
  }

  private tooManyEvents(held: string): ProcscopeError {
    return new ProcscopeError(
      'failed',
      `${this.name} is too large to open: it holds ${held} events; Procscope opens recordings of ` +
        `up to ${count(this.limits.maxEvents)} events.`,
    );
  }

  private notRecording(why: string): ProcscopeError {
    return new ProcscopeError('failed', `${this.name} is not a Procscope recording: ${why}.`);
  }

  private damaged(why: string): ProcscopeError {
    return new ProcscopeError('failed', `${this.name} is damaged: ${why}.`);
  }
}

function readFailure(name: string, error: unknown, decoded: number): ProcscopeError {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'Z_DATA_ERROR' && decoded === 0) {
    return new ProcscopeError(
      'failed',
      `${name} is not a Procscope recording: it is not gzip data.`,
    );
  }
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)) {
    return new ProcscopeError('failed', `${name} is truncated: its data ends part-way through.`);
  }
  if (code?.startsWith('Z_')) {
    return new ProcscopeError('failed', `${name} is damaged: its compressed data is corrupt.`);
  }
  return new ProcscopeError('failed', `Could not read ${name}: ${message}`);
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Math.round(mb)} MB` : `${Math.round(bytes / 1024)} KB`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
