// The renderer's only door to the backend. Inside Electron the preload has put `window.procscope`
// there; in a plain browser we open the WebSocket that served this page. Above this file nothing
// knows which of the two it is on.
import { RECORDING_DOWNLOAD_PATH, WEBSOCKET_PATH } from '$common/channels';
import type {
  CallMessage,
  ClientRole,
  EventMap,
  EventName,
  MethodName,
  Params,
  Result,
  ServerMessage,
} from '$common/contract';
import type { ApiError, ErrorCode } from '$common/errors';
import { SHARE_ENDED_CLOSE_CODE } from '$common/share';

/** 'ended': the teacher stopped the class share this page was following; nothing to retry. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'refused' | 'ended';

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

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 8000;

/**
 * Doubling waits between attempts, each somewhere in its upper half: when a classroom's Wi-Fi
 * comes back, sixty viewers do not knock at the same instant.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}

export class Bridge {
  state = $state<ConnectionState>('connecting');
  /** Why the backend turned us away or cannot be reached, in words for the user. */
  problem = $state<string | null>(null);
  readonly transport: 'electron' | 'websocket';
  /** Who the backend takes us for; known before the connected listeners run. */
  role = $state<ClientRole | null>(null);

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
      this.role = 'teacher';
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
    // A viewer that fell behind missed events: reload as after a reconnect.
    if (message.kind === 'event' && message.name === 'share.resync') {
      this.announceConnected();
      return;
    }
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
      void this.call('app.hello', {})
        .then((hello) => hello.role)
        .catch(() => 'teacher' as const)
        .then((role) => {
          if (socket !== this.socket || socket.readyState !== WebSocket.OPEN) return;
          this.attempts = 0;
          this.role = role;
          this.state = 'open';
          this.problem = null;
          this.announceConnected();
        });
    };
    socket.onmessage = (event) => {
      try {
        this.receive(JSON.parse(String(event.data)) as ServerMessage);
      } catch {
        console.warn('Procscope backend sent a frame that is not JSON');
      }
    };
    socket.onclose = (event) => {
      this.failPending();
      if (this.state === 'refused') return;
      if (event.code === SHARE_ENDED_CLOSE_CODE) {
        this.state = 'ended';
        this.problem = 'The teacher stopped sharing.';
        return;
      }
      this.state = 'reconnecting';
      const lost =
        this.role === 'viewer'
          ? 'Lost the connection to the teacher’s Procscope.'
          : 'Lost the connection to the Procscope backend.';
      this.problem = `${this.closingReason ?? lost} Reconnecting…`;
      this.closingReason = null;
      setTimeout(() => this.openSocket(), reconnectDelay(this.attempts++));
    };
  }

  private announceConnected(): void {
    for (const listener of this.connectedListeners) listener();
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
