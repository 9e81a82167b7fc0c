// The class share, on the backend side: starts and stops the viewers' listener (with a fresh
// token each time), remembers where the teacher is and what is shared, and is the one gate
// through which viewers reach the backend — only the contract's viewer-safe methods, every
// answer and every event stripped of file paths. The listener itself (HTTP, sockets, buffers)
// belongs to the transport layer and is handed in, so this file stays free of networking.
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import {
  eventAccess,
  methods,
  type ClientContext,
  type EventMessage,
  type Handlers,
  type MethodName,
} from '../../common/contract';
import { ProcscopeError, type ApiError } from '../../common/errors';
import type { LabEvent } from '../../common/lab';
import {
  notSharing,
  type NetworkChoice,
  type ShareNavigation,
  type ShareStage,
  type ShareStatus,
  type ViewerAccess,
} from '../../common/share';
import { EventHub, type EventListener } from '../backend';
import { qrCode } from './qr';
import { redact, redactEvents } from './redact';

/** Everything a viewers' listener needs from the backend, already made safe for viewers. */
export interface ViewerGate {
  /** Every method; the ones a viewer may not call refuse, the others answer without paths. */
  readonly handlers: Handlers;
  /** Why a viewer may not call this method now, or null when it may (checked before params). */
  refusal(method: MethodName): ApiError | null;
  /** The events a viewer may see, without paths: subscribe once and send to every viewer. */
  subscribe(listener: EventListener): () => void;
  clientLeft(clientId: string): void;
}

export interface ViewerListener {
  url: string;
  port: number;
  /** Disconnects every viewer at once and stops listening. */
  close(): Promise<void>;
}

export interface ViewerListenerOptions {
  host: string;
  port: number;
  token: string;
  gate: ViewerGate;
  onViewerCount(count: number): void;
}

export type OpenViewerListener = (options: ViewerListenerOptions) => Promise<ViewerListener>;

export interface ShareServiceOptions {
  /** The transport's listener; absent where sharing is not built in (it then says so). */
  openListener?: OpenViewerListener;
  /** The backend's own handlers and events, which the gate filters for viewers. */
  handlers: () => Handlers;
  subscribe(listener: EventListener): () => void;
  clientLeft(clientId: string): void;
  /** Tells the teacher's pages (share.status). */
  announce(status: ShareStatus): void;
  /** The machine's interfaces; os.networkInterfaces() unless a test says otherwise. */
  interfaces?: () => ReturnType<typeof networkInterfaces>;
}

interface Active {
  listener: ViewerListener;
  address: string;
  startedAt: number;
}

/** Viewer-count announcements at most this often: a class joining at once is one update. */
const COUNT_ANNOUNCE_MS = 200;

export class ShareService {
  private active: Active | null = null;
  private starting: Promise<ShareStatus> | null = null;
  private viewers = 0;
  private systemShared = false;
  private navigation: ShareNavigation | null = null;
  private readonly stageHub = new EventHub();
  private announceTimer: ReturnType<typeof setTimeout> | null = null;
  readonly gate: ViewerGate;

  constructor(private readonly options: ShareServiceOptions) {
    this.gate = this.createGate();
  }

  interfaces(): NetworkChoice[] {
    const found: NetworkChoice[] = [];
    for (const [name, addresses] of Object.entries(
      (this.options.interfaces ?? networkInterfaces)(),
    )) {
      for (const entry of addresses ?? []) {
        // A link-local IPv6 address needs a zone id in every URL: no browser link would work.
        if (entry.family === 'IPv6' && entry.address.toLowerCase().startsWith('fe80:')) continue;
        found.push({
          name,
          address: entry.address,
          family: entry.family,
          internal: entry.internal,
        });
      }
    }
    // The likely choice first: the classroom's network, IPv4, then IPv6; loopback last.
    const rank = (choice: NetworkChoice) =>
      (choice.internal ? 2 : 0) + (choice.family === 'IPv6' ? 1 : 0);
    return found.sort((a, b) => rank(a) - rank(b));
  }

  status(): ShareStatus {
    const active = this.active;
    if (!active) return notSharing(this.systemShared);
    return {
      active: true,
      url: active.listener.url,
      qr: qrCode(active.listener.url),
      address: active.address,
      port: active.listener.port,
      viewers: this.viewers,
      systemShared: this.systemShared,
      startedAt: active.startedAt,
    };
  }

