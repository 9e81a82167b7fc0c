// A contract client over a real WebSocket, for tests that play the teacher's page or a viewer's.
import WebSocket from 'ws';
import type {
  EventMessage,
  MethodName,
  Params,
  ResultMessage,
  ServerMessage,
} from '../../../src-main/common/contract';

export interface SocketClient {
  ws: WebSocket;
  /** Every event received so far, in order. */
  events: EventMessage[];
  /** The raw reply, so a test can read refusals as well as results. */
  call<M extends MethodName>(method: M, params: Params<M>): Promise<ResultMessage>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

let nextId = 1;

/** Opens `url` (an http:// page address with its token) the way the page's Bridge would. */
export function connectTo(pageUrl: string, origin?: string): Promise<SocketClient> {
  const page = new URL(pageUrl);
  const ws = new WebSocket(
    `ws://${page.host}/api?token=${page.searchParams.get('token') ?? ''}`,
    origin === undefined ? { origin: page.origin } : origin ? { origin } : {},
  );
  const events: EventMessage[] = [];
  const pending = new Map<number, (message: ResultMessage) => void>();
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (message.kind === 'event') events.push(message);
    else if (message.kind === 'result') pending.get(message.id)?.(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    ws.on('open', () =>
      resolve({
        ws,
        events,
        closed,
        close: () => ws.close(),
        call: (method, params) =>
          new Promise((answer) => {
            const id = nextId++;
            pending.set(id, answer);
            ws.send(JSON.stringify({ kind: 'call', id, method, params }));
          }),
      }),
    );
    ws.on('unexpected-response', (_request, response) =>
      reject(new Error(`HTTP ${response.statusCode}`)),
    );
    ws.on('error', reject);
  });
}

/** The value of a call that must succeed. */
export async function value<T = unknown>(reply: Promise<ResultMessage>): Promise<T> {
  const message = await reply;
  if (!message.ok) throw new Error(`${message.error.code}: ${message.error.message}`);
  return message.value as T;
}
