// Names both sides of a transport must agree on. Kept apart from contract.ts so the sandboxed
// preload bundle does not pull in the validation library.

/** Electron IPC channels; preload exposes nothing outside these two. */
export const IPC_CALL_CHANNEL = 'procscope:call';
export const IPC_EVENT_CHANNEL = 'procscope:event';

/** Path of the WebSocket endpoint in browser mode. */
export const WEBSOCKET_PATH = '/api';

/** Browser mode: GET here (with the token and `run`) downloads that run's recording. */
export const RECORDING_DOWNLOAD_PATH = '/download/recording';
