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
  RunInputRequestSchema,
  SetStepModeRequestSchema,
  SignalRunProcessRequestSchema,
  StartRunRequestSchema,
  StepRequestSchema,
  type LabEvent,
  type PythonInfo,
  type RunSummary,
} from './lab';
import type { Lesson } from './lessons';
import type { NetworkChoice, ShareStage, ShareStatus, ViewerAccess } from './share';
import { ShareNavigationSchema, ShareStartSchema } from './share-schemas';

/** A method: its params are validated at runtime on arrival; its result type is compile-time only. */
interface MethodSpec<P extends z.ZodType, R> {
  params: P;
  /** What a class-share viewer may do with it; the viewer's listener refuses all but these. */
  viewer: ViewerAccess;
  /** Phantom: carries the result type, never read at runtime. */
  result?: R;
}

/** Declares a method; `viewer` is required so that every new method decides who may call it. */
function method<R>(viewer: ViewerAccess) {
  return <P extends z.ZodType>(params: P): MethodSpec<P, R> => ({ params, viewer });
}

const none = z.object({}).strict();
const processKey = z.object({ pid: z.number().int().positive(), startTime: z.number() }).strict();
const processIdSchema = z.string().regex(/^\d+:\d+(\.\d+)?$/);

export interface Hello {
  name: string;
  version: string;
  transport: 'electron' | 'websocket';
  /** A viewer follows a class share read-only; everyone else is the teacher, with every right. */
  role: ClientRole;
}

export type ClientRole = 'teacher' | 'viewer';

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
  'app.hello': method<Hello>('read')(none),
  'system.machine': method<MachineInfo>('system')(none),
  'system.snapshot': method<SystemSnapshot>('system')(none),
  'system.setInterval': method<{ intervalMs: number }>('teacher')(
    z.object({ intervalMs: z.number().int().min(MIN_INTERVAL_MS).max(MAX_INTERVAL_MS) }).strict(),
  ),
  'system.setPaused': method<{ paused: boolean }>('teacher')(
    z.object({ paused: z.boolean() }).strict(),
  ),
  'system.watch': method<{ watching: number }>('system')(
    z.object({ ids: z.array(processIdSchema).max(64) }).strict(),
  ),
  /** Disk I/O costs a read per process per tick, so it is read only while someone shows it. */
  'system.watchDiskIo': method<{ diskIo: boolean }>('teacher')(
    z.object({ enabled: z.boolean() }).strict(),
  ),
  'system.signal': method<SignalResult>('teacher')(
    z.object({ target: processKey, action: z.enum(SIGNALS), tree: z.boolean() }).strict(),
  ),

  'lab.python': method<PythonStatus>('teacher')(none),
  'lab.setPython': method<PythonStatus>('teacher')(
    z.object({ path: filePath.nullable() }).strict(),
  ),
  'lab.start': method<RunSummary>('teacher')(StartRunRequestSchema),
  'lab.stop': method<RunSummary>('teacher')(runRef),
  'lab.signal': method<RunSummary>('teacher')(SignalRunProcessRequestSchema),
  'lab.step': method<RunSummary>('teacher')(StepRequestSchema),
  'lab.setStepMode': method<RunSummary>('teacher')(SetStepModeRequestSchema),
  /** Text for the program's stdin, as typed in a terminal; eof then closes it (Ctrl-D). */
  'lab.input': method<RunSummary>('teacher')(RunInputRequestSchema),
  'lab.runs': method<RunSummary[]>('read')(none),
  'lab.events': method<RunLog>('read')(RunEventsRequestSchema),
  /** Electron only: the OS file picker. Browser mode answers 'unavailable' (use a path field). */
  'app.pickFile': method<{ path: string | null }>('teacher')(
    z.object({ purpose: z.enum(['script', 'recording', 'python']) }).strict(),
  ),

  /**
   * Writes a run's recording. Without `path`, into the recordings folder; `path` (browser mode
   * only) is an absolute path. An existing file is refused with 'already-exists' unless `replace`
   * says the user confirmed replacing it. `saveAs` (Electron only) asks the OS save dialog where,
   * and the path comes from that dialog alone; `path: null` means the user cancelled it.
   */
  'recording.save': method<{ path: string | null }>('teacher')(
    z
      .object({
        runId: RunIdSchema,
        path: filePath.optional(),
        replace: z.boolean().optional(),
        saveAs: z.boolean().optional(),
      })
      .strict(),
  ),
  'recording.open': method<RunSummary>('teacher')(z.object({ path: filePath }).strict()),
  'recording.list': method<RecordingEntry[]>('read')(none),

  'lessons.list': method<Lesson[]>('read')(none),
  'lessons.run': method<RunSummary>('teacher')(
    z
      .object({
        lessonId: z.string().min(1).max(64),
        variation: z.string().min(1).max(64).optional(),
        stepMode: z.boolean().optional(),
      })
      .strict(),
  ),

  /** The machine's network interfaces, to choose where the class share listens. */
  'share.interfaces': method<NetworkChoice[]>('teacher')(none),
  'share.start': method<ShareStatus>('teacher')(ShareStartSchema),
  'share.stop': method<ShareStatus>('teacher')(none),
  'share.status': method<ShareStatus>('teacher')(none),
  'share.setSystemShared': method<ShareStatus>('teacher')(
    z.object({ shared: z.boolean() }).strict(),
  ),
  /** The teacher's page says where it is; viewers that follow go there too. */
  'share.publish': method<{ published: boolean }>('teacher')(ShareNavigationSchema),
  /** Where the teacher is and what is shared: a viewer's page reads it on (re)connect. */
  'share.stage': method<ShareStage>('read')(none),
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
  /** Absent: the teacher (IPC, or the loopback page with the teacher's token). */
  role?: ClientRole;
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
  /** The class share started, stopped, or its number of viewers changed. */
  'share.status': ShareStatus;
  /** Viewers only: the teacher moved, or changed what is shared. */
  'share.stage': ShareStage;
  /** Viewers only: messages were dropped while this viewer lagged; reload everything. */
  'share.resync': Record<string, never>;
  /** Electron only: a menu item asks the page to do something (open the Share dialog). */
  'app.menu': { command: 'share' };
}
export type EventName = keyof EventMap;

/** Which events a viewer of a class share receives, decided per event as for methods. */
export const eventAccess: Record<EventName, ViewerAccess> = {
  'system.tick': 'system',
  'lab.events': 'read',
  'lab.run': 'read',
  'share.status': 'teacher',
  'share.stage': 'read',
  'share.resync': 'read',
  'app.menu': 'teacher',
};

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
