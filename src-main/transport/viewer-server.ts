// The class share's listener: the same page as browser mode, served on the network interface
// the teacher picked, to viewers holding the share's own token. Viewers only ever reach the
// backend through the share's gate (viewer-safe methods, no paths), and a viewer can never slow
// the teacher down: every event is serialised once for the whole class, and a viewer whose
// socket backs up is skipped and later told to reload, rather than buffered without end.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import type { EventMessage } from '../common/contract';
import { SHARE_ENDED_CLOSE_CODE } from '../common/share';
import type { ViewerListener, ViewerListenerOptions } from '../core/share/share-service';
import { ClientPool, type SocketLimits } from './client-pool';
import { ListenAddress } from './listen-address';
import { RpcDispatcher } from './rpc';
import { acceptSockets, serveStatic } from './web-server';

export interface ViewerServerOptions extends ViewerListenerOptions {
  staticDir: string;
  limits?: SocketLimits;
}

/** A classroom and then some; a viewer asks little of each call, and sends small frames. */
export const VIEWER_SOCKET_LIMITS: SocketLimits = {
  maxClients: 200,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxMessageBytes: 64 * 1024,
  maxCallsInFlight: 4,
};

/**
 * Past this much unsent data a viewer is behind: it gets no more events until it has caught up,
 * then one share.resync to reload what it missed. A few seconds of a busy lesson run; well below
 * the pool's bound, at which a viewer is dropped.
 */
export const VIEWER_LAG_BYTES = 512 * 1024;
/** Caught up: the backlog has drained below this. */
const VIEWER_CAUGHT_UP_BYTES = VIEWER_LAG_BYTES / 4;
/** How often lagging viewers are looked at when no event comes to do it. */
const LAG_CHECK_MS = 500;
/** How long stopping waits for viewers to acknowledge the close before cutting them off. */
const CLOSE_GRACE_MS = 500;

const RESYNC = JSON.stringify({
  kind: 'event',
  name: 'share.resync',
  payload: {},
} satisfies EventMessage<'share.resync'>);

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
  const pool = new ClientPool(options.limits ?? VIEWER_SOCKET_LIMITS);
  const viewers = new Set<Viewer>();
  let nextClient = 0;

  const http = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const bound = http.address() as AddressInfo;
  const address = new ListenAddress(options.host, bound.address, bound.port);

  http.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!address.allowsHost(request.headers.host)) {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`Open the address the teacher shared: ${address.origin}/?token=…\n`);
      return;
    }
    serveStatic(options.staticDir, request, response, address.socketSources()).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  const changed = () => options.onViewerCount(viewers.size);
  const wss = acceptSockets(http, {
    address,
    pool,
    token,
    wrongToken:
      'This share link is no longer valid: the teacher stopped sharing or started a new share. Ask for the new link.',
    admitted: (ws) => {
      const viewer: Viewer = { ws, lagging: false };
      const client = {
        id: `viewer-${++nextClient}`,
        transport: 'websocket' as const,
        role: 'viewer' as const,
      };
      viewers.add(viewer);
      changed();
      pool.serve(ws, async (data, isBinary) => {
        const reply = await dispatcher.dispatchFrame(isBinary ? null : data.toString(), client);
        pool.send(ws, JSON.stringify(reply));
      });
      ws.on('close', () => {
        viewers.delete(viewer);
        gate.clientLeft(client.id);
        changed();
      });
    },
  });

  const catchUp = () => {
    for (const viewer of viewers) {
      if (viewer.lagging && viewer.ws.bufferedAmount < VIEWER_CAUGHT_UP_BYTES) {
        viewer.lagging = false;
        pool.send(viewer.ws, RESYNC);
      }
    }
  };
  const lagCheck = setInterval(catchUp, LAG_CHECK_MS);
  lagCheck.unref();

  const unsubscribe = gate.subscribe((message) => {
    catchUp();
    if (viewers.size === 0) return;
    // One serialisation for the whole class, not one per viewer.
    const text = JSON.stringify(message);
    for (const viewer of viewers) {
      if (viewer.lagging) continue;
      if (viewer.ws.bufferedAmount > VIEWER_LAG_BYTES) viewer.lagging = true;
      else pool.send(viewer.ws, text);
    }
  });

  return {
    url: `${address.origin}/?token=${token}`,
    port: bound.port,
    close: async () => {
      unsubscribe();
      clearInterval(lagCheck);
      // A close frame first, so that pages say "stopped" instead of reconnecting; then, after a
      // moment, whatever has not answered is cut off with the rest.
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
      pool.closeAll();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
