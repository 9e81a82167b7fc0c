// The renderer's picture of the Lab: the runs, the selected run's event log, and its projection
// (processes, threads, pauses, problems, output). The log arrives twice over: pushed in batches
// ('lab.events'), and fetched with 'lab.events' when a run is selected or after a reconnect or a
// gap, from the last seq we hold. seq numbers make the two meet without duplicates.
import type { Params, PythonStatus, RecordingEntry } from '$common/contract';
import type { LabEvent, RunSignal, RunSummary, StartRunRequest, StepAction } from '$common/lab';
import { ApiCallError, type Bridge } from './bridge.svelte';
import { emptyDraft, type LabDraft } from './lab-form';
import { HeldLogs } from './held-logs.svelte';
import { EMPTY_VIEW, RunProjection, type OutputLine, type RunView } from './lab-model';
import type { TimelineRun } from './timeline/runs';
import { fetchRunLog } from './run-log';

/** Output lines kept in the renderer; older ones stay in the backend's log. */
const OUTPUT_LINES = 5000;
/**
 * Events kept for the Timeline; the projection has already taken what it needs from older ones.
 * Trimmed in steps of a quarter, since a trimmed log makes the Timeline rebuild its layout.
 */
const MAX_LOG = 100_000;

export type PickPurpose = 'script' | 'recording' | 'python';

type SaveRequest = Omit<Params<'recording.save'>, 'runId'>;

export interface PendingReplace {
  runId: string;
  request: SaveRequest;
  /** What is in the way, as the backend put it. */
  question: string;
}

export interface LabNotice {
  tone: 'info' | 'error';
  text: string;
}

export class LabStore {
  /** Newest first. */
  runs = $state.raw<RunSummary[]>([]);
  selectedId = $state<string | null>(null);
  readonly selected = $derived(this.runs.find((run) => run.id === this.selectedId) ?? null);
  /** The selected run's processes, threads, pauses and problems. */
  view = $state.raw<RunView>(EMPTY_VIEW);
  output = $state.raw<OutputLine[]>([]);
  /** Output lines of the selected run no longer kept here. */
  outputEvicted = $state(0);
  loading = $state(false);
  /** Why the selected run's events could not be read. */
  loadError = $state<string | null>(null);
  /** Why the list of runs could not be read (the backend has no Lab, or is gone). */
  runsError = $state<string | null>(null);

  python = $state.raw<PythonStatus | null>(null);
  pythonError = $state<string | null>(null);

  /** The start form, kept here so it survives switching tabs. */
  draft = $state<LabDraft>(emptyDraft());
  /** The line being typed for the selected run's stdin, kept likewise. */
  inputDraft = $state('');
  starting = $state(false);
  startError = $state<string | null>(null);

  /** Electron has OS file pickers; browser mode types paths. Learnt from the first refusal too. */
  canPick = $state(false);
  recordings = $state.raw<RecordingEntry[] | null>(null);
  /** A save found a file in the way: the "Replace?" question, until it is answered. */
  replacing = $state.raw<PendingReplace | null>(null);
  /** Outcome of the last action (saved a recording, a signal that failed…). */
  notice = $state.raw<LabNotice | null>(null);

  /**
   * The selected run's log, oldest first, bounded: a new array per applied batch (the Timeline
   * extends its layout when the old array is a prefix of the new one).
   */
  events = $state.raw<readonly LabEvent[]>([]);
  /** Logs of other runs the views hold on to: to compare them, and the Lessons' results. */
  readonly held: HeldLogs;
  /** Runs ticked in the Runs list to compare on one Timeline, in the order they were ticked. */
  compareIds = $state.raw<string[]>([]);
  /** The ticked runs still listed, stacked on the Timeline in the order of the list. */
  readonly compared = $derived.by((): TimelineRun[] =>
    this.runs
      .filter((run) => this.compareIds.includes(run.id))
      .flatMap((run) => {
        const events = this.logOf(run.id);
        return events ? [{ key: run.id, title: run.title, events, live: isLive(run) }] : [];
      }),
  );
  private projection = new RunProjection(OUTPUT_LINES);
  private lastSeq = 0;
  private queued: LabEvent[] = [];

