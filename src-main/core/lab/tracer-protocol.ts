// What the Python tracer sends, validated before it enters a run's log. The tracer runs the
// user's code in the same interpreter, so its messages are input like any other: a line that
// does not parse, or an event that does not match its kind, becomes a tracer.error event and
// the connection carries on.
//
// Wire format: one connection per traced interpreter. Its first line is a hello (below); each
// further line is one JSON event or a JSON array of events, shaped like the LabEvent of the same
// kind except that `t` is the sender's raw monotonic clock in nanoseconds and `pid` is implied by
// the connection; or an output notice, "o<fd> <count> <crc32>", saying that this process wrote
// `count` bytes to the run's stdout (fd 1) or stderr (fd 2) pipe (see output-attribution.ts).
// The supervisor answers the hello, and later sends step control: {"op":"mode","step":bool} and
// {"op":"resume","pause":n}.

import { z } from 'zod';
import type { LabEventInput, LabEventKind, LabEventOf } from '../../common/lab';

export const HelloSchema = z.object({
  kind: z.literal('hello'),
  token: z.string().min(1),
  pid: z.number().int().positive(),
  ppid: z.number().int().min(0),
  t: z.number(),
  tid: z.number().int(),
  python: z.string(),
  exe: z.string(),
  argv: z.array(z.string()),
  role: z.enum(['main', 'forked', 'spawned']),
});
export type Hello = z.infer<typeof HelloSchema>;

export type StepControl = { op: 'mode'; step: boolean } | { op: 'resume'; pause: number };

const callSite = z.object({ file: z.string(), line: z.number().int() });
const objectId = z.string().max(200);
const exception = { type: z.string(), message: z.string(), traceback: z.string() };

type Fields<K extends LabEventKind> = Omit<LabEventOf<K>, 'seq' | 't' | 'pid' | 'tid' | 'kind'>;
type TracerKind = Exclude<
  LabEventKind,
  | 'run.started'
  | 'run.ended'
  | 'proc.appeared'
  | 'proc.exited'
  | 'output'
  | 'input'
  | 'cpu.sample'
  // Made by the supervisor from the hello, not sent as an event.
  | 'tracer.attached'
>;

const signalFields = z.object({
  proc: objectId,
  childPid: z.number().int().nullable(),
  at: callSite.nullable(),
});
const threadFields = z.object({ thread: objectId, name: z.string() });
const ipcFields = z.object({
  channel: z.string(),
  msg: z.string().nullable(),
  value: z.string().optional(),
});
const taskRunFields = z.object({
  task: z.string(),
  index: z.number().int(),
  ok: z.boolean().optional(),
  error: z.string().optional(),
});

// `satisfies` ties each schema to the event type it must produce: a field renamed on one side
// and not the other fails the type check, not a lesson.
const FIELDS = {
  'tracer.error': z.object({ where: z.string(), message: z.string() }),
  'tracer.limit': z.object({ what: z.enum(['ipc', 'tasks']), limit: z.number().int() }),
  'script.error': z.object({
    phase: z.enum(['open', 'compile', 'run']),
    ...exception,
    at: callSite.nullable(),
  }),
  'script.end': z.object({}),
  'mp.created': z.object({
    proc: objectId,
    name: z.string(),
    target: z.string(),
    args: z.string(),
    at: callSite.nullable(),
  }),
  'mp.started': z.object({
    proc: objectId,
    childPid: z.number().int(),
    name: z.string(),
    daemon: z.boolean(),
    method: z.string(),
    at: callSite.nullable(),
  }),
  'mp.running': z.object({ proc: objectId, name: z.string() }),
  'mp.is_alive': z.object({ proc: objectId, alive: z.boolean(), at: callSite.nullable() }),
  'mp.join.call': z.object({
    proc: objectId,
    timeout: z.number().nullable(),
    at: callSite.nullable(),
  }),
  'mp.join.return': z.object({
    proc: objectId,
    ended: z.boolean(),
    exitCode: z.number().int().nullable(),
  }),
  'mp.terminate': signalFields,
  'mp.kill': signalFields,
  'mp.close': z.object({ proc: objectId, at: callSite.nullable() }),
  'mp.exit': z.object({
    proc: objectId,
    childPid: z.number().int().nullable(),
    exitCode: z.number().int(),
    by: z.enum(['child', 'parent']),
  }),
  'mp.exception': z.object({ proc: objectId, ...exception }),
  'api.error': z.object({
    call: z.string(),
    obj: objectId,
    type: z.string(),
    message: z.string(),
    at: callSite.nullable(),
  }),
  'thread.created': z.object({
    thread: objectId,
    name: z.string(),
    target: z.string(),
    daemon: z.boolean(),
    internal: z.boolean(),
    at: callSite.nullable(),
  }),
  'thread.started': threadFields,
  'thread.finished': threadFields,
  'thread.join.call': z.object({
    thread: objectId,
    timeout: z.number().nullable(),
    at: callSite.nullable(),
  }),
  'thread.join.return': z.object({ thread: objectId, ended: z.boolean() }),
  'thread.exception': z.object({ thread: objectId, name: z.string(), ...exception }),
  'ipc.put': ipcFields,
  'ipc.get': ipcFields,
  'ipc.send': ipcFields,
  'ipc.recv': ipcFields,
  'task.submitted': z.object({
    task: z.string(),
    api: z.string(),
    func: z.string(),
    count: z.number().int().nullable(),
    at: callSite.nullable(),
  }),
  'task.started': taskRunFields,
  'task.finished': taskRunFields,
  'step.paused': z.object({
    pause: z.number().int(),
    call: z.string(),
    obj: objectId.nullable(),
    at: callSite,
    code: z.string(),
  }),
  'step.resumed': z.object({ pause: z.number().int(), how: z.enum(['step', 'continue']) }),
} satisfies { [K in TracerKind]: z.ZodType<Fields<K>> };

const envelope = z.object({ kind: z.string(), t: z.number(), tid: z.number().int().optional() });

function isTracerKind(kind: string): kind is TracerKind {
  return Object.hasOwn(FIELDS, kind);
}

/**
 * One event from the tracer of process `pid`, with its time moved onto the run's clock; or a
 * sentence saying what was wrong with it.
 */
export function parseTracerEvent(
  raw: unknown,
  pid: number,
  toRunTime: (monotonicNs: number) => number,
): LabEventInput | string {
  const head = envelope.safeParse(raw);
  if (!head.success) return 'an event without kind and time';
  const { kind, t, tid } = head.data;
  if (!isTracerKind(kind)) return `an event of unknown kind "${kind.slice(0, 40)}"`;
  const fields = FIELDS[kind].safeParse(raw);
  if (!fields.success) {
    const issue = fields.error.issues[0];
    return `a malformed ${kind} event (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`;
  }
  // The schema for `kind` produced exactly the fields of that kind (checked by `satisfies`
  // above); TypeScript cannot follow the correlation through the lookup.
  return {
    kind,
    t: toRunTime(t),
    pid,
    ...(tid === undefined ? {} : { tid }),
    ...fields.data,
  } as LabEventInput;
}
