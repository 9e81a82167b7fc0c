// A backend with canned answers, for testing transports without sampling the machine.
import { Readable } from 'node:stream';
import { methods, type EventMessage, type Handlers } from '../../../src-main/common/contract';
import { ProcscopeError } from '../../../src-main/common/errors';
import { EventHub, type Backend } from '../../../src-main/core/backend';
import type { SystemLoad, SystemTick } from '../../../src-main/common/system';

export const load: SystemLoad = {
  cpuPerCore: [10, 20],
  cpuTotal: 15,
  memoryUsedBytes: 1024,
  memoryTotalBytes: 4096,
  loadAverage: [0.5, 0.4, 0.3],
  uptimeSeconds: 100,
  processCount: 3,
  threadCount: 7,
};

export function tick(seq: number): SystemTick {
  return {
    seq,
    at: 1000 + seq,
    intervalMs: 1000,
    paused: false,
    load,
    upserts: [],
    removed: [],
    threads: {},
  };
}

export class FakeBackend implements Backend {
  readonly hub = new EventHub();
  readonly left: string[] = [];
  readonly watched: Array<{ client: string; ids: string[] }> = [];

  readonly handlers: Handlers = {
    // Methods a transport test never needs answer as a backend without that feature would.
    ...(Object.fromEntries(
      Object.keys(methods).map((name) => [
        name,
        () => {
          throw new ProcscopeError('unavailable', `${name} is not part of this fake.`);
        },
      ]),
    ) as unknown as Handlers),
    'app.hello': (_params, client) => ({
      name: 'Procscope',
      version: 'test',
      transport: client.transport,
      role: client.role ?? 'teacher',
    }),
    'system.machine': () => {
      throw new Error('sensor exploded');
    },
    'system.snapshot': () => ({
      seq: 0,
      at: 0,
      intervalMs: 1000,
      paused: false,
      load,
      processes: [],
    }),
    'system.setInterval': ({ intervalMs }) => ({ intervalMs }),
    'system.setPaused': ({ paused }) => ({ paused }),
    'system.watch': ({ ids }, client) => {
      this.watched.push({ client: client.id, ids });
      return { watching: ids.length };
    },
    'system.signal': ({ target }) => {
      throw new ProcscopeError('gone', `Process ${target.pid} has already exited.`);
    },
  };

  subscribe(listener: (message: EventMessage) => void): () => void {
    return this.hub.subscribe(listener);
  }

  clientLeft(clientId: string): void {
    this.left.push(clientId);
  }

  recordingDownload(runId: string): { fileName: string; data: Readable } {
    if (runId !== 'run-1') throw new ProcscopeError('not-found', `There is no run ${runId}.`);
    return { fileName: 'run "one".procscope', data: Readable.from([Buffer.from('gz')]) };
  }

  async dispose(): Promise<void> {}
}
