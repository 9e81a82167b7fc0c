// The contract over Electron IPC, written against the few ipcMain/webContents members it needs so
// this layer never imports electron (the electron/ layer passes the real objects in).
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../common/channels';
import type { ServerMessage } from '../common/contract';
import type { Backend } from '../core/backend';
import { RpcDispatcher } from './rpc';

/** A frame as Electron's WebFrameMain identifies it. */
export interface IpcFrame {
  url: string;
  processId: number;
  routingId: number;
  /** null for a page's main frame. */
  parent: unknown;
}

export interface IpcInvokeEvent {
  sender: { id: number; mainFrame: Omit<IpcFrame, 'url' | 'parent'> };
  senderFrame: IpcFrame | null;
}

export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcInvokeEvent, message: unknown) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

export interface IpcTarget {
  id: number;
  isDestroyed(): boolean;
  send(channel: string, message: unknown): void;
}

export interface IpcTransportOptions {
  backend: Backend;
  ipcMain: IpcMainLike;
  /** Decides whether a message came from a frame of ours; anything else is refused. */
  isTrustedSender(event: IpcInvokeEvent): boolean;
}

export interface IpcTransport {
  /** Start pushing events to a window's contents; stops by itself when it is destroyed. */
  attach(target: IpcTarget): void;
  close(): void;
}

export function serveOverIpc(options: IpcTransportOptions): IpcTransport {
  const dispatcher = new RpcDispatcher(options.backend.handlers);
  const targets = new Map<number, IpcTarget>();

  options.ipcMain.handle(IPC_CALL_CHANNEL, async (event, message): Promise<ServerMessage> => {
    if (!options.isTrustedSender(event)) {
      return {
        kind: 'error',
        error: {
          code: 'unauthorized',
          message: 'Refused: the message did not come from a Procscope window.',
        },
      };
    }
    return dispatcher.dispatch(message, { id: `ipc-${event.sender.id}`, transport: 'electron' });
  });

  const unsubscribe = options.backend.subscribe((message) => {
    for (const [id, target] of targets) {
      if (target.isDestroyed()) {
        targets.delete(id);
        options.backend.clientLeft(`ipc-${id}`);
      } else {
        target.send(IPC_EVENT_CHANNEL, message);
      }
    }
  });

  return {
    attach: (target) => targets.set(target.id, target),
    close: () => {
      unsubscribe();
      options.ipcMain.removeHandler(IPC_CALL_CHANNEL);
      targets.clear();
    },
  };
}
