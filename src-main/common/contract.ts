// The one API of Procscope: every method a client may call, every event the backend pushes, and
// the envelope both travel in. Electron IPC and the browser-mode WebSocket carry exactly these
// messages, so the renderer cannot tell (and need not care) which transport it is on.
import { z } from 'zod';
import type { ApiError } from './errors';
import type { MachineInfo, SignalResult, SystemSnapshot, SystemTick } from './system';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS, SIGNALS } from './system';

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
