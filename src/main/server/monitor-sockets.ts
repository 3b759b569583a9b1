// The picture monitors' WebSockets: /api/v1/monitor/program (composed program frames, see
// engine/monitor/program-monitor.ts) and /api/v1/monitor/scene?scene=<id> (a scene's picture,
// engine/monitor/scene-picture.ts). The HTTP server authorizes the upgrade (token, Host, Origin)
// before handing it here, exactly as for the contract's WebSocket. Binary frames out only; a
// client's messages are ignored (it has nothing to say), and a socket that cannot keep up simply
// misses frames (monitor-feed.ts), it is never waited for.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../engine/host/engine.ts';
import { ProgramMonitor } from '../engine/monitor/program-monitor.ts';
import { ScenePictures } from '../engine/monitor/scene-picture.ts';
import { PROGRAM_MONITOR_PATH, SCENE_MONITOR_PATH } from '../../shared/monitor-frame.ts';
import { HttpError } from './errors.ts';

/** RFC 6455 §7.4.1: "Try Again Later". */
const CLOSE_TRY_AGAIN_LATER = 1013;

export interface MonitorSockets {
  /** Whether `pathname` is a monitor's WebSocket. */
  handles(pathname: string): boolean;
  /** Takes an authorized upgrade to a monitor path. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  readonly programMonitor: ProgramMonitor;
  readonly scenePictures: ScenePictures;
  close(): void;
}

export function createMonitorSockets(engine: Engine): MonitorSockets {
  const programMonitor = new ProgramMonitor({ airing: () => engine.programHost.airingProgram, lifecycle: engine.programLifecycle });
  const repository = engine.repositories.program;
  const scenePictures = new ScenePictures({
    store: {
      scenes: () => repository.scenes(),
      sources: () => repository.sources(),
      format: () => engine.programHost.formatSettings(),
    },
    ffmpegPath: () => engine.health().ffmpeg?.path ?? null,
    log: engine.log.child('scene-picture'),
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  function serveScene(ws: WebSocket, sceneId: number): void {
    const detach = scenePictures.attach(sceneId, ws);
    if (!detach) {
      ws.close(CLOSE_TRY_AGAIN_LATER, 'Too many viewers of this scene.');
      return;
    }
    ws.on('close', detach);
    ws.on('error', () => ws.terminate());
  }

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
    scenePictures,
    handles: (pathname) => pathname === PROGRAM_MONITOR_PATH || pathname === SCENE_MONITOR_PATH,
    upgrade(request, socket, head, url) {
      if (url.pathname === PROGRAM_MONITOR_PATH) {
        sockets.handleUpgrade(request, socket, head, (ws) => serveProgram(ws));
        return;
      }
      const sceneId = Number(url.searchParams.get('scene'));
      if (!Number.isInteger(sceneId) || sceneId < 1) throw new HttpError(400, 'BAD_ARGUMENT', 'Name the scene: ?scene=<id>.');
      if (!repository.scenes().some((scene) => scene.id === sceneId)) throw new HttpError(404, 'NOT_FOUND', `No scene ${sceneId}.`);
      sockets.handleUpgrade(request, socket, head, (ws) => serveScene(ws, sceneId));
    },
    close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      programMonitor.close();
      scenePictures.close();
    },
  };
}
