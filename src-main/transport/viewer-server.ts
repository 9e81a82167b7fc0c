// The class share's listener: the same page as browser mode, served on the network interface
// the teacher picked, to viewers holding the share's own token. Viewers only ever reach the
// backend through the share's gate (viewer-safe methods, no paths), and a viewer can never slow
// the teacher down: every event is serialised once for the whole class, and a viewer whose
// socket backs up is skipped and later told to reload, rather than buffered without end.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { WEBSOCKET_PATH } from '../common/channels';
import type { EventMessage, ServerMessage } from '../common/contract';
import { SHARE_ENDED_CLOSE_CODE } from '../common/share';
import type { ViewerListener, ViewerListenerOptions } from '../core/share/share-service';
import { RpcDispatcher } from './rpc';
import { refuse, sameToken, serveStatic, UNAUTHORIZED_CLOSE_CODE } from './web-server';

export interface ViewerServerOptions extends ViewerListenerOptions {
  staticDir: string;
}

/**
 * Past this much unsent data a viewer is behind: it gets no more events until it has caught up,
 * then one share.resync to reload what it missed. A few seconds of a busy lesson run.
 */
export const VIEWER_LAG_BYTES = 512 * 1024;
/** Caught up: the backlog has drained below this. */
const VIEWER_CAUGHT_UP_BYTES = VIEWER_LAG_BYTES / 4;
/** A viewer whose replies alone pile up this far is dropped; it reconnects when it can. */
const VIEWER_DROP_BYTES = 4 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 64 * 1024;
/** How often lagging viewers are looked at when no event comes to do it. */
const LAG_CHECK_MS = 500;
/** How long stopping waits for viewers to acknowledge the close before cutting them off. */
const CLOSE_GRACE_MS = 500;

const RESYNC: EventMessage = { kind: 'event', name: 'share.resync', payload: {} };

interface Viewer {
  ws: WebSocket;
  lagging: boolean;
}

export async function startViewerServer(options: ViewerServerOptions): Promise<ViewerListener> {
  const { gate, token } = options;
  const dispatcher = new RpcDispatcher(
    gate.handlers,
    (message, error) => console.error(message, error),
    gate.refusal,
  );
  const viewers = new Set<Viewer>();
  let nextClient = 0;
  let port = 0;
  const displayHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const origin = () => `http://${displayHost}:${port}`;

  const http = createServer((request, response) => {
    serveStatic(options.staticDir, request, response, `'self' ws://${displayHost}:${port}`).catch(
      () => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      },
    );
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  const changed = () => options.onViewerCount(viewers.size);

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== WEBSOCKET_PATH) return refuse(socket, 404, 'Not Found');
    const from = request.headers.origin;
    if (from !== undefined && from !== origin()) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (!sameToken(url.searchParams.get('token') ?? '', token)) {
        reply(ws, {
          kind: 'error',
          error: {
            code: 'unauthorized',
            message:
              'This share link is no longer valid: the teacher stopped sharing or started a new share. Ask for the new link.',
          },
        });
        ws.close(UNAUTHORIZED_CLOSE_CODE, 'unauthorized');
        return;
      }
      const viewer: Viewer = { ws, lagging: false };
      const client = {
        id: `viewer-${++nextClient}`,
        transport: 'websocket' as const,
        role: 'viewer' as const,
      };
      viewers.add(viewer);
      changed();
      ws.on('message', (data, isBinary) => {
        void dispatcher
          .dispatchFrame(isBinary ? null : data.toString(), client)
          .then((message) => reply(ws, message));
      });
      ws.on('close', () => {
        viewers.delete(viewer);
        gate.clientLeft(client.id);
        changed();
      });
      ws.on('error', () => ws.terminate());
    });
  });

  const catchUp = () => {
    for (const viewer of viewers) {
      if (viewer.lagging && viewer.ws.bufferedAmount < VIEWER_CAUGHT_UP_BYTES) {
        viewer.lagging = false;
        reply(viewer.ws, RESYNC);
      }
    }
  };
  const lagCheck = setInterval(catchUp, LAG_CHECK_MS);
  lagCheck.unref();

  const unsubscribe = gate.subscribe((message) => {
    catchUp();
    if (viewers.size === 0) return;
    // One serialisation for the whole class, not one per viewer.
    const frame = Buffer.from(JSON.stringify(message));
    for (const viewer of viewers) {
      if (viewer.lagging || viewer.ws.readyState !== viewer.ws.OPEN) continue;
      if (viewer.ws.bufferedAmount > VIEWER_LAG_BYTES) {
        viewer.lagging = true;
        continue;
      }
      viewer.ws.send(frame, { binary: false });
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  port = (http.address() as AddressInfo).port;

  return {
    url: `${origin()}/?token=${token}`,
    port,
    close: async () => {
      unsubscribe();
      clearInterval(lagCheck);
      const closed = [...viewers].map(
        ({ ws }) =>
          new Promise<void>((resolve) => {
            ws.once('close', () => resolve());
            ws.close(SHARE_ENDED_CLOSE_CODE, 'the teacher stopped sharing');
          }),
      );
      await Promise.race([
        Promise.all(closed),
        new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS)),
      ]);
      for (const { ws } of viewers) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function reply(ws: WebSocket, message: ServerMessage): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > VIEWER_DROP_BYTES) {
    ws.terminate();
    return;
  }
  ws.send(JSON.stringify(message));
}
