// The one API of Procscope: every method a client may call, every event the backend pushes, and
// the envelope both travel in. Electron IPC and the browser-mode WebSocket carry exactly these
// messages, so the renderer cannot tell (and need not care) which transport it is on.
import { z } from 'zod';
import type { ApiError } from './errors';
import type { MachineInfo, SignalResult, SystemSnapshot, SystemTick } from './system';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS, SIGNALS } from './system';
import {
  RunEventsRequestSchema,
  RunIdSchema,
  SetStepModeRequestSchema,
  SignalRunProcessRequestSchema,
  StartRunRequestSchema,
  StepRequestSchema,
  type LabEvent,
  type PythonInfo,
  type RunSummary,
} from './lab';
import type { Lesson } from './lessons';

/** A method: its params are validated at runtime on arrival; its result type is compile-time only. */
interface MethodSpec<P extends z.ZodType, R> {
  params: P;
  /** Phantom: carries the result type, never read at runtime. */
  result?: R;
}

function method<R>() {
  return <P extends z.ZodType>(params: P): MethodSpec<P, R> => ({ params });
}

const none = z.object({}).strict();
const processKey = z.object({ pid: z.number().int().positive(), startTime: z.number() }).strict();
const processIdSchema = z.string().regex(/^\d+:\d+(\.\d+)?$/);

export interface Hello {
  name: string;
  version: string;
  transport: 'electron' | 'websocket';
}

/** The interpreter the Lab will use, or why there is none. */
export interface PythonStatus {
  python: PythonInfo | null;
  /** The interpreter chosen in Settings, if any (remembered across sessions). */
  configured: string | null;
  /** Why no usable Python was found, with what to do about it. */
  problem: string | null;
}

/**
 * A page of a run's log: lab.events answers at most a few thousand events at a time, so no reply
 * outgrows what a client may have waiting. `more`: ask again from the last seq received.
 */
export interface RunLog {
  summary: RunSummary;
  events: LabEvent[];
  more: boolean;
}

export interface RecordingEntry {
  path: string;
  title: string;
  savedAt: number;
  bytes: number;
}

const runRef = z.object({ runId: RunIdSchema }).strict();
const filePath = z.string().min(1).max(4096);

export const methods = {
  'app.hello': method<Hello>()(none),
  'system.machine': method<MachineInfo>()(none),
  'system.snapshot': method<SystemSnapshot>()(none),
  'system.setInterval': method<{ intervalMs: number }>()(
    z.object({ intervalMs: z.number().int().min(MIN_INTERVAL_MS).max(MAX_INTERVAL_MS) }).strict(),
  ),
  'system.setPaused': method<{ paused: boolean }>()(z.object({ paused: z.boolean() }).strict()),
  'system.watch': method<{ watching: number }>()(
    z.object({ ids: z.array(processIdSchema).max(64) }).strict(),
  ),
  'system.signal': method<SignalResult>()(
    z.object({ target: processKey, action: z.enum(SIGNALS), tree: z.boolean() }).strict(),
  ),

  'lab.python': method<PythonStatus>()(none),
  'lab.setPython': method<PythonStatus>()(z.object({ path: filePath.nullable() }).strict()),
  'lab.start': method<RunSummary>()(StartRunRequestSchema),
  'lab.stop': method<RunSummary>()(runRef),
  'lab.signal': method<RunSummary>()(SignalRunProcessRequestSchema),
  'lab.step': method<RunSummary>()(StepRequestSchema),
  'lab.setStepMode': method<RunSummary>()(SetStepModeRequestSchema),
  'lab.runs': method<RunSummary[]>()(none),
  'lab.events': method<RunLog>()(RunEventsRequestSchema),
  /** Electron only: the OS file picker. Browser mode answers 'unavailable' (use a path field). */
  'app.pickFile': method<{ path: string | null }>()(
    z.object({ purpose: z.enum(['script', 'recording', 'python']) }).strict(),
  ),

  'recording.save': method<{ path: string }>()(
    z.object({ runId: RunIdSchema, path: filePath.optional() }).strict(),
  ),
  'recording.open': method<RunSummary>()(z.object({ path: filePath }).strict()),
  'recording.list': method<RecordingEntry[]>()(none),

  'lessons.list': method<Lesson[]>()(none),
  'lessons.run': method<RunSummary>()(
    z
      .object({
        lessonId: z.string().min(1).max(64),
        variation: z.string().min(1).max(64).optional(),
        stepMode: z.boolean().optional(),
      })
      .strict(),
  ),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
export type Result<M extends MethodName> = NonNullable<Methods[M]['result']>;
/** Params after validation (defaults applied): what a handler receives. */
export type ValidParams<M extends MethodName> = z.output<Methods[M]['params']>;

/** Who is calling: lets the backend keep per-client state (watched processes) and drop it on leave. */
export interface ClientContext {
  id: string;
  transport: 'electron' | 'websocket';
}

/** The backend side of the contract: one handler per method. */
export type Handlers = {
  [M in MethodName]: (
    params: ValidParams<M>,
    client: ClientContext,
  ) => Promise<Result<M>> | Result<M>;
};

/** Events pushed from the backend to every connected client. */
export interface EventMap {
  'system.tick': SystemTick;
  /** New events of a run, batched (at most one message per run every few tens of ms). */
  'lab.events': { runId: string; events: LabEvent[] };
  /** A run's summary changed (state, exit code, dropped output…). */
  'lab.run': RunSummary;
}
export type EventName = keyof EventMap;

// ---- Envelope -------------------------------------------------------------------------------

export const callMessage = z
  .object({
    kind: z.literal('call'),
    id: z.number().int().nonnegative(),
    method: z.string().max(64),
    params: z.unknown(),
  })
  .strict();
export type CallMessage = z.infer<typeof callMessage>;

export type ResultMessage =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: ApiError };

export interface EventMessage<E extends EventName = EventName> {
  kind: 'event';
  name: E;
  payload: EventMap[E];
}

/** A reply to a message that could not even be read as a call (so has no id to answer to). */
export interface ProtocolErrorMessage {
  kind: 'error';
  error: ApiError;
}

export type ServerMessage = ResultMessage | EventMessage | ProtocolErrorMessage;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
