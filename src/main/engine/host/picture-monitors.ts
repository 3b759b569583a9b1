// The engine's picture monitors, as one object each host (studio serve's WebSockets, Electron's
// IPC) builds over the same engine: the program monitor and the scene pictures, and how a
// monitor path (shared/monitor-frame.ts) names one of them.
import type { Engine } from './engine.ts';
import { PROGRAM_MONITOR_PATH, SCENE_MONITOR_PATH } from '../../../shared/monitor-frame.ts';
import type { MonitorSink } from '../monitor/monitor-feed.ts';
import { ProgramMonitor } from '../monitor/program-monitor.ts';
import { ScenePictures } from '../monitor/scene-picture.ts';

/** What a monitor path asks for, or why it is refused. */
export type MonitorTarget = { kind: 'program' } | { kind: 'scene'; sceneId: number } | { kind: 'refused'; status: 400 | 404; message: string };

export interface PictureMonitors {
  readonly programMonitor: ProgramMonitor;
  readonly scenePictures: ScenePictures;
  /** Whether `pathname` is a monitor's. */
  handles(pathname: string): boolean;
  target(url: URL): MonitorTarget;
  /** A viewer of `target`; null when too many watch it. Returns its detach function. */
  attach(target: Exclude<MonitorTarget, { kind: 'refused' }>, sink: MonitorSink): (() => void) | null;
  close(): void;
}

export function createPictureMonitors(engine: Engine): PictureMonitors {
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
  return {
    programMonitor,
    scenePictures,
    handles: (pathname) => pathname === PROGRAM_MONITOR_PATH || pathname === SCENE_MONITOR_PATH,
    target(url) {
      if (url.pathname === PROGRAM_MONITOR_PATH) return { kind: 'program' };
      if (url.pathname !== SCENE_MONITOR_PATH) return { kind: 'refused', status: 404, message: `No monitor at ${url.pathname}.` };
      const sceneId = Number(url.searchParams.get('scene'));
      if (!Number.isInteger(sceneId) || sceneId < 1) return { kind: 'refused', status: 400, message: 'Name the scene: ?scene=<id>.' };
      if (!repository.scenes().some((scene) => scene.id === sceneId)) return { kind: 'refused', status: 404, message: `No scene ${sceneId}.` };
      return { kind: 'scene', sceneId };
    },
    attach(target, sink) {
      return target.kind === 'program' ? programMonitor.attach(sink) : scenePictures.attach(target.sceneId, sink);
    },
    close() {
      programMonitor.close();
      scenePictures.close();
    },
  };
}
