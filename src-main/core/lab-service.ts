// The Lab side of the backend: live runs from the supervisor, replays opened from recordings,
// the chosen interpreter (remembered), and the built-in lessons. The contract's lab.*,
// recording.* and lessons.* methods are thin calls into this class.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { PythonStatus, RecordingEntry, RunLog } from '../common/contract';
import { isProcscopeError, ProcscopeError } from '../common/errors';
import type { LabEvent, RunSummary, StartRunRequest } from '../common/lab';
import { replayRunId } from '../common/replay';
import type { Lesson } from '../common/lessons';
import { LabSupervisor } from './lab/supervisor';
import { lessonRunRequest, listLessons } from './lessons/catalog';
import {
  readRecording,
  RECORDING_EXTENSION,
  RECORDING_LIMITS,
  recordingStream,
  writeRecording,
} from './recording/format';
import { SettingsStore } from './settings-store';

export interface LabServiceOptions {
  version: string;
  tracerRoot: string;
  lessonsRoot: string;
  dataDir: string;
  supervisor?: LabSupervisor;
}

interface Replay {
  summary: RunSummary;
  events: LabEvent[];
}

/** A page of lab.events: this many events, or fewer once their output text reaches the next. */
export const LOG_PAGE_EVENTS = 5_000;
const LOG_PAGE_TEXT_CHARS = 1_000_000;

/** Opened recordings kept in memory at once; the oldest is closed beyond either bound. */
const MAX_REPLAYS = 8;
/** Two recordings of the largest size allowed. */
const MAX_REPLAY_EVENTS = 2 * RECORDING_LIMITS.maxEvents;

export class LabService {
  readonly supervisor: LabSupervisor;
  private readonly settings: SettingsStore;
  private readonly replays = new Map<string, Replay>();
  private opening: Promise<unknown> = Promise.resolve();
  private readonly recordingsDir: string;
  private lessonCache: Lesson[] | undefined;

  constructor(private readonly options: LabServiceOptions) {
    this.settings = new SettingsStore(options.dataDir);
    this.recordingsDir = join(options.dataDir, 'recordings');
    this.supervisor =
      options.supervisor ??
      new LabSupervisor({
        tracerRoot: options.tracerRoot,
        settings: { python: this.settings.get().python },
      });
  }

  async pythonStatus(): Promise<PythonStatus> {
    const configured = this.settings.get().python ?? null;
    try {
      return { python: await this.supervisor.findPython(), configured, problem: null };
    } catch (error) {
      return { python: null, configured, problem: describe(error) };
    }
  }

  setPython(path: string | null): Promise<PythonStatus> {
    this.settings.update({ python: path ?? undefined });
    this.supervisor.updateSettings({ python: path ?? undefined });
    return this.pythonStatus();
  }

  start(request: StartRunRequest): Promise<RunSummary> {
    return this.supervisor.start(request);
  }

  runs(): RunSummary[] {
    const all = [...this.supervisor.runs(), ...[...this.replays.values()].map((r) => r.summary)];
    return all.sort((a, b) => b.startedAt - a.startedAt);
  }

  /** A page of the log after `sinceSeq`: see RunLog. */
  log(runId: string, sinceSeq = 0): RunLog {
    const replay = this.replays.get(runId);
    if (replay) {
      return {
        summary: replay.summary,
        ...logPage(replay.events, firstAfter(replay.events, sinceSeq)),
      };
    }
    return {
      summary: this.supervisor.run(runId),
      ...logPage(this.supervisor.events(runId, sinceSeq), 0),
    };
  }

  /**
   * Writes a run's recording: to `path` (absolute), or to the recordings folder. An existing
   * file is replaced only with `replace` (the user confirmed it), and only a regular file.
   */
  async saveRecording(
    runId: string,
    { path, replace = false }: { path?: string; replace?: boolean } = {},
  ): Promise<{ path: string }> {
    const { summary, events } = this.wholeLog(runId);
    if (path !== undefined) requireAbsolute(path);
    const file = path ?? (await this.defaultRecordingPath(summary));
    await writeRecording(file, summary, events, this.generator(), replace ? 'replace' : 'create');
    return { path: file };
  }

  /** A run's recording as bytes to download, and the file name to suggest. */
  exportRecording(runId: string): { fileName: string; data: Readable } {
    const { summary, events } = this.wholeLog(runId);
    return {
      fileName: recordingFileName(summary),
      data: recordingStream(summary, events, this.generator()),
    };
  }

  suggestedFileName(runId: string): string {
    return recordingFileName(this.wholeLog(runId).summary);
  }

