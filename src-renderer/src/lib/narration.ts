// Narration: a run told in plain sentences, one per lifecycle event, as it happens — what a
// teacher would say while pointing at the Timeline ("Process-1 was created (New) — no OS process
// yet", "MainProcess is waiting in join() for Process-2"). Pure TS over the event log.
//
// Events name objects ("4100:1") and pids, not people's names; the names arrive in earlier
// events (mp.created, mp.started, mp.running, thread.*), so a Narrator keeps what it has heard.
// Samples, output and Procscope's own plumbing are skipped: the output has its own panel, and a
// sentence every 250 ms about CPU would bury the ones that matter.
import type { LabEvent, LabEventOf, ObjectId } from '$common/lab';
import { callLabel } from './lab-model';
import { SIGNAL_NUMBERS, shortName } from './timeline/names';

export type NarrationTone = 'plain' | 'wait' | 'problem' | 'step';

export interface NarrationLine {
  /** seq of the event that first said it: stable while the run goes on. */
  key: number;
  /** µs since the run started. */
  t: number;
  text: string;
  /** Shown with a shape as well as a colour: waiting, a problem, a step-mode pause. */
  tone: NarrationTone;
  /** The same sentence this many times in a row (an is_alive() polling loop), said once. */
  count: number;
}

type Sentence = { text: string; tone: NarrationTone };
const plain = (text: string): Sentence => ({ text, tone: 'plain' });
const problem = (text: string): Sentence => ({ text, tone: 'problem' });
const wait = (text: string): Sentence => ({ text, tone: 'wait' });

/** Lines kept; a Queue lesson can put thousands of messages, the class reads the last few. */
const MAX_LINES = 500;

// A real minus sign: a hyphen next to a digit reads as a dash on a projector.
const signed = (code: number): string => (code < 0 ? `−${-code}` : String(code));

function signalOf(code: number): string {
  const name = Object.keys(SIGNAL_NUMBERS).find((signal) => SIGNAL_NUMBERS[signal] === code);
  return name ?? `signal ${-code}`;
}