  constructor(private readonly bridge: Bridge) {
    this.held = new HeldLogs(bridge);
    this.canPick = bridge.transport === 'electron';
    bridge.on('lab.run', (summary) => this.upsert(summary));
    bridge.on('lab.events', ({ runId, events }) => this.receive(runId, events));
    bridge.onConnected(() => {
      void this.refresh();
      // Which interpreter runs is the teacher's business: a viewer runs nothing.
      if (bridge.role !== 'viewer') void this.loadPython();
      // Whatever was pushed while we were away is fetched from the last seq we hold.
      if (this.selectedId !== null) void this.load(this.selectedId, this.lastSeq);
    });
  }

  async refresh(): Promise<void> {
    try {
      const runs = await this.bridge.call('lab.runs', {});
      this.runs = sortRuns(runs);
      this.runsError = null;
      if (this.selectedId !== null && !runs.some((run) => run.id === this.selectedId))
        this.selectedId = null;
      if (this.selectedId === null && this.runs[0]) this.select(this.runs[0].id);
    } catch (error) {
      this.runsError = messageOf(error);
    }
  }

  async loadPython(): Promise<void> {
    try {
      this.python = await this.bridge.call('lab.python', {});
      this.pythonError = null;
    } catch (error) {
      this.pythonError = messageOf(error);
    }
  }

  /** Sets the interpreter (a path), or goes back to finding one on PATH (null). */
  async setPython(path: string | null): Promise<PythonStatus> {
    const status = await this.bridge.call('lab.setPython', { path });
    this.python = status;
    this.pythonError = null;
    return status;
  }

  /** A run's log: the one on screen, or one held (see held); undefined when neither. */
  logOf(runId: string): readonly LabEvent[] | undefined {
    return runId === this.selectedId ? this.events : this.held.get(runId);
  }

  /** Ticks a run for the comparison, or unticks it. */
  toggleCompare(runId: string): void {
    if (this.compareIds.includes(runId)) {
      this.compareIds = this.compareIds.filter((id) => id !== runId);
      this.held.release(runId, 'compare');
    } else {
      this.compareIds = [...this.compareIds, runId];
      void this.held.hold(runId, 'compare');
    }
  }

  select(runId: string): void {
    if (runId === this.selectedId) return;
    this.selectedId = runId;
    this.reset();
    void this.load(runId);
  }

  /**
   * Starts a run and selects it. Refusals (no Python, a missing script…) land in startError for
   * the form to show; a run that starts and then fails tells its story in its own events.
   */
  async start(request: StartRunRequest): Promise<RunSummary | null> {
    this.starting = true;
    this.startError = null;
    try {
      return await this.launch(() => this.bridge.call('lab.start', request));
    } catch (error) {
      this.startError = messageOf(error);
      return null;
    } finally {
      this.starting = false;
    }
  }

  /**
   * Starts a lesson's variation (see lessons.run) and selects its run. Rejects when it cannot
   * start: the Lessons screen says why in its own words.
   */
  startLesson(
    params: Params<'lessons.run'>,
    stopLive: readonly string[] = [],
  ): Promise<RunSummary> {
    return this.launch(() => this.bridge.call('lessons.run', params), stopLive);
  }

  /**
   * A new run goes on screen, and a run left in step mode would wait at its pause forever, out of
   * sight: such runs are stopped first (and so are the runs in `stopLive`), and the notice says so.
   */
  private async launch(
    call: () => Promise<RunSummary>,
    stopLive: readonly string[] = [],
  ): Promise<RunSummary> {
    const stranded = this.runs.filter(
      (run) => isLive(run) && (run.stepMode || stopLive.includes(run.id)),
    );
    // Awaited only when there is something to stop: a start must not wait a turn for nothing.
    if (stranded.length > 0) await Promise.all(stranded.map((run) => this.stopRun(run.id)));
    const summary = await call();
    this.upsert(summary);
    this.select(summary.id);
    const paused = stranded.filter((run) => run.stepMode);
    if (paused.length > 0)
      this.notice = {
        tone: 'info',
        text: `Stopped ${paused.map((run) => `“${run.title}”`).join(', ')}: it was in step mode, and would have waited at its pause unseen.`,
      };
    return summary;
  }

