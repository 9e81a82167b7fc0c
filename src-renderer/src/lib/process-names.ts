// How the app names the processes of a run and how they ended. The Lab's process tree, the
// Timeline and the Lessons' story all ask here, so a student reads one name for one process
// ("ForkPoolWorker-1" everywhere, never "ForkProcess-1" in one view) and one exit status.

/** POSIX numbers that Linux and macOS share; Windows reports terminate() as −15 too. */
const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

/** Signal name → the exit code Python gives a process it ended (Process.exitcode: −number). */
export const SIGNAL_NUMBERS: Record<string, number> = Object.fromEntries(
  Object.entries(SIGNAL_NAMES).map(([number, name]) => [name, -Number(number)]),
);

export function signalName(number: number): string | null {
  return SIGNAL_NAMES[number] ?? null;
}

/** Process.exitcode for a signal name: −15 for SIGTERM. */
export function exitCodeOfSignal(name: string): number | null {
  return SIGNAL_NUMBERS[name] ?? null;
}

/** Process.exitcode of an ending that gives a code or a signal (or neither): null if unknown. */
export function exitStatus(ending: { exitCode?: number | null; signal?: string | null }) {
  return ending.exitCode ?? (ending.signal ? exitCodeOfSignal(ending.signal) : null);
}

// A real minus sign: a hyphen next to a digit reads as a dash on a projector.
export const signedCode = (code: number): string => (code < 0 ? `−${-code}` : String(code));

/**
 * "exit 0", "exit −15 (SIGTERM)", "exit 1 (NameError)"; "ended by SIGKILL" or "ended" when the
 * code is unknown. `code` is Process.exitcode: negative for the signal that ended the process.
 */
export function exitText(
  code: number | null,
  signal: string | null = null,
  exception: string | null = null,
): string {
  if (code === null) return signal ? `ended by ${signal}` : 'ended';
  if (code < 0)
    return `exit ${signedCode(code)} (${signal ?? signalName(-code) ?? `signal ${-code}`})`;
  if (code > 0 && exception) return `exit ${code} (${exception})`;
  return `exit ${code}`;
}

// Processes multiprocessing starts for itself, named so a student can tell them from their own.
const HELPERS: Array<[RegExp, string]> = [
  [/multiprocessing\.resource_tracker/, 'resource tracker'],
  [/multiprocessing\.forkserver/, 'forkserver'],
];

/** A process multiprocessing started for its own plumbing, not one of the user's. */
export function isLibraryHelper(command: readonly string[]): boolean {
  const line = command.join(' ');
  return HELPERS.some(([pattern]) => pattern.test(line));
}

export interface ProcessNaming {
  /**
   * The name Python gave the Process object, as of start(): Pool renames its workers between
   * creating and starting them, and the child's current_process().name is the later name.
   */
  objectName: string | null;
  /** The run's root process, running the traced main script. */
  tracedRoot: boolean;
  command: readonly string[];
  pid: number | null;
}

/** "Process-1", "MainProcess", "resource tracker", the program's file name, or "pid 4312". */
export function processName(process: ProcessNaming): string {
  if (process.objectName) return process.objectName;
  if (process.tracedRoot) return 'MainProcess';
  const line = process.command.join(' ');
  const helper = HELPERS.find(([pattern]) => pattern.test(line));
  if (helper) return helper[1];
  const program = process.command[0];
  if (program) return fileName(program);
  return process.pid === null ? 'process' : `pid ${process.pid}`;
}

export function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
