import type { SceneInfo, SourceInfo } from '../../../../shared/program.ts';

/** The first run, as a creator coming from OBS does it: each step read from the studio's real state. */
export interface FirstRunStep {
  id: 'streamKey' | 'publish' | 'scene' | 'output' | 'goLive';
  title: string;
  done: boolean;
}

export interface FirstRunFacts {
  streamKeyCount: number;
  /** Stream key ids with a publisher on the ingest now. */
  publishingKeyIds: readonly number[];
  sources: readonly SourceInfo[];
  scenes: readonly SceneInfo[];
  outputCount: number;
  programRunning: boolean;
}

export function firstRunSteps(facts: FirstRunFacts): FirstRunStep[] {
  const liveInputIds = new Set(facts.sources.filter((source) => source.config.kind === 'rtmp').map((source) => source.id));
  const inScene = facts.scenes.some((scene) => scene.layers.some((layer) => liveInputIds.has(layer.sourceId)));
  return [
    { id: 'streamKey', title: 'Create a stream key', done: facts.streamKeyCount > 0 },
    { id: 'publish', title: 'Point OBS at the ingest and Start Streaming', done: facts.publishingKeyIds.length > 0 },
    { id: 'scene', title: 'Add a live input for that key to a scene', done: inScene },
    { id: 'output', title: 'Add an output: SRT to your distributor, a recording or HLS', done: facts.outputCount > 0 },
    { id: 'goLive', title: 'Go Live', done: facts.programRunning },
  ];
}
