// A recording is a run's log written to a file: gzip'd JSON lines, a header line first (format,
// version, the run's summary), then one event per line in seq order. docs/recording-format.md
// is the reference; keep the two in step.

import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
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

export const RECORDING_FORMAT = 'procscope-recording';
export const RECORDING_VERSION = 1;
export const RECORDING_EXTENSION = '.procscope';
// A 200k-event log is ~40 MB of JSON; anything far beyond is not ours (or is a zip bomb).
const MAX_DECODED_BYTES = 1024 * 1024 * 1024;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

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

export async function encodeRecording(
  summary: RunSummary,
  events: readonly LabEvent[],
  generator: string,
): Promise<Buffer> {
  const header = {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    createdAt: new Date().toISOString(),
    generator,
    summary,
    eventCount: events.length,
  };
  const lines = [JSON.stringify(header), ...events.map((event) => JSON.stringify(event))];
  // zlib's async API works on the thread pool: a large recording does not stall the UI.
  return gzipAsync(Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
}

/** `name` says which file in error messages. */
export async function decodeRecording(data: Buffer, name: string): Promise<Recording> {
  const damaged = (why: string): ProcscopeError =>
    new ProcscopeError('failed', `${name} is not a readable Procscope recording: ${why}.`);
  let text: string;
  try {
    text = (await gunzipAsync(data, { maxOutputLength: MAX_DECODED_BYTES })).toString('utf8');
  } catch {
    throw damaged('it is not gzip data, or it is truncated');
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const [first = '', ...rest] = lines;
  const head = parseJson(first);
  const version = VersionSchema.safeParse(head);
  if (!version.success) throw damaged('the first line is not a Procscope recording header');
  if (version.data.version > RECORDING_VERSION) {
    throw new ProcscopeError(
      'unavailable',
      `${name} was written by a newer Procscope (recording format ${version.data.version}); this ` +
        `version reads format ${RECORDING_VERSION}. Update Procscope to open it.`,
    );
  }
  const header = HeaderSchema.safeParse(head);
  if (!header.success) throw damaged('its header is incomplete');
  const events = rest.map((line, index) => {
    const event = EnvelopeSchema.safeParse(parseJson(line));
    if (!event.success) throw damaged(`line ${index + 2} is not a valid event`);
    return event.data as LabEvent;
  });
  if (events.length !== header.data.eventCount) {
    throw damaged(
      `it holds ${events.length} events where its header promises ${header.data.eventCount}`,
    );
  }
  const { createdAt, generator, summary } = header.data;
  return { createdAt, generator, summary, events };
}

/** Written to a temporary file first, then renamed: a crash never leaves half a recording. */
export async function writeRecording(
  file: string,
  summary: RunSummary,
  events: readonly LabEvent[],
  generator: string,
): Promise<void> {
  const data = await encodeRecording(summary, events, generator);
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(4).toString('hex')}`,
  );
  try {
    await writeFile(temporary, data);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new ProcscopeError('failed', `Could not write ${file}: ${(error as Error).message}`);
  }
}

export async function readRecording(file: string): Promise<Recording> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ProcscopeError('not-found', `${file} does not exist.`);
    throw new ProcscopeError('failed', `Could not read ${file}: ${(error as Error).message}`);
  }
  return decodeRecording(data, file);
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
