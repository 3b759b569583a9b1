import { describe, expect, it } from 'vitest';
import type { SceneInfo, SourceInfo } from '../../../../shared/program.ts';
import { type FirstRunFacts, firstRunSteps } from './first-run-steps.ts';

const liveInput = {
  id: 7,
  name: 'Camera',
  config: { kind: 'rtmp', streamKeyId: 1, width: 1920, height: 1080, slateText: 'Stand by' },
} as unknown as SourceInfo;
const colour = { id: 8, name: 'Blue', config: { kind: 'color', color: '#0000ff', width: 1920, height: 1080 } } as unknown as SourceInfo;
const sceneWith = (sourceId: number): SceneInfo => ({ id: 1, name: 'Main', layers: [{ sourceId } as SceneInfo['layers'][number]] });

const empty: FirstRunFacts = { streamKeyCount: 0, publishingKeyIds: [], sources: [], scenes: [], outputCount: 0, programRunning: false };
const doneIds = (facts: FirstRunFacts) =>
  firstRunSteps(facts)
    .filter((step) => step.done)
    .map((step) => step.id);

describe('the first-run guide', () => {
  it('starts with nothing done, in the order a creator from OBS goes', () => {
    expect(firstRunSteps(empty).map((step) => step.id)).toEqual(['streamKey', 'publish', 'scene', 'output', 'goLive']);
    expect(doneIds(empty)).toEqual([]);
  });

  it('ticks each step from the studio state, not from clicks', () => {
    expect(doneIds({ ...empty, streamKeyCount: 1 })).toEqual(['streamKey']);
    expect(doneIds({ ...empty, publishingKeyIds: [1] })).toEqual(['publish']);
    expect(doneIds({ ...empty, outputCount: 2 })).toEqual(['output']);
    expect(doneIds({ ...empty, programRunning: true })).toEqual(['goLive']);
  });

  it('counts a scene only when it holds a live input, not any layer', () => {
    expect(doneIds({ ...empty, sources: [liveInput, colour], scenes: [sceneWith(colour.id)] })).toEqual([]);
    expect(doneIds({ ...empty, sources: [liveInput, colour], scenes: [sceneWith(liveInput.id)] })).toEqual(['scene']);
  });
});
