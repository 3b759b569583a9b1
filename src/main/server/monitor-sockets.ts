// The picture monitors' WebSockets: /api/v1/monitor/program (composed program frames, see
// engine/monitor/program-monitor.ts). The HTTP server authorizes the upgrade (token, Host, Origin)
// before handing it here, exactly as for the contract's WebSocket. Binary frames out only; a
// client's messages are ignored (it has nothing to say), and a socket that cannot keep up simply
// misses frames (monitor-feed.ts), it is never waited for.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../engine/host/engine.ts';
import { ProgramMonitor } from '../engine/monitor/program-monitor.ts';
import { PROGRAM_MONITOR_PATH } from '../../shared/monitor-frame.ts';

/** RFC 6455 §7.4.1: "Try Again Later". */
const CLOSE_TRY_AGAIN_LATER = 1013;

export interface MonitorSockets {
  /** Whether `pathname` is a monitor's WebSocket. */
  handles(pathname: string): boolean;
  /** Takes an authorized upgrade to a monitor path. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly programMonitor: ProgramMonitor;
  close(): void;
}

export function createMonitorSockets(engine: Engine): MonitorSockets {
  const programMonitor = new ProgramMonitor({ airing: () => engine.programHost.airingProgram, lifecycle: engine.programLifecycle });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  function serveProgram(ws: WebSocket): void {
    const detach = programMonitor.attach(ws);
    if (!detach) {
      ws.close(CLOSE_TRY_AGAIN_LATER, 'Too many program monitors are open.');
      return;
    }
    ws.on('close', detach);
    ws.on('error', () => ws.terminate());
  }

  return {
    programMonitor,
    handles: (pathname) => pathname === PROGRAM_MONITOR_PATH,
    upgrade(request, socket, head) {
      sockets.handleUpgrade(request, socket, head, (ws) => serveProgram(ws));
    },
    close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      programMonitor.close();
    },
  };
}
