// The whole surface the page gets: send one call, hear events. No ipcRenderer, no Node, and only
// Procscope's own channels — the page cannot name any other.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../common/channels';
import type { ServerMessage } from '../common/contract';

export interface PreloadBridge {
  call(message: unknown): Promise<ServerMessage>;
  on(listener: (message: ServerMessage) => void): () => void;
}

const bridge: PreloadBridge = {
  call: (message) => ipcRenderer.invoke(IPC_CALL_CHANNEL, message) as Promise<ServerMessage>,
  on: (listener) => {
    const forward = (_event: IpcRendererEvent, message: ServerMessage) => listener(message);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
  },
};

contextBridge.exposeInMainWorld('procscope', bridge);
