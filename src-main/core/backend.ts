// What a transport needs from the backend: the handlers and one stream of events.
import type { Readable } from 'node:stream';
import type { EventMap, EventMessage, EventName, Handlers } from '../common/contract';

export type EventListener = (message: EventMessage) => void;

export interface Backend {
  readonly handlers: Handlers;
  subscribe(listener: EventListener): () => void;
  /** A client went away: forget its per-client state. */
  clientLeft(clientId: string): void;
  /**
   * A run's recording as a file to download (browser mode's "Save as…"): too large for a
   * message, so the web server streams it. Throws a ProcscopeError for an unknown run.
   */
  recordingDownload(runId: string): { fileName: string; data: Readable };
  dispose(): Promise<void>;
}

/** A tiny typed fan-out; transports subscribe once and forward everything. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventMap[E]): void {
    const message = { kind: 'event', name, payload } as EventMessage;
    for (const listener of this.listeners) listener(message);
  }
}