  async start(request: {
    address: string;
    port?: number;
    systemShared?: boolean;
  }): Promise<ShareStatus> {
    if (this.active || this.starting) {
      throw new ProcscopeError(
        'failed',
        'The class share is already on. Stop sharing first to start a new one.',
      );
    }
    const openListener = this.options.openListener;
    if (!openListener) {
      throw new ProcscopeError('unavailable', 'This build of Procscope cannot share with a class.');
    }
    if (!this.interfaces().some((choice) => choice.address === request.address)) {
      throw new ProcscopeError(
        'invalid-params',
        `This machine has no network interface with the address ${request.address} (any more). Choose one from the list.`,
      );
    }
    if (request.systemShared !== undefined) this.systemShared = request.systemShared;
    this.starting = openListener({
      host: request.address,
      port: request.port ?? 0,
      // A new share, a new token: a link from an earlier share never opens this one.
      token: randomBytes(18).toString('base64url'),
      gate: this.gate,
      onViewerCount: (count) => this.countViewers(count),
    })
      .then((listener) => {
        this.active = { listener, address: request.address, startedAt: Date.now() };
        this.viewers = 0;
        const status = this.status();
        this.options.announce(status);
        return status;
      })
      .catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ProcscopeError(
          'failed',
          code === 'EADDRINUSE'
            ? `Port ${request.port} is already in use on ${request.address}: choose another, or let Procscope pick one.`
            : code === 'EADDRNOTAVAIL'
              ? `${request.address} cannot be listened on (the network went away?). Choose another interface.`
              : `The share could not start: ${error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => {
        this.starting = null;
      });
    return this.starting;
  }

  async stop(): Promise<ShareStatus> {
    const active = this.active;
    this.active = null;
    this.viewers = 0;
    if (active) await active.listener.close();
    const status = this.status();
    this.options.announce(status);
    return status;
  }

  setSystemShared(shared: boolean): ShareStatus {
    if (shared !== this.systemShared) {
      this.systemShared = shared;
      this.stageHub.emit('share.stage', this.stage());
      // Viewers asked for the System's snapshot while it was refused: now they may have it.
      if (shared) this.stageHub.emit('share.resync', {});
    }
    const status = this.status();
    this.options.announce(status);
    return status;
  }

  publish(navigation: ShareNavigation): { published: boolean } {
    const changed = JSON.stringify(navigation) !== JSON.stringify(this.navigation);
    this.navigation = navigation;
    if (changed) this.stageHub.emit('share.stage', this.stage());
    return { published: this.active !== null };
  }

  stage(): ShareStage {
    return { navigation: this.navigation, systemShared: this.systemShared };
  }

  dispose(): Promise<unknown> {
    if (this.announceTimer) clearTimeout(this.announceTimer);
    return this.active ? this.stop() : Promise.resolve();
  }

  private countViewers(count: number): void {
    this.viewers = count;
    this.announceTimer ??= setTimeout(() => {
      this.announceTimer = null;
      if (this.active) this.options.announce(this.status());
    }, COUNT_ANNOUNCE_MS);
  }

  private allows(access: ViewerAccess): boolean {
    return access === 'read' || (access === 'system' && this.systemShared);
  }

  private createGate(): ViewerGate {
    const refusal = (method: MethodName): ApiError | null => {
      const access = methods[method].viewer;
      if (this.allows(access)) return null;
      return {
        code: 'forbidden',
        message:
          access === 'system'
            ? 'The teacher is not sharing the System view.'
            : `This is a read-only view of the teacher's screen: ${method} is for the teacher only.`,
      };
    };
    const handlers = Object.fromEntries(
      (Object.keys(methods) as MethodName[]).map((method) => [
        method,
        async (params: unknown, client: ClientContext) => {
          const refused = refusal(method);
          if (refused) throw new ProcscopeError(refused.code, refused.message);
          const handler = this.options.handlers()[method] as (
            p: unknown,
            c: ClientContext,
          ) => unknown;
          const result = await handler(params, { ...client, role: 'viewer' });
          return method === 'lab.events'
            ? presentLog(result as { events: LabEvent[] })
            : redact(result);
        },
      ]),
    ) as unknown as Handlers;
    return {
      handlers,
      refusal,
      subscribe: (listener) => {
        const forward = (message: EventMessage) => {
          const shown = this.present(message);
          if (shown) listener(shown);
        };
        const stops = [this.options.subscribe(forward), this.stageHub.subscribe(forward)];
        return () => {
          for (const stop of stops) stop();
        };
      },
      clientLeft: (clientId) => this.options.clientLeft(clientId),
    };
  }

  /** An event as a viewer may see it, or null when viewers must not see it at all. */
  private present(message: EventMessage): EventMessage | null {
    if (!this.allows(eventAccess[message.name])) return null;
    if (message.name === 'lab.events') {
      const { runId, events } = message.payload as { runId: string; events: LabEvent[] };
      return {
        kind: 'event',
        name: 'lab.events',
        payload: { runId, events: redactEvents(events) },
      };
    }
    return redact(message);
  }
}

function presentLog<T extends { events: LabEvent[] }>(log: T): T {
  const { events, ...rest } = log;
  return { ...redact(rest), events: redactEvents(events) } as unknown as T;
}
