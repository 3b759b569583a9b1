// The monitors' WebSockets: /api/v1/monitor/program (composed program frames, see
// engine/monitor/program-monitor.ts), /api/v1/monitor/scene?scene=<id> (a scene's picture,
// engine/monitor/scene-picture.ts) and /api/v1/monitor/audio?source=<id> (a source's pre-fader
// audio, engine/monitor/source-audio-monitor.ts). The HTTP server authorizes the upgrade (token, Host, Origin)
// before handing it here, exactly as for the contract's WebSocket. Binary frames out only; a
// client's messages are ignored (it has nothing to say), and a socket that cannot keep up simply
// misses frames (monitor-feed.ts), it is never waited for.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../engine/host/engine.ts';
import { createPictureMonitors, type MonitorTarget, type PictureMonitors } from '../engine/host/picture-monitors.ts';
import { HttpError } from './errors.ts';

/** RFC 6455 §7.4.1: "Try Again Later". */
const CLOSE_TRY_AGAIN_LATER = 1013;

export interface MonitorSockets {
  /** Whether `pathname` is a monitor's WebSocket. */
  handles(pathname: string): boolean;
  /** Takes an authorized upgrade to a monitor path; throws an HttpError to refuse it. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  readonly monitors: PictureMonitors;
  close(): void;
}

export function createMonitorSockets(engine: Engine): MonitorSockets {
  const monitors = createPictureMonitors(engine);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  function serve(ws: WebSocket, target: Exclude<MonitorTarget, { kind: 'refused' }>): void {
    const detach = monitors.attach(target, ws);
    if (!detach) {
      ws.close(CLOSE_TRY_AGAIN_LATER, 'Too many viewers of this monitor.');
      return;
    }
    ws.on('close', detach);
    ws.on('error', () => ws.terminate());
  }

  return {
    monitors,
    handles: (pathname) => monitors.handles(pathname),
    upgrade(request, socket, head, url) {
      const target = monitors.target(url);
      if (target.kind === 'refused') throw new HttpError(target.status, target.status === 400 ? 'BAD_ARGUMENT' : 'NOT_FOUND', target.message);
      sockets.handleUpgrade(request, socket, head, (ws) => serve(ws, target));
    },
    close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      monitors.close();
    },
  };
}