/** "Process-1 and Process-2", "A, B and C". */
function listOf(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * "do_something()", "example('Hi',)": the call the child makes, as Python would write it, with
 * objects shortened from "<multiprocessing.queues.Queue object at 0x7f3a>" to "<Queue>".
 */
function callOf(target: string, args: string): string {
  const name = shortName(target);
  const shown = args.replace(/<(?:[\w.]+\.)?(\w+) object at 0x[\da-f]+>/gi, '<$1>');
  return shown.startsWith('(') ? `${name}${shown}` : `${name} with ${shown}`;
}

/** A Pool's or an executor's own worker loop: plumbing, not the student's function. */
const isLibraryTarget = (target: string): boolean =>
  /^(?:multiprocessing|concurrent)\./.test(target);

/** "Process.start" → "start" */
const methodOf = (call: string): string => call.slice(call.lastIndexOf('.') + 1);

interface ProcObject {
  name: string;
  target: string;
  args: string;
  daemon: boolean;
  pid: number | null;
  started: boolean;
  /** Its end (and exit code) has been told: a second report of it is not. */
  ended: boolean;
  /** Index in `lines` of its exception, waiting for the exit code to complete the sentence. */
  exceptionLine: number | null;
}

interface ThreadObject {
  name: string;
  pid: number | null;
  daemon: boolean;
  internal: boolean;
  started: boolean;
  finished: boolean;
}

/** Tells one run, event by event. Feed it every event of the log, in seq order. */
export class Narrator {
  private readonly lines: NarrationLine[] = [];
  private readonly procs = new Map<ObjectId, ProcObject>();
  private readonly threads = new Map<ObjectId, ThreadObject>();
  private readonly pidNames = new Map<number, string>();
  /** "pid:tid" of threads other than a process's main thread, to name who made a call. */
  private readonly threadByTid = new Map<string, string>();
  private readonly messages = new Map<string, number>();
  private readonly tasks = new Map<string, string>();
  private rootPid: number | null = null;
  private rootExitTold = false;
  private changed = false;

  /** The lines so far, oldest first; a new array only when something was said. */
  private published: NarrationLine[] = [];

  apply(event: LabEvent): void {
    const text = this.sentence(event);
    if (text !== null) this.say(event, text.text, text.tone);
  }

  snapshot(): NarrationLine[] {
    if (this.changed) {
      this.published = this.lines.slice(-MAX_LINES);
      this.changed = false;
    }
    return this.published;
  }

  private say(event: LabEvent, text: string, tone: NarrationTone): void {
    const last = this.lines.at(-1);
    if (last && last.text === text && last.tone === tone) {
      this.lines[this.lines.length - 1] = { ...last, count: last.count + 1 };
    } else {
      this.lines.push({ key: event.seq, t: event.t, text, tone, count: 1 });
      // Trimmed in steps, so that most batches append without copying the whole list.
      if (this.lines.length > MAX_LINES * 2) {
        const drop = this.lines.length - MAX_LINES;
        this.lines.splice(0, drop);
        for (const proc of this.procs.values())
          if (proc.exceptionLine !== null)
            proc.exceptionLine = proc.exceptionLine >= drop ? proc.exceptionLine - drop : null;
      }
    }
    this.changed = true;
  }

  // -- names -----------------------------------------------------------------------------------

  private pidName(pid: number | undefined): string {
    if (pid === undefined) return 'a process';
    return this.pidNames.get(pid) ?? (pid === this.rootPid ? 'MainProcess' : `pid ${pid}`);
  }

  /** Who made a call: a thread of its own when it was not the main thread, else its process. */
  private caller(event: LabEvent): string {
    if (event.pid !== undefined && event.tid !== undefined) {
      const thread = this.threadByTid.get(`${event.pid}:${event.tid}`);
      if (thread) return thread;
    }
    return this.pidName(event.pid);
  }

  private proc(id: ObjectId, name?: string): ProcObject {
    let proc = this.procs.get(id);
    if (!proc) {
      proc = {
        name: name ?? 'a process',
        target: '',
        args: '',
        daemon: false,
        pid: null,
        started: false,
        ended: false,
        exceptionLine: null,
      };
      this.procs.set(id, proc);
    } else if (name) proc.name = name;
    return proc;
  }

  private thread(id: ObjectId, name?: string): ThreadObject {
    let thread = this.threads.get(id);
    if (!thread) {
      thread = {
        name: name ?? 'a thread',
        pid: null,
        daemon: false,
        internal: false,
        started: false,
        finished: false,
      };
      this.threads.set(id, thread);
    } else if (name) thread.name = name;
    return thread;
  }

  /** The name of a Process or Thread object, for a call made on it (api.error). */
  private objectName(id: ObjectId): string {
    return this.procs.get(id)?.name ?? this.threads.get(id)?.name ?? 'an object';
  }

  // -- sentences -------------------------------------------------------------------------------

  private sentence(event: LabEvent): Sentence | null {
    switch (event.kind) {
      case 'tracer.attached':
        if (event.role !== 'main') return null;
        this.rootPid = event.pid;
        this.pidNames.set(event.pid, 'MainProcess');
        return plain(`MainProcess started, pid ${event.pid} (Python ${event.python})`);
      case 'mp.created': {
        const proc = this.proc(event.proc, event.name);
        proc.target = event.target;
        proc.args = event.args;
        return plain(`${proc.name} was created (New) — no OS process yet`);
      }
      case 'mp.started': {
        const proc = this.proc(event.proc, event.name);
        proc.pid = event.childPid;
        proc.started = true;
        proc.daemon = event.daemon;
        this.pidNames.set(event.childPid, proc.name);
        return plain(`${proc.name} started, pid ${event.childPid}`);
      }
      case 'mp.running': {
        const proc = this.proc(event.proc, event.name);
        if (event.pid !== undefined) this.pidNames.set(event.pid, proc.name);
        if (!proc.target || isLibraryTarget(proc.target)) return null;
        return plain(`${proc.name} runs ${callOf(proc.target, proc.args)}`);
      }
      case 'mp.is_alive':
        return plain(
          `${this.proc(event.proc).name}.is_alive() → ${event.alive ? 'True' : 'False'}`,
        );
      case 'mp.join.call':
        return this.joinCall(event, this.proc(event.proc).name);
      case 'mp.join.return': {
        const proc = this.proc(event.proc);
        if (!event.ended)
          return wait(`join() gave up after its timeout: ${proc.name} is still running`);
        // Events of two processes can arrive out of order: when the child's own report of its
        // end has not come yet, the join tells the exit code it returned with.
        const exit = event.exitCode === null ? null : this.ended(proc, event.exitCode);
        return exit
          ? { ...exit, text: `join() returned: ${exit.text}` }
          : plain(`join() returned: ${proc.name} has ended`);
      }
      case 'mp.terminate':
      case 'mp.kill': {
        const kill = event.kind === 'mp.kill';
        return problem(
          `${this.caller(event)} called ${this.proc(event.proc).name}.${kill ? 'kill' : 'terminate'}()` +
            ` — ${kill ? 'SIGKILL' : 'SIGTERM'}`,
        );
      }
      case 'mp.close':
        return plain(`${this.proc(event.proc).name} was closed: its resources are released`);
      case 'mp.exception': {
        const proc = this.proc(event.proc);
        // Completed with " → exitcode 1" when the exit arrives, a moment later.
        proc.exceptionLine = this.lines.length;
        return problem(`${proc.name} raised ${event.type}: ${event.message}`);
      }
      case 'mp.exit':
        return this.ended(this.proc(event.proc), event.exitCode);
      case 'proc.exited':
        return this.processExited(event);
      case 'api.error':
        return problem(this.misuse(event));
      case 'script.error':
        if (event.phase === 'open')
          return problem(`The script could not be opened: ${event.message}`);
        if (event.phase === 'compile')
          return problem(`The script cannot run: ${event.type}: ${event.message}`);
        return problem(`The main program raised ${event.type}: ${event.message}`);
      case 'script.end':
        return event.pid === this.rootPid ? this.scriptEnd() : null;
      case 'thread.created': {
        const thread = this.thread(event.thread, event.name);
        thread.pid = event.pid ?? null;
        thread.daemon = event.daemon;
        thread.internal = event.internal;
        return thread.internal ? null : plain(`${thread.name} was created (New) — not running yet`);
      }
      case 'thread.started': {
        const thread = this.thread(event.thread, event.name);
        thread.started = true;
        if (event.pid !== undefined) thread.pid = event.pid;
        if (event.pid !== undefined && event.tid !== undefined)
          this.threadByTid.set(`${event.pid}:${event.tid}`, thread.name);
        if (thread.internal) return null;
        const tid = event.tid === undefined ? '' : `, native thread id ${event.tid}`;
        return plain(`${thread.name} started in ${this.pidName(event.pid)}${tid}`);
      }
      case 'thread.finished': {
        const thread = this.thread(event.thread, event.name);
        thread.finished = true;
        return thread.internal ? null : plain(`${thread.name} finished`);
      }
      case 'thread.join.call': {
        const thread = this.thread(event.thread);
        return thread.internal ? null : this.joinCall(event, thread.name);
      }
      case 'thread.join.return': {
        const thread = this.thread(event.thread);
        if (thread.internal) return null;
        return event.ended
          ? plain(`join() returned: ${thread.name} has finished`)
          : wait(`join() gave up after its timeout: ${thread.name} is still running`);
      }
      case 'thread.exception':
        return problem(
          `${event.name} raised ${event.type}: ${event.message} — only that thread ends`,
        );
      case 'ipc.put':
      case 'ipc.get':
      case 'ipc.send':
      case 'ipc.recv':
        return plain(this.message(event));
      case 'task.submitted': {
        const func = shortName(event.func);
        this.tasks.set(event.task, func);
        if (event.count === null) return plain(`${event.api}: calls of ${func} handed to the pool`);
        return plain(
          event.count === 1
            ? `${event.api}: one call of ${func} handed to the pool`
            : `${event.api}: ${event.count} items of ${func} handed to the pool`,
        );
      }
      case 'task.started':
        return plain(
          `${this.tasks.get(event.task) ?? 'a task'} item ${event.index} started in ${this.caller(event)}`,
        );
      case 'task.finished':
        return event.ok === false
          ? problem(
              `${this.tasks.get(event.task) ?? 'a task'} item ${event.index} raised in ` +
                `${this.caller(event)}${event.error ? `: ${event.error}` : ''}`,
            )
          : null;
      case 'step.paused': {
        const target = event.obj === null ? null : this.objectName(event.obj);
        return {
          text: `Paused: ${this.caller(event)} at ${callLabel(event.call, target)} (line ${event.at.line})`,
          tone: 'step',
        };
      }
      case 'tracer.limit':
        return plain(
          `Procscope stopped recording the ${event.what === 'ipc' ? 'messages' : 'pool tasks'} of ` +
            `${this.pidName(event.pid)} after ${event.limit}`,
        );
      case 'run.ended':
        if (event.state === 'stopped') return problem('The run was stopped from Procscope');
        if (event.state === 'failed')
          return problem(event.error ? `The run failed: ${event.error}` : 'The run failed');
        if (this.rootExitTold || event.exitCode === null) return null;
        return plain(`The program ended → exit code ${signed(event.exitCode)}`);
      default:
        // run.started, proc.appeared, output, cpu.sample, step.resumed, tracer.error: the
        // Timeline and the other panels show them; said aloud they would be noise.
        return null;
    }
  }

  private joinCall(
    event: LabEventOf<'mp.join.call'> | LabEventOf<'thread.join.call'>,
    name: string,
  ): Sentence {
    const caller = this.caller(event);
    if (event.at === null)
      return wait(`${caller} waits for ${name} before exiting (Python joins it by itself)`);
    const call = event.timeout === null ? 'join()' : `join(timeout=${event.timeout})`;
    return wait(`${caller} is waiting in ${call} for ${name}`);
  }

  private ended(proc: ProcObject, code: number): Sentence | null {
    // The child reports its own end and its parent what it observed: say it once.
    if (proc.ended) return null;
    proc.ended = true;
    if (code < 0)
      return problem(`${proc.name} was killed by ${signalOf(code)} → exitcode ${signed(code)}`);
    const at = proc.exceptionLine;
    proc.exceptionLine = null;
    const raised = at === null ? undefined : this.lines[at];
    if (raised && code !== 0) {
      this.lines[at as number] = { ...raised, text: `${raised.text} → exitcode ${code}` };
      this.changed = true;
      return null;
    }
    if (code === 0) return plain(`${proc.name} ended normally → exitcode 0`);
    return problem(`${proc.name} exited → exitcode ${code}`);
  }

  private processExited(event: LabEventOf<'proc.exited'>): Sentence | null {
    if (event.pid === this.rootPid) {
      // The tracer and the OS observer may both report it; the first (with its code) is told.
      if (this.rootExitTold) return null;
      this.rootExitTold = true;
      const code = event.exitCode ?? (event.signal ? (SIGNAL_NUMBERS[event.signal] ?? null) : null);
      if (code === null) return plain('MainProcess exited');
      const text = `MainProcess exited → exitcode ${signed(code)}`;
      return code === 0 ? plain(text) : problem(text);
    }
    // A child's own report or its parent's (mp.exit) says more, and the OS often cannot tell
    // the code of a process its parent reaped first; only a code nobody else reported is told.
    if (event.exitCode === null) return null;
    const proc = [...this.procs.values()].find((candidate) => candidate.pid === event.pid);
    return proc ? this.ended(proc, event.exitCode) : null;
  }

  private misuse(event: LabEventOf<'api.error'>): string {
    const name = this.objectName(event.obj);
    // Process: "cannot start a process twice"; Thread: "threads can only be started once".
    if (methodOf(event.call) === 'start' && /twice|only be started once/.test(event.message))
      return `${name} cannot be started twice (${event.type})`;
    return `${name}.${methodOf(event.call)}() raised ${event.type}: ${event.message}`;
  }

  private scriptEnd(): Sentence {
    const waitingFor = [
      ...[...this.procs.values()].filter((p) => p.started && !p.ended && !p.daemon),
      ...[...this.threads.values()].filter(
        (t) => t.pid === this.rootPid && t.started && !t.finished && !t.daemon && !t.internal,
      ),
    ].map((object) => object.name);
    if (waitingFor.length === 0) return plain('MainProcess finished its script');
    return wait(`MainProcess finished its script; Python now waits for ${listOf(waitingFor)}`);
  }

  private message(event: LabEventOf<'ipc.put' | 'ipc.get' | 'ipc.send' | 'ipc.recv'>): string {
    let what = 'a message';
    if (event.msg !== null) {
      let number = this.messages.get(event.msg);
      if (number === undefined) this.messages.set(event.msg, (number = this.messages.size + 1));
      what = `message #${number}`;
    }
    const by = this.caller(event);
    const through = event.channel.startsWith('pipe') ? 'Pipe' : 'Queue';
    switch (event.kind) {
      case 'ipc.put':
        return `${what} put on a Queue by ${by}`;
      case 'ipc.get':
        return `${what} taken from the Queue by ${by}`;
      case 'ipc.send':
        return `${what} sent through a ${through} by ${by}`;
      case 'ipc.recv':
        return `${what} received from the ${through} by ${by}`;
    }
  }
}

/**
 * Follows a log that grows by appending (the LabStore publishes a new array per batch, whose
 * start is the old one): only new events are told. Any other array — another run, a trimmed
 * log — is told again from its start.
 */
export class NarrationFeed {
  private narrator = new Narrator();
  private first: LabEvent | undefined;
  private told = 0;

  update(events: readonly LabEvent[]): NarrationLine[] {
    if (events[0] !== this.first || events.length < this.told) {
      this.narrator = new Narrator();
      this.first = events[0];
      this.told = 0;
    }
    for (let i = this.told; i < events.length; i++) this.narrator.apply(events[i] as LabEvent);
    this.told = events.length;
    return this.narrator.snapshot();
  }
}

/** The whole story of a finished log. */
export function narrate(events: readonly LabEvent[]): NarrationLine[] {
  return new NarrationFeed().update(events);
}