  /** Stops the selected run. */
  stop(): Promise<void> {
    return this.act('Stopping the run', (runId) => this.bridge.call('lab.stop', { runId }));
  }

  private async stopRun(runId: string): Promise<void> {
    try {
      this.upsert(await this.bridge.call('lab.stop', { runId }));
    } catch (error) {
      // It may have ended by itself meanwhile; anything else is worth saying.
      if (!(error instanceof ApiCallError && error.code === 'not-found'))
        this.notice = { tone: 'error', text: `Stopping the run failed: ${messageOf(error)}` };
    }
  }

  signal(pid: number, action: RunSignal): Promise<void> {
    return this.act('Sending the signal', (runId) =>
      this.bridge.call('lab.signal', { runId, pid, action }),
    );
  }

  step(action: StepAction): Promise<void> {
    return this.act('Stepping', (runId) => this.bridge.call('lab.step', { runId, action }));
  }

  /**
   * `text` to the selected run's stdin, as typed; `eof` then ends its input (Ctrl-D). Resolves
   * whether it was sent (a failure is told in the notice).
   */
  async input(text: string, eof = false): Promise<boolean> {
    let sent = false;
    await this.act(eof ? 'Ending the input' : 'Sending input', async (runId) => {
      const summary = await this.bridge.call('lab.input', { runId, text, eof });
      sent = true;
      return summary;
    });
    return sent;
  }

  setStepMode(on: boolean): Promise<void> {
    return this.act('Changing step mode', (runId) =>
      this.bridge.call('lab.setStepMode', { runId, on }),
    );
  }

  /**
   * The OS file picker. Resolves null when the user cancelled, and also when there is no picker
   * (browser mode): canPick then turns false and the views offer a path field instead.
   */
  async pick(purpose: PickPurpose): Promise<string | null> {
    try {
      return (await this.bridge.call('app.pickFile', { purpose })).path;
    } catch (error) {
      if (error instanceof ApiCallError && error.code === 'unavailable') this.canPick = false;
      else this.notice = { tone: 'error', text: messageOf(error) };
      return null;
    }
  }

  /** Saves the selected run where the backend keeps recordings (listed by recording.list). */
  saveRecording(): Promise<string | null> {
    return this.save({});
  }

  /** Electron: the OS save dialog says where (and asks about replacing, itself). */
  saveRecordingAs(): Promise<string | null> {
    return this.save({ saveAs: true });
  }

  /** Browser mode: the address a run's recording downloads from ("Save as…"); null in the app. */
  downloadUrl(runId: string): string | null {
    return this.bridge.recordingUrl(runId);
  }

  /** The user said yes to "Replace?": the save that found a file in the way, again. */
  confirmReplace(): Promise<string | null> {
    const pending = this.replacing;
    this.replacing = null;
    return pending
      ? this.save({ ...pending.request, replace: true }, pending.runId)
      : Promise.resolve(null);
  }

  cancelReplace(): void {
    this.replacing = null;
  }

  private async save(request: SaveRequest, runId = this.selectedId): Promise<string | null> {
    if (runId === null) return null;
    try {
      const saved = await this.bridge.call('recording.save', { runId, ...request });
      if (saved.path !== null)
        this.notice = { tone: 'info', text: `Recording saved to ${saved.path}` };
      return saved.path;
    } catch (error) {
      if (error instanceof ApiCallError && error.code === 'already-exists') {
        this.replacing = { runId, request, question: error.message };
      } else {
        this.notice = { tone: 'error', text: `The recording was not saved: ${messageOf(error)}` };
      }
      return null;
    }
  }

  async listRecordings(): Promise<void> {
    try {
      this.recordings = await this.bridge.call('recording.list', {});
    } catch (error) {
      this.recordings = [];
      this.notice = { tone: 'error', text: `Recordings could not be listed: ${messageOf(error)}` };
    }
  }

