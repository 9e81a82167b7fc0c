// The renderer's only door to the backend. Inside Electron the preload has put `window.procscope`
// there; in a plain browser we open the WebSocket that served this page. Above this file nothing
// knows which of the two it is on.
import { RECORDING_DOWNLOAD_PATH, WEBSOCKET_PATH } from '$common/channels';
import type {
  CallMessage,
  EventMap,
  EventName,
  MethodName,
  Params,
  Result,
  ServerMessage,
} from '$common/contract';
import type { ApiError, ErrorCode } from '$common/errors';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'refused';

interface PreloadBridge {
  call(message: CallMessage): Promise<ServerMessage>;
  on(listener: (message: ServerMessage) => void): () => void;
}

declare global {
  interface Window {
    procscope?: PreloadBridge;
  }
}

export class ApiCallError extends Error {
  readonly code: ErrorCode;
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
  }
}

type Listener = (payload: never) => void;

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 4000];

export class Bridge {
  state = $state<ConnectionState>('connecting');
  /** Why the backend turned us away or cannot be reached, in words for the user. */
  problem = $state<string | null>(null);
  readonly transport: 'electron' | 'websocket';

  private nextId = 1;
  private readonly pending = new Map<number, (message: ServerMessage) => void>();
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private readonly connectedListeners = new Set<() => void>();
  private socket: WebSocket | null = null;
  private attempts = 0;
  /** Why the backend is about to close this socket (it said so first), for the banner. */
  private closingReason: string | null = null;

  constructor(private readonly target: Window = window) {
    const preload = target.procscope;
    this.transport = preload ? 'electron' : 'websocket';
    if (preload) {
      preload.on((message) => this.receive(message));
      this.state = 'open';
    } else {
      this.openSocket();
    }
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const message: CallMessage = { kind: 'call', id: this.nextId++, method, params };
    const reply = this.target.procscope
      ? this.target.procscope.call(message)
      : this.sendOverSocket(message);
    return reply.then((answer) => {
      if (answer.kind === 'result' && answer.ok) return answer.value as Result<M>;
      if (answer.kind === 'event') throw new Error('Unexpected event in reply');
      throw new ApiCallError(answer.error);
    });
  }

  on<E extends EventName>(name: E, listener: (payload: EventMap[E]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  /** Browser mode: where a run's recording downloads from. Electron has a save dialog instead. */
  recordingUrl(runId: string): string | null {
    if (this.transport !== 'websocket') return null;
    const query = new URLSearchParams({ run: runId, token: this.token() });
    return `${RECORDING_DOWNLOAD_PATH}?${query.toString()}`;
  }

  /** Runs now if connected and again after every reconnect: the place to (re)load state. */
  onConnected(listener: () => void): () => void {
    this.connectedListeners.add(listener);
    if (this.state === 'open') listener();
    return () => this.connectedListeners.delete(listener);
  }

  private receive(message: ServerMessage): void {
    if (message.kind === 'event') {
      for (const listener of this.listeners.get(message.name) ?? []) {
        (listener as (payload: unknown) => void)(message.payload);
      }
    } else if (message.kind === 'result') {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    } else if (message.error.code === 'unauthorized') {
      this.state = 'refused';
      this.problem = message.error.message;
    } else {
      // Sent just before the backend closes the socket (too many connections): say why while
      // reconnecting, rather than a bare "lost the connection".
      this.closingReason = message.error.message;
    }
  }

  private sendOverSocket(message: CallMessage): Promise<ServerMessage> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.resolve({
        kind: 'result',
        id: message.id,
        ok: false,
        error: { code: 'unavailable', message: 'Not connected to the Procscope backend.' },
      });
    }
    return new Promise((resolve) => {
      this.pending.set(message.id, resolve);
      socket.send(JSON.stringify(message));
    });
  }

  private openSocket(): void {
    const token = this.token();
    const scheme = this.target.location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${this.target.location.host}${WEBSOCKET_PATH}?token=${encodeURIComponent(token)}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.state = 'open';
      this.problem = null;
      for (const listener of this.connectedListeners) listener();
    };
    socket.onmessage = (event) => {
      try {
        this.receive(JSON.parse(String(event.data)) as ServerMessage);
      } catch {
        console.warn('Procscope backend sent a frame that is not JSON');
      }
    };
    socket.onclose = () => {
      this.failPending();
      if (this.state === 'refused') return;
      this.state = 'reconnecting';
      this.problem = `${this.closingReason ?? 'Lost the connection to the Procscope backend.'} Reconnecting…`;
      this.closingReason = null;
      const delay = RECONNECT_DELAYS_MS[Math.min(this.attempts++, RECONNECT_DELAYS_MS.length - 1)];
      setTimeout(() => this.openSocket(), delay);
    };
  }

  private token(): string {
    return new URL(this.target.location.href).searchParams.get('token') ?? '';
  }

  private failPending(): void {
    for (const [id, resolve] of this.pending) {
      resolve({
        kind: 'result',
        id,
        ok: false,
        error: {
          code: 'unavailable',
          message: 'The connection closed before the backend answered.',
        },
      });
    }
    this.pending.clear();
  }
}
