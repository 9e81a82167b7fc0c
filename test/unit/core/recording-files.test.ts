// Opening and saving recordings through the real browser-mode server, as a hostile or unlucky
// client would: FIFOs, devices, folders, huge files, gzip bombs, lying headers, files in the way.
// Measured from outside: how long each answer takes, the server's memory, and how long another
// client waits while a large recording is read.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunLog } from '../../../src-main/common/contract';
import type { RunSummary } from '../../../src-main/common/lab';
import {
  decodeRecording,
  RECORDING_LIMITS,
  writeRecording,
} from '../../../src-main/core/recording/format';
import { LOG_PAGE_EVENTS } from '../../../src-main/core/lab-service';
import { bigLog, summaryOf, writeGzipBomb, writePromisingHeader } from '../helpers/recordings';
import { ApiClient, startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let client: ApiClient;
let dir: string;
let small: string;

beforeAll(async () => {
  server = await startServer();
  client = await ApiClient.open(server.address, server.token);
  dir = mkdtempSync(join(tmpdir(), 'procscope-recording-files-'));
  small = join(dir, 'small.procscope');
  const log = bigLog(2_000);
  await writeRecording(small, summaryOf(log, 'small.py'), log, 'procscope-test');
});
afterAll(async () => {
  client?.close();
  await server?.stop();
});

const MB = 1024 * 1024;

/** The reply, or a failure if it takes longer than `ms` (the old server never answered). */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function refusal(method: string, params: unknown, ms = 2_000) {
  const reply = await within(ms, client.call(method, params));
  if (reply.kind !== 'result' || reply.ok)
    throw new Error(`expected a refusal: ${JSON.stringify(reply)}`);
  return reply.error;
}

let largest: Promise<string> | undefined;
/** A recording of the most events allowed, written once for the tests that open it. */
function largestRecording(): Promise<string> {
  largest ??= (async () => {
    const log = bigLog(RECORDING_LIMITS.maxEvents);
    const file = join(dir, 'largest.procscope');
    await writeRecording(file, summaryOf(log), log, 'procscope-test');
    return file;
  })();
  return largest;
}

/** The server's RSS growth at its peak while `work` runs, sampled every 20 ms. */
async function peakGrowthDuring<T>(work: Promise<T>): Promise<{ result: T; peak: number }> {
  const before = server.rssBytes();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, server.rssBytes() - before)), 20);
  try {
    return { result: await work, peak };
  } finally {
    clearInterval(sampler);
  }
}

async function openSmall(): Promise<RunSummary> {
  return client.value<RunSummary>('recording.open', { path: small });
}

