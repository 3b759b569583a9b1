// Audio follows the picture, with the real mixer: frame n's mix holds exactly the sources of the
// scene(s) frame n shows, even when the mix of frame n comes several ticks after its decision
// (the worker pool), and a paused source is held: its samples wait, they are not dropped.
import { describe, expect, it } from 'vitest';
import { AudioMixer } from '../audio/index.ts';
import { AudioFollowsPicture } from './audio-follows-picture.ts';

const SAMPLES = 4;
/** Scenes: which sources each shows. */
const SCENES: Record<string, string[]> = { A: ['a'], B: ['b'], AB: ['a', 'b'] };
const shows = (sceneId: string | null, sourceId: string) => sceneId !== null && (SCENES[sceneId] ?? []).includes(sourceId);

/** A mixer with two sources whose every sample is constant: 'a' = 100, 'b' = 1000. */
function setup() {
  const mixer = new AudioMixer({ maxSamplesPerFrame: SAMPLES });
  const inputs = { a: mixer.addSource('a'), b: mixer.addSource('b') };
  const feed = (id: 'a' | 'b', value: number, frames: number) => {
    const bytes = new Uint8Array(frames * SAMPLES * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < frames * SAMPLES * 2; i++) view.setInt16(i * 2, value, true);
    inputs[id].write(bytes);
  };
  const out = new Int16Array(SAMPLES * 2);
  /** Mixes one frame; answers its samples if they are all the same value, else NaN. */
  const mix = () => {
    mixer.mix(SAMPLES, out);
    return out.every((v) => v === out[0]) ? out[0]! : Number.NaN;
  };
  return { mixer, inputs, feed, mix };
}

describe('AudioFollowsPicture', () => {
  it('frame n mixes only the sources of the scene frame n shows, though its mix comes ticks later', () => {
    const { mixer, feed, mix } = setup();
    const follow = new AudioFollowsPicture(shows);
    feed('a', 100, 12);
    feed('b', 1000, 12);
    // Ticks 0..5 decided before any mix: A, A, A, cut to B at 3, a fade A→B over 4..5 (both in the mix).
    const shown: [string, string | null][] = [
      ['A', null],
      ['A', null],
      ['A', null],
      ['B', null],
      ['A', 'B'],
      ['A', 'B'],
    ];
    for (const [n, [from, to]] of shown.entries()) follow.record(n, from, to);
    const mixed: number[] = [];
    for (let n = 0; n < 6; n++) {
      follow.apply(n, mixer.inputs);
      mixed.push(mix());
    }
    expect(mixed).toEqual([100, 100, 100, 1000, 1100, 1100]);
  });

  it('a source left out keeps time: its samples of those frames are dropped, it comes back in step', () => {
    const { mixer, inputs, feed, mix } = setup();
    const follow = new AudioFollowsPicture(shows);
    // 'b' carries its frame number in its samples: frame k of b is worth 1000 + k.
    for (let k = 0; k < 6; k++) feed('b', 1000 + k, 1);
    feed('a', 100, 6);
    for (const [n, scene] of ['A', 'A', 'A', 'B', 'B', 'B'].entries()) follow.record(n, scene, null);
    const mixed: number[] = [];
    for (let n = 0; n < 6; n++) {
      follow.apply(n, mixer.inputs);
      mixed.push(mix());
    }
    expect(mixed).toEqual([100, 100, 100, 1003, 1004, 1005]);
    expect(inputs.b.stats().underruns).toBe(0);
  });

  it('a paused source is silent and held: after resume it goes on with the sample it stopped at', () => {
    const { mixer, feed, mix } = setup();
    const follow = new AudioFollowsPicture(shows);
    for (let k = 0; k < 6; k++) feed('b', 1000 + k, 1);
    const mixed: number[] = [];
    for (let n = 0; n < 6; n++) {
      if (n === 2) follow.setPaused('b', true);
      if (n === 4) follow.setPaused('b', false);
      follow.record(n, 'B', null);
      follow.apply(n, mixer.inputs);
      mixed.push(mix());
    }
    expect(mixed).toEqual([1000, 1001, 0, 0, 1002, 1003]);
  });

  it('nothing on air: nothing in the mix', () => {
    const { mixer, feed, mix } = setup();
    const follow = new AudioFollowsPicture(shows);
    feed('a', 100, 2);
    follow.record(0, null, null);
    follow.apply(0, mixer.inputs);
    expect(mix()).toBe(0);
  });
});
