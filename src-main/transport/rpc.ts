// Transport-agnostic dispatch: reads one raw message, validates it against the contract, runs the
// handler and always answers with a message. Nothing a client sends can throw past this point.
import {
  callMessage,
  isMethodName,
  methods,
  type ClientContext,
  type Handlers,
  type MethodName,
  type ServerMessage,
} from '../common/contract';
import { isProcscopeError, type ApiError } from '../common/errors';

export type ErrorLog = (message: string, error: unknown) => void;
/** Why this caller may not call a method at all (a class-share viewer), or null when it may. */
export type Refusal = (method: MethodName) => ApiError | null;

export class RpcDispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly logError: ErrorLog = (message, error) => console.error(message, error),
    private readonly refusal: Refusal = () => null,
  ) {}

  async dispatch(raw: unknown, client: ClientContext): Promise<ServerMessage> {
    const envelope = callMessage.safeParse(raw);
    if (!envelope.success) {
      return {
        kind: 'error',
        error: {
          code: 'bad-request',
          message:
            'Malformed message: expected {"kind":"call","id":<number>,"method":<string>,"params":{…}}.',
        },
      };
    }
    const { id, method, params } = envelope.data;
    if (!isMethodName(method)) {
      return fail(id, { code: 'unknown-method', message: `Unknown method "${method}".` });
    }
    // Before the params are read: a refused caller learns nothing but the refusal.
    const refused = this.refusal(method);
    if (refused) return fail(id, refused);
    const parsed = methods[method].params.safeParse(params ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'params'}: ${issue.message}`)
        .join('; ');
      return fail(id, {
        code: 'invalid-params',
        message: `Invalid params for ${method}: ${detail}`,
      });
    }
    try {
      const value = await this.invoke(method, parsed.data, client);
      return { kind: 'result', id, ok: true, value };
    } catch (error) {
      if (isProcscopeError(error)) return fail(id, error.toApiError());
      this.logError(`Handler for ${method} failed`, error);
      return fail(id, {
        code: 'failed',
        message: `${method} failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  /** Answers one socket frame: `text` is null for a binary frame, which no call can be. */
  dispatchFrame(text: string | null, client: ClientContext): Promise<ServerMessage> {
    const frame = text === null ? { ok: false as const } : parseFrame(text);
    if (frame.ok) return this.dispatch(frame.value, client);
    return Promise.resolve({
      kind: 'error',
      error: { code: 'bad-request', message: 'Malformed message: frames must be JSON text.' },
    });
  }

  // The params were validated against this very method's schema just above, which is what makes
  // widening the handler to `unknown` params safe here.
  private invoke(method: MethodName, params: unknown, client: ClientContext) {
    const handler = this.handlers[method] as (p: unknown, c: ClientContext) => unknown;
    return handler(params, client);
  }
}

function fail(id: number, error: ApiError): ServerMessage {
  return { kind: 'result', id, ok: false, error };
}

/** Parses text from a socket; a frame that is not JSON becomes a protocol error, not a throw. */
export function parseFrame(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