  /** Opens one recording at a time: each may take a few hundred MB while it is read. */
  openRecording(path: string): Promise<RunSummary> {
    const opened = this.opening.then(() => this.readReplay(path));
    this.opening = opened.catch(() => undefined);
    return opened;
  }

  async listRecordings(): Promise<RecordingEntry[]> {
    const names = await readdir(this.recordingsDir).catch(() => [] as string[]);
    const entries = await Promise.all(
      names
        .filter((name) => name.endsWith(RECORDING_EXTENSION))
        .map(async (name): Promise<RecordingEntry | null> => {
          const path = join(this.recordingsDir, name);
          const info = await stat(path).catch(() => null);
          if (!info?.isFile()) return null;
          return {
            path,
            title: basename(name, RECORDING_EXTENSION),
            savedAt: info.mtimeMs,
            bytes: info.size,
          };
        }),
    );
    return entries
      .filter((entry): entry is RecordingEntry => entry !== null)
      .sort((a, b) => b.savedAt - a.savedAt);
  }

  private async readReplay(path: string): Promise<RunSummary> {
    requireAbsolute(path);
    const recording = await readRecording(path);
    // A fresh id: the same file opened twice, or a recording of a run still in memory, must not
    // collide with what is already listed.
    const summary: RunSummary = {
      ...recording.summary,
      id: replayRunId(randomUUID()),
      title: `${recording.summary.title} (recording)`,
    };
    this.replays.set(summary.id, { summary, events: recording.events });
    let held = [...this.replays.values()].reduce((sum, replay) => sum + replay.events.length, 0);
    for (const [id, replay] of this.replays) {
      if (this.replays.size <= MAX_REPLAYS && held <= MAX_REPLAY_EVENTS) break;
      if (id === summary.id) break;
      this.replays.delete(id);
      held -= replay.events.length;
    }
    return summary;
  }

  private wholeLog(runId: string): { summary: RunSummary; events: readonly LabEvent[] } {
    const replay = this.replays.get(runId);
    if (replay) return replay;
    return { summary: this.supervisor.run(runId), events: this.supervisor.events(runId) };
  }

  private generator(): string {
    return `procscope ${this.options.version}`;
  }

  lessons(): Lesson[] {
    return (this.lessonCache ??= listLessons(this.options.lessonsRoot));
  }

  runLesson(lessonId: string, variationId?: string, stepMode = false): Promise<RunSummary> {
    const lesson = this.lessons().find((candidate) => candidate.id === lessonId);
    if (!lesson) throw new ProcscopeError('not-found', `There is no lesson "${lessonId}".`);
    let request: StartRunRequest;
    try {
      request = lessonRunRequest(this.options.lessonsRoot, lesson, variationId);
    } catch (error) {
      throw new ProcscopeError('invalid-params', describe(error));
    }
    return this.supervisor.start({ ...request, stepMode });
  }

  dispose(): Promise<void> {
    return this.supervisor.dispose();
  }

  private async defaultRecordingPath(summary: RunSummary): Promise<string> {
    await mkdir(this.recordingsDir, { recursive: true });
    return join(this.recordingsDir, recordingFileName(summary));
  }
}

/** The same name for the same run, so saving it twice finds the first copy (and asks). */
function recordingFileName(summary: RunSummary): string {
  const stamp = new Date(summary.startedAt).toISOString().replace(/[:.]/g, '-');
  const slug = summary.title
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'run'}-${stamp}${RECORDING_EXTENSION}`;
}

function requireAbsolute(path: string): void {
  // Relative to what? The server's working directory means nothing to the person typing.
  if (!isAbsolute(path)) {
    throw new ProcscopeError(
      'invalid-params',
      `${path} is not an absolute path: give the whole path, from the root.`,
    );
  }
}

function logPage(events: readonly LabEvent[], start: number): Pick<RunLog, 'events' | 'more'> {
  let end = start;
  let text = 0;
  while (end < events.length && end - start < LOG_PAGE_EVENTS && text < LOG_PAGE_TEXT_CHARS) {
    const event = events[end] as LabEvent;
    // A recording's events are checked only for their envelope: never trust a field's type.
    if (event.kind === 'output' && typeof event.text === 'string') text += event.text.length;
    end += 1;
  }
  return { events: events.slice(start, end), more: end < events.length };
}

/** Index of the first event with seq > `seq` in a log sorted by seq. */
function firstAfter(events: readonly LabEvent[], seq: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((events[middle] as LabEvent).seq <= seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

function describe(error: unknown): string {
  if (isProcscopeError(error) || error instanceof Error) return error.message;
  return String(error);
}
