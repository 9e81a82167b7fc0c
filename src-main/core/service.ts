// The backend behind every transport: owns the system monitor and the Lab, answers the
// contract's methods and publishes its events. One instance per app or server process.
import type { Handlers } from '../common/contract';
import { ProcscopeError } from '../common/errors';
import { EventHub, type Backend } from './backend';
import { LabService } from './lab-service';
import { ShareService, type OpenViewerListener } from './share/share-service';
import { SystemMonitor } from './system/monitor';

export type FilePurpose = 'script' | 'recording' | 'python';

export interface BackendOptions {
  version: string;
  /** Directory holding the Python tracer package shipped with the app. */
  tracerRoot: string;
  /** Directory holding the lesson programs. */
  lessonsRoot: string;
  /** Where settings and recordings live. */
  dataDir: string;
  /** The OS file picker, where there is one (Electron); browser mode has none. */
  pickFile?: (purpose: FilePurpose) => Promise<string | null>;
  /** The OS save dialog (Electron), given the file name to suggest; null when cancelled. */
  pickSavePath?: (suggestedName: string) => Promise<string | null>;
  /** The class share's listener (transport layer); without it share.start says it cannot. */
  openViewerListener?: OpenViewerListener;
  monitor?: SystemMonitor;
  lab?: LabService;
}

export function createBackend(options: BackendOptions): Backend {
  const hub = new EventHub();
  const monitor = options.monitor ?? new SystemMonitor();
  const lab = options.lab ?? new LabService(options);
  const unsubscribe = [
    monitor.onTick((tick) => hub.emit('system.tick', tick)),
    lab.supervisor.onEvents((runId, events) => hub.emit('lab.events', { runId, events })),
    lab.supervisor.onRun((summary) => hub.emit('lab.run', summary)),
  ];
  monitor.start();
  const clientLeft = (clientId: string) => monitor.unwatchClient(clientId);
  const share = new ShareService({
    openListener: options.openViewerListener,
    handlers: () => handlers,
    subscribe: (listener) => hub.subscribe(listener),
    clientLeft,
    announce: (status) => hub.emit('share.status', status),
  });

  const handlers: Handlers = {
    'app.hello': (_params, client) => ({
      name: 'Procscope',
      version: options.version,
      transport: client.transport,
      role: client.role ?? 'teacher',
    }),
    'app.pickFile': async ({ purpose }) => {
      if (!options.pickFile) {
        throw new ProcscopeError(
          'unavailable',
          'There is no file picker in browser mode: type the path instead.',
        );
      }
      return { path: await options.pickFile(purpose) };
    },

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
    'system.watchDiskIo': ({ enabled }, client) => ({
      diskIo: monitor.watchDiskIo(client.id, enabled),
    }),
    'system.signal': ({ target, action, tree }) => monitor.signal(target, action, tree),

    'lab.python': () => lab.pythonStatus(),
    'lab.setPython': ({ path }) => lab.setPython(path),
    'lab.start': (request) => lab.start(request),
    'lab.stop': ({ runId }) => lab.supervisor.stop(runId),
    'lab.signal': ({ runId, pid, action }) => {
      lab.supervisor.signal(runId, pid, action);
      return lab.supervisor.run(runId);
    },
    'lab.step': ({ runId, action }) => {
      lab.supervisor.step(runId, action);
      return lab.supervisor.run(runId);
    },
    'lab.input': ({ runId, text, eof }) => {
      lab.supervisor.input(runId, text, eof);
      return lab.supervisor.run(runId);
    },
    'lab.setStepMode': ({ runId, on }) => {
      lab.supervisor.setStepMode(runId, on);
      return lab.supervisor.run(runId);
    },
    'lab.runs': () => lab.runs(),
    'lab.events': ({ runId, sinceSeq }) => lab.log(runId, sinceSeq),

    'recording.save': async ({ runId, path, replace, saveAs }, client) => {
      if (saveAs) {
        if (!options.pickSavePath) {
          throw new ProcscopeError(
            'unavailable',
            'There is no save dialog in browser mode: download the recording instead.',
          );
        }
        const chosen = await options.pickSavePath(lab.suggestedFileName(runId));
        // The OS dialog has already asked whether to replace an existing file.
        return chosen === null
          ? { path: null }
          : lab.saveRecording(runId, { path: chosen, replace: true });
      }
      if (path !== undefined && client.transport === 'electron') {
        throw new ProcscopeError(
          'invalid-params',
          'In the app, the save dialog chooses where a recording goes (ask with saveAs).',
        );
      }
      return lab.saveRecording(runId, { path, replace });
    },
    'recording.open': async ({ path }) => {
      const summary = await lab.openRecording(path);
      hub.emit('lab.run', summary);
      return summary;
    },
    'recording.list': () => lab.listRecordings(),

    'lessons.list': () => lab.lessons(),
    'lessons.run': ({ lessonId, variation, stepMode }) =>
      lab.runLesson(lessonId, variation, stepMode),

    'share.interfaces': () => share.interfaces(),
    'share.start': (request) => share.start(request),
    'share.stop': () => share.stop(),
    'share.status': () => share.status(),
    'share.setSystemShared': ({ shared }) => share.setSystemShared(shared),
    'share.publish': (navigation) => share.publish(navigation),
    'share.stage': () => share.stage(),
  };

  return {
    handlers,
    subscribe: (listener) => hub.subscribe(listener),
    clientLeft,
    recordingDownload: (runId) => lab.exportRecording(runId),
    dispose: async () => {
      for (const stop of unsubscribe) stop();
      await share.dispose();
      monitor.dispose();
      await lab.dispose();
    },
  };
}