  /** Opens a saved recording as a (finished) run and selects it; its events replay as a log. */
  async openRecording(path: string): Promise<boolean> {
    try {
      const summary = await this.bridge.call('recording.open', { path });
      this.upsert(summary);
      this.select(summary.id);
      return true;
    } catch (error) {
      this.notice = {
        tone: 'error',
        text: `The recording could not be opened: ${messageOf(error)}`,
      };
      return false;
    }
  }

  /** Calls `call` for the selected run; `what` names it in a notice if it fails. */
  private async act(what: string, call: (runId: string) => Promise<RunSummary>): Promise<void> {
    const runId = this.selectedId;
    if (runId === null) return;
    try {
      this.upsert(await call(runId));
    } catch (error) {
      this.notice = { tone: 'error', text: `${what} failed: ${messageOf(error)}` };
    }
  }

  private upsert(summary: RunSummary): void {
    const others = this.runs.filter((run) => run.id !== summary.id);
    const isNew = others.length === this.runs.length;
    this.runs = sortRuns([...others, summary]);
    // The backend announces a run before lab.start answers; one that appears while ours is
    // starting is taken to be ours, so the view follows the Run button at once (the answer then
    // settles it). Other runs (another window, a student's browser) never take over a selection.
    if (this.selectedId === null || (isNew && this.starting)) this.select(summary.id);
  }

  private reset(): void {
    this.projection = new RunProjection(OUTPUT_LINES);
    this.events = [];
    this.lastSeq = 0;
    this.queued = [];
    this.view = EMPTY_VIEW;
    this.output = [];
    this.outputEvicted = 0;
    this.loadError = null;
  }

  private receive(runId: string, events: LabEvent[]): void {
    if (runId !== this.selectedId || events.length === 0) return;
    if (this.loading) {
      this.queued.push(...events);
      return;
    }
    const first = events[0] as LabEvent;
    if (first.seq > this.lastSeq + 1) {
      // A batch went missing (a reconnect, a slow client): fetch the gap, then carry on.
      this.queued.push(...events);
      void this.load(runId, this.lastSeq);
      return;
    }
    this.ingest(events);
  }

  private async load(runId: string, sinceSeq?: number): Promise<void> {
    this.loading = true;
    let loaded = false;
    try {
      const summary = await fetchRunLog(this.bridge, runId, sinceSeq, (page) => {
        if (runId !== this.selectedId) return false;
        this.ingest(page.events);
        return true;
      });
      if (summary === null || runId !== this.selectedId) return;
      this.runs = sortRuns([...this.runs.filter((run) => run.id !== runId), summary]);
      // Events evicted from the backend's log leave seq gaps that no fetch can fill.
      this.lastSeq = Math.max(this.lastSeq, summary.lastSeq);
      loaded = true;
    } catch (error) {
      if (runId === this.selectedId) this.loadError = messageOf(error);
    } finally {
      if (runId === this.selectedId) this.loading = false;
    }
    // What was pushed meanwhile: mostly duplicates of what the fetch returned, dropped by seq.
    if (loaded && this.queued.length > 0) {
      const queued = this.queued;
      this.queued = [];
      this.receive(runId, queued);
    }
  }

  private ingest(batch: LabEvent[]): void {
    const fresh = batch.filter((event) => event.seq > this.lastSeq);
    if (fresh.length === 0) return;
    let structure = false;
    for (const event of fresh) structure = this.projection.apply(event) || structure;
    this.lastSeq = (fresh.at(-1) as LabEvent).seq;
    const log = [...this.events, ...fresh];
    this.events = log.length > MAX_LOG * 1.25 ? log.slice(log.length - MAX_LOG) : log;
    if (structure || this.view === EMPTY_VIEW)
      this.view = this.projection.view({ rootPid: this.selected?.rootPid ?? null });
    if (fresh.some((event) => event.kind === 'output')) {
      this.output = this.projection.output.snapshot();
      this.outputEvicted = this.projection.output.evicted;
    }
  }
}

export function isLive(run: RunSummary | null): boolean {
  return run !== null && (run.state === 'running' || run.state === 'starting');
}

function sortRuns(runs: RunSummary[]): RunSummary[] {
  return [...runs].sort((a, b) => b.startedAt - a.startedAt);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
