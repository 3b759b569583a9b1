// The frame timeline on its own: actions run at their frame, in the order asked, once; cancel
// takes one back; a throwing action is logged and the tick goes on; wall time ↔ frame.
import { describe, expect, it } from 'vitest';
import { FRAME_RATES } from '../compositor/index.ts';
import { Logger } from '../log.ts';
import type { FrameAction } from './on-air-control.ts';
import { MAX_PENDING_ACTIONS, ProgramTimeline } from './frame-timeline.ts';

function timeline(records: string[] = []) {
  const performed: { frame: number; action: FrameAction }[] = [];
  const line = new ProgramTimeline({
    rate: FRAME_RATES['25'],
    gopFrames: 25,
    logger: new Logger({ sink: (line) => records.push(line), level: 'debug' }),
    perform: (action, frame) => performed.push({ frame, action }),
    ptsOfFrame: (frame) => 1000 + frame * 3600,
  });
  return { line, performed };
}

const call = (log: string[], name: string): FrameAction => ({ kind: 'call', run: (frame) => log.push(`${name}@${frame}`) });

describe('ProgramTimeline', () => {
  it('runs each action once, at its frame, before the frame listeners; frames in any order of asking', () => {
    const { line } = timeline();
    const log: string[] = [];
    line.onFrame((frame) => log.push(`frame ${frame}`));
    line.at(3, call(log, 'c'));
    line.at(1, call(log, 'a'));
    line.at(2, call(log, 'b'));
    for (let n = 0; n < 5; n++) {
      line.run(n);
      line.notify(n);
    }
    expect(log).toEqual(['frame 0', 'a@1', 'frame 1', 'b@2', 'frame 2', 'c@3', 'frame 3', 'frame 4']);
    expect(line.pendingCount).toBe(0);
  });

  it('same frame: in the order asked (ids increase), whatever the kind', () => {
    const { line, performed } = timeline();
    const log: string[] = [];
    const hold = line.at(5, { kind: 'hold', layer: 'break', sceneId: 'slate' });
    line.at(5, call(log, 'first'));
    const release = line.at(5, { kind: 'hold', layer: 'break', sceneId: null });
    line.at(4, call(log, 'earlier'));
    line.at(5, call(log, 'last'));
    expect(release).toBeGreaterThan(hold);
    for (let n = 0; n <= 5; n++) line.run(n);
    expect(log).toEqual(['earlier@4', 'first@5', 'last@5']);
    expect(performed.map((p) => [p.frame, (p.action as { sceneId: string | null }).sceneId])).toEqual([
      [5, 'slate'],
      [5, null],
    ]);
  });

  it('cancel takes back an action not yet run; false once it ran or for an unknown id', () => {
    const { line } = timeline();
    const log: string[] = [];
    const kept = line.at(2, call(log, 'kept'));
    const dropped = line.at(2, call(log, 'dropped'));
    expect(line.frameOf(dropped)).toBe(2);
    expect(line.cancel(dropped)).toBe(true);
    expect(line.cancel(dropped)).toBe(false);
    expect(line.frameOf(dropped)).toBeNull();
    line.run(0);
    line.run(1);
    line.run(2);
    expect(log).toEqual(['kept@2']);
    expect(line.cancel(kept)).toBe(false);
    expect(line.cancel(12345)).toBe(false);
  });

  it('refuses a frame already made; during frame n, an action for n runs in that same tick', () => {
    const { line } = timeline();
    const log: string[] = [];
    line.run(0);
    line.run(1);
    expect(() => line.at(1, call(log, 'late'))).toThrow(
      expect.objectContaining({ code: 'BAD_SWITCH', field: 'atFrame', message: expect.stringContaining('already composed') }),
    );
    expect(() => line.at(-1, call(log, 'negative'))).toThrow(expect.objectContaining({ code: 'BAD_SWITCH' }));
    expect(() => line.at(2.5, call(log, 'fraction'))).toThrow(expect.objectContaining({ code: 'BAD_SWITCH' }));
    line.at(2, { kind: 'call', run: (frame) => line.at(frame, call(log, 'same tick')) });
    line.at(2, call(log, 'asked before'));
    line.run(2);
    expect(log).toEqual(['asked before@2', 'same tick@2']);
  });

  it('a skipped stretch: run(n) for a later frame runs every action due at or before it, in frame order', () => {
    // The program calls run(n) for every n, skip or not; this is the guard for a caller that jumps.
    const { line } = timeline();
    const log: string[] = [];
    line.at(7, call(log, 'x'));
    line.at(3, call(log, 'y'));
    line.run(9);
    expect(log).toEqual(['y@9', 'x@9']);
  });

  it('a throwing action is logged with its frame and the rest of the tick runs', () => {
    const records: string[] = [];
    const { line, performed } = timeline(records);
    const log: string[] = [];
    line.at(1, {
      kind: 'call',
      run: () => {
        throw new Error('deck bug');
      },
    });
    line.at(1, call(log, 'after'));
    line.at(1, { kind: 'pause', sourceId: 'cam' });
    line.onFrame(() => {
      throw new Error('listener bug');
    });
    line.onFrame((frame) => log.push(`frame ${frame}`));
    line.run(0);
    line.run(1);
    line.notify(1);
    expect(log).toEqual(['after@1', 'frame 1']);
    expect(performed).toHaveLength(1);
    expect(records).toEqual([expect.stringContaining('(call) at frame 1 failed'), expect.stringContaining('frame listener failed')]);
  });

  it('an unsubscribed listener hears no more frames', () => {
    const { line } = timeline();
    const heard: number[] = [];
    const off = line.onFrame((frame) => heard.push(frame));
    line.notify(0);
    off();
    line.notify(1);
    expect(heard).toEqual([0]);
  });

  it(`keeps at most ${MAX_PENDING_ACTIONS} actions waiting`, () => {
    const { line } = timeline();
    for (let i = 0; i < MAX_PENDING_ACTIONS; i++) line.at(10 + i, { kind: 'resume', sourceId: 'x' });
    expect(() => line.at(5, { kind: 'resume', sourceId: 'x' })).toThrow(
      expect.objectContaining({ code: 'BAD_SWITCH', message: expect.stringContaining('already wait') }),
    );
  });

  it('maps wall time and frames from the anchor, and knows IDRs and PTS', () => {
    const { line } = timeline();
    line.anchor(3, 1_000_000);
    expect(line.wallTimeOf(3)).toBe(1_000_000);
    expect(line.wallTimeOf(28)).toBe(1_001_000);
    expect(line.frameAt(1_001_000)).toBe(28);
    expect(line.frameAt(1_001_039)).toBe(28);
    expect(line.frameAt(1_001_040)).toBe(29);
    expect(line.fps).toBe(25);
    expect(line.idrAtOrAfter(0)).toBe(0);
    expect(line.idrAtOrAfter(1)).toBe(25);
    expect(line.idrAtOrAfter(50)).toBe(50);
    expect(line.idrAtOrAfter(-7)).toBe(0);
    expect(line.ptsOfFrame(2)).toBe(1000 + 7200);
  });
});
