// The backend behind every transport: owns the system monitor (and later the lab), answers the
// contract's methods and publishes its events. One instance per app or server process.
import type { Handlers } from '../common/contract';
import { EventHub, type Backend } from './backend';
import { SystemMonitor } from './system/monitor';

export interface BackendOptions {
  version: string;
  /** Directory holding the Python tracer package shipped with the app. */
  tracerRoot: string;
  /** Where settings and recordings live. */
  dataDir: string;
  monitor?: SystemMonitor;
}

export function createBackend(options: BackendOptions): Backend {
  const hub = new EventHub();
  const monitor = options.monitor ?? new SystemMonitor();
  const stopTicks = monitor.onTick((tick) => hub.emit('system.tick', tick));
  monitor.start();

  const handlers: Handlers = {
    'app.hello': (_params, client) => ({
      name: 'Procscope',
      version: options.version,
      transport: client.transport,
    }),
    'system.machine': () => monitor.machine(),
    'system.snapshot': () => monitor.snapshot(),
    'system.setInterval': ({ intervalMs }) => ({ intervalMs: monitor.setIntervalMs(intervalMs) }),
    'system.setPaused': ({ paused }) => {
      monitor.setPaused(paused);
      return { paused };
    },
    'system.watch': ({ ids }, client) => {
      monitor.watch(client.id, ids);
      return { watching: ids.length };
    },
    'system.signal': ({ target, action, tree }) => monitor.signal(target, action, tree),
  };

  return {
    handlers,
    subscribe: (listener) => hub.subscribe(listener),
    clientLeft: (clientId) => monitor.unwatchClient(clientId),
    dispose: async () => {
      stopTicks();
      monitor.dispose();
    },
  };
}
