// The engine's monitors, as one object each host (studio serve's WebSockets, Electron's IPC)
// builds over the same engine: the program monitor, the scene pictures and the sources' audio
// monitors (pre-fader listening), and how a monitor path (shared/monitor-frame.ts,
// shared/audio-monitor-frame.ts) names one of them.
import type { Engine } from './engine.ts';
import { PROGRAM_MONITOR_PATH, SCENE_MONITOR_PATH } from '../../../shared/monitor-frame.ts';
import { AUDIO_MONITOR_PATH } from '../../../shared/audio-monitor-frame.ts';
import { sourceKindHasAudio } from '../../../shared/program.ts';
import { SourceAudioMonitors } from '../monitor/source-audio-monitor.ts';
import type { MonitorSink } from '../monitor/monitor-feed.ts';
import { ProgramMonitor } from '../monitor/program-monitor.ts';
import { ScenePictures } from '../monitor/scene-picture.ts';

/** What a monitor path asks for, or why it is refused. */
export type MonitorTarget =
  | { kind: 'program' }
  | { kind: 'scene'; sceneId: number }
  | { kind: 'audio'; sourceId: number }
  | { kind: 'refused'; status: 400 | 404; message: string };

export interface PictureMonitors {
  readonly programMonitor: ProgramMonitor;
  readonly scenePictures: ScenePictures;
  readonly audioMonitors: SourceAudioMonitors;
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
  const audioMonitors = new SourceAudioMonitors({ airing: () => engine.programHost.airingProgram, lifecycle: engine.programLifecycle });
  return {
    programMonitor,
    scenePictures,
    audioMonitors,
    handles: (pathname) => pathname === PROGRAM_MONITOR_PATH || pathname === SCENE_MONITOR_PATH || pathname === AUDIO_MONITOR_PATH,
    target(url) {
      if (url.pathname === PROGRAM_MONITOR_PATH) return { kind: 'program' };
      if (url.pathname === AUDIO_MONITOR_PATH) {
        const sourceId = Number(url.searchParams.get('source'));
        if (!Number.isInteger(sourceId) || sourceId < 1) return { kind: 'refused', status: 400, message: 'Name the source: ?source=<id>.' };
        const source = repository.sources().find((s) => s.id === sourceId);
        if (!source) return { kind: 'refused', status: 404, message: `No source ${sourceId}.` };
        if (!sourceKindHasAudio(source.config.kind))
          return { kind: 'refused', status: 400, message: `Source ${sourceId} (${source.config.kind}) has no audio.` };
        return { kind: 'audio', sourceId };
      }
      if (url.pathname !== SCENE_MONITOR_PATH) return { kind: 'refused', status: 404, message: `No monitor at ${url.pathname}.` };
      const sceneId = Number(url.searchParams.get('scene'));
      if (!Number.isInteger(sceneId) || sceneId < 1) return { kind: 'refused', status: 400, message: 'Name the scene: ?scene=<id>.' };
      if (!repository.scenes().some((scene) => scene.id === sceneId)) return { kind: 'refused', status: 404, message: `No scene ${sceneId}.` };
      return { kind: 'scene', sceneId };
    },
    attach(target, sink) {
      if (target.kind === 'audio') return audioMonitors.attach(String(target.sourceId), sink);
      return target.kind === 'program' ? programMonitor.attach(sink) : scenePictures.attach(target.sceneId, sink);
    },
    close() {
      programMonitor.close();
      scenePictures.close();
      audioMonitors.close();
    },
  };
}