/** Another client's app.hello round trips while `work` runs: the worst is how long it was kept waiting. */
async function pingDuring<T>(
  work: Promise<T>,
): Promise<{ result: T; worstMs: number; pings: number }> {
  const pinger = await ApiClient.open(server.address, server.token);
  let done = false;
  const finished = work.finally(() => {
    done = true;
  });
  let worstMs = 0;
  let pings = 0;
  while (!done) {
    const sent = performance.now();
    await pinger.value('app.hello');
    worstMs = Math.max(worstMs, performance.now() - sent);
    pings += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  pinger.close();
  return { result: await finished, worstMs, pings };
}

function download(
  query: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: `/download/recording?${query}` },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe.runIf(process.platform === 'linux')('recording files through the real server', () => {
  it('refuses FIFOs, devices and folders at once, and file operations keep working', async () => {
    const fifos = Array.from({ length: 8 }, (_, index) => join(dir, `fifo-${index}.procscope`));
    for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
    // Eight at once: the old server parked each on one of libuv's four pool threads for good.
    const refused = await within(
      3_000,
      Promise.all(fifos.map((path) => client.call('recording.open', { path }))),
    );
    for (const reply of refused) {
      expect(reply).toMatchObject({
        ok: false,
        error: {
          code: 'invalid-params',
          message: expect.stringContaining('is a FIFO (named pipe)'),
        },
      });
    }
    const before = server.rssBytes();
    expect((await refusal('recording.open', { path: '/dev/zero' })).message).toBe(
      '/dev/zero is a device: Procscope reads and writes recordings only as regular files.',
    );
    expect(server.rssBytes() - before).toBeLessThan(20 * MB);
    expect((await refusal('recording.open', { path: dir })).message).toContain('is a folder');
    // Everything else that touches files still answers.
    await within(2_000, client.value('recording.list'));
    const replay = await within(5_000, openSmall());
    expect(
      (await refusal('recording.save', { runId: replay.id, path: fifos[0], replace: true }))
        .message,
    ).toContain('is a FIFO (named pipe)');
    expect(statSync(fifos[0] as string).isFIFO()).toBe(true);
  });

  it('refuses a file above the size cap before reading a byte of it', async () => {
    const huge = join(dir, 'huge.procscope');
    writeFileSync(huge, '');
    truncateSync(huge, 100 * MB);
    const error = await refusal('recording.open', { path: huge }, 1_000);
    expect(error.message).toBe(
      `${huge} is too large to open (100 MB): Procscope opens recordings of up to 64 MB.`,
    );
  });

  it('refuses a gzip bomb as too large when decompressed, in bounded memory', async () => {
    const bomb = join(dir, 'bomb.procscope');
    const stored = await writeGzipBomb(bomb, 2048 * MB);
    expect(stored).toBeLessThan(4 * MB);
    const { result: error, peak } = await peakGrowthDuring(
      refusal('recording.open', { path: bomb }, 10_000),
    );
    expect(error.message).toBe(
      `${bomb} is too large when decompressed (more than 256 MB): Procscope opens recordings of up to 256 MB decompressed.`,
    );
    // The old server decompressed it whole: +1 GB.
    expect(peak).toBeLessThan(100 * MB);
  });

  it('refuses a recording above the event cap from its header, before reading its events', async () => {
    const large = join(dir, 'large.procscope');
    await writePromisingHeader(large, 2_500_000);
    expect(statSync(large).size).toBeLessThan(RECORDING_LIMITS.maxFileBytes);
    const started = performance.now();
    const error = await refusal('recording.open', { path: large }, 2_000);
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.message).toBe(
      `${large} is too large to open: it holds 2,500,000 events; Procscope opens recordings of up to 200,000 events.`,
    );
  });

  it('refuses a recording whose header understates its events once they pass the cap, in bounded memory', async () => {
    // The file: 2.5 M small events, ~21 MB, here under a header that says 100.
    const lying = join(dir, 'lying.procscope');
    await writePromisingHeader(lying, 2_500_000, 100);
    const started = performance.now();
    const { result: error, peak } = await peakGrowthDuring(
      refusal('recording.open', { path: lying }, 10_000),
    );
    const refusedMs = performance.now() - started;
    console.log(
      `2.5 M events under a lying header: refused after ${refusedMs.toFixed(0)} ms, ` +
        `RSS peak +${(peak / MB).toFixed(0)} MB`,
    );
    expect(error.message).toBe(
      `${lying} is too large to open: it holds more than 200,000 events; Procscope opens recordings of up to 200,000 events.`,
    );
    // The old server took 3.3 GB for it; the issue allows 1 GB and 10 s.
    expect(peak).toBeLessThan(400 * MB);
    expect(refusedMs).toBeLessThan(10_000);
    expect(await within(2_000, client.value('app.hello'))).toBeDefined();
  });

  it('opens the largest recording again and again, and holds only the two latest', async () => {
    const largest = await largestRecording();
    const before = server.rssBytes();
    // The old server kept every one: its 7th open of a large recording ran out of heap.
    const opened: RunSummary[] = [];
    for (let times = 0; times < 4; times += 1) {
      opened.push(
        await within(10_000, client.value<RunSummary>('recording.open', { path: largest })),
      );
    }
    const listed = new Set((await client.value<RunSummary[]>('lab.runs')).map((run) => run.id));
    expect(opened.map((replay) => listed.has(replay.id))).toEqual([false, false, true, true]);
    expect(await client.call('lab.events', { runId: opened[0]?.id })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(server.rssBytes() - before).toBeLessThan(400 * MB);
  });

  it('opens a recording of the largest size allowed while other clients wait at most ~50 ms', async () => {
    const largest = await largestRecording();
    const before = server.rssBytes();
    const started = performance.now();
    const {
      result: replay,
      worstMs,
      pings,
    } = await pingDuring(client.value<RunSummary>('recording.open', { path: largest }));
    const openMs = performance.now() - started;
    const grown = server.rssBytes() - before;
    console.log(
      `open of ${RECORDING_LIMITS.maxEvents} events: ${openMs.toFixed(0)} ms, RSS +${(grown / MB).toFixed(0)} MB, ` +
        `another client waited at most ${worstMs.toFixed(1)} ms over ${pings} pings`,
    );
    expect(openMs).toBeLessThan(10_000);
    expect(pings).toBeGreaterThan(10);
    // ~50 ms is the aim; the margin is for a shared two-core machine.
    expect(worstMs).toBeLessThan(100);
    expect(grown).toBeLessThan(400 * MB);

    // The replay comes back page by page, every event in order, no page above the limit.
    let after: number | undefined;
    let received = 0;
    let lastSeq = 0;
    for (let more = true; more;) {
      const page = await client.value<RunLog>(
        'lab.events',
        after === undefined ? { runId: replay.id } : { runId: replay.id, sinceSeq: after },
      );
      expect(page.events.length).toBeLessThanOrEqual(LOG_PAGE_EVENTS);
      for (const event of page.events) {
        expect(event.seq).toBeGreaterThan(lastSeq);
        lastSeq = event.seq;
      }
      received += page.events.length;
      after = page.events.at(-1)?.seq;
      more = page.more;
    }
    expect(received).toBe(RECORDING_LIMITS.maxEvents);
  });

  it('saves only to absolute paths, and never replaces a file unless asked to', async () => {
    const replay = await openSmall();
    expect(
      (await refusal('recording.save', { runId: replay.id, path: 'run.procscope' })).message,
    ).toBe('run.procscope is not an absolute path: give the whole path, from the root.');
    const target = join(dir, 'mine.procscope');
    writeFileSync(target, 'precious');
    const exists = await refusal('recording.save', { runId: replay.id, path: target });
    expect(exists).toEqual({ code: 'already-exists', message: `${target} already exists.` });
    expect(readFileSync(target, 'utf8')).toBe('precious');
    await client.value('recording.save', { runId: replay.id, path: target, replace: true });
    const saved = await decodeRecording(readFileSync(target), target);
    expect(saved.events).toHaveLength(2_000);

    // Into the recordings folder: the same run twice lands on the same name, and asks.
    const first = await client.value<{ path: string }>('recording.save', { runId: replay.id });
    expect((await refusal('recording.save', { runId: replay.id })).code).toBe('already-exists');
    expect(await client.value('recording.save', { runId: replay.id, replace: true })).toEqual(
      first,
    );

    const folder = join(dir, 'a-folder.procscope');
    mkdirSync(folder);
    expect(
      (await refusal('recording.save', { runId: replay.id, path: folder, replace: true })).message,
    ).toContain('is a folder');
    expect((await refusal('recording.save', { runId: replay.id, saveAs: true })).code).toBe(
      'unavailable',
    );
  });

  it('downloads a recording with the token, and nothing without it', async () => {
    const replay = await openSmall();
    const run = encodeURIComponent(replay.id);
    const ok = await download(`run=${run}&token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-disposition']).toMatch(
      /^attachment; filename="small\.py-.*\.procscope"/,
    );
    const [header] = gunzipSync(ok.body).toString('utf8').split('\n');
    expect(JSON.parse(header ?? '')).toMatchObject({ eventCount: 2_000 });
    expect((await download(`run=${run}&token=wrong`)).status).toBe(401);
    expect((await download(`run=nope&token=${server.token}`)).status).toBe(404);
  });
});
