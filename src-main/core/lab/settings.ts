// Tunables of the Lab supervisor. The defaults are what the app uses; tests and the CLI change a
// few (the CLI lifts the output cap, since it passes the program's output through verbatim).

export interface LabSettings {
  /** Interpreter for runs that name none: a command or a path. Default: python3, python, py -3. */
  python: string | undefined;
  /** stop(): SIGTERM first, SIGKILL after this long. */
  stopTimeoutMs: number;
  /** OS observation and CPU sampling period while a run is live. */
  sampleIntervalMs: number;
  /** Events reach listeners at most once per this period per run. */
  batchMs: number;
  /** Events kept per run; older ones are evicted (and counted). */
  maxEvents: number;
  /** Output text kept per run; older output is evicted first (and counted). */
  maxOutputBytes: number;
  /** Output kept per batch window per run; the rest is dropped (and counted). */
  outputWindowBytes: number;
  /**
   * Per traced process: IPC operations reported (with message ids), then IPC tracing stops
   * there. Each costs the program ~5 µs, and a timeline of thousands of arrows teaches nothing.
   */
  ipcEventLimit: number;
  /** Per traced process: pool/executor task calls reported, then task tracing stops there. */
  taskEventLimit: number;
  /** Ended runs kept for runs()/events(); the oldest are forgotten beyond this. */
  keepEndedRuns: number;
  /**
   * The run is shown live, as on a terminal (the Lab): a Python's stdout on the run's pipe is
   * line-buffered, as it would be on a terminal. Off, it is buffered as on any pipe.
   */
  console: boolean;
  /** Output no traced process claims is held this long for a claim, then shown without one. */
  outputHoldMs: number;
  /**
   * Load the tracer into the run's Python processes. Off, a run is observed from outside only,
   * its program untouched: what the benchmarks compare a traced run against.
   */
  trace: boolean;
}

export const DEFAULT_LAB_SETTINGS: LabSettings = {
  python: undefined,
  stopTimeoutMs: 3_000,
  sampleIntervalMs: 200,
  batchMs: 32,
  maxEvents: 200_000,
  maxOutputBytes: 4 * 1024 * 1024,
  outputWindowBytes: 64 * 1024,
  ipcEventLimit: 200,
  taskEventLimit: 500,
  keepEndedRuns: 20,
  console: true,
  outputHoldMs: 40,
  trace: true,
};
