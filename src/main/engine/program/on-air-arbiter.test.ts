// Who holds the picture: the arbiter fed by the timeline, frame by frame, as the program does it
// (timeline.run(n), then resolve(n)). Priorities, the return to what the layer below holds now,
// same-frame holds and releases, overlays, and which transition a change airs with.
import { describe, expect, it } from 'vitest';
import type { Transition } from '../compositor/index.ts';
import { FRAME_RATES } from '../compositor/index.ts';
import { Logger } from '../log.ts';
import { ProgramTimeline } from './frame-timeline.ts';
import { OnAirArbiter } from './on-air-arbiter.ts';
import type { OnAirLayer } from './on-air-control.ts';

const FADE: Transition = { kind: 'fade', frames: 10 };

/** A timeline driving an arbiter; airs(n) makes frames up to n and answers what each showed. */
function onAir(options: { overlays?: string[]; gone?: string[] } = {}) {
  const arbiter = new OnAirArbiter();
  const timeline = new ProgramTimeline({
    rate: FRAME_RATES['30'],
    gopFrames: 60,
    logger: new Logger({ sink: () => {}, level: 'error' }),
    perform: (action, frame) => {
      if (action.kind === 'hold') arbiter.hold(action.layer, action.sceneId, action.transition, frame);
    },
    ptsOfFrame: () => null,
  });
  const overlays = new Set(options.overlays ?? []);
  const gone = new Set(options.gone ?? []);
  const shown: { frame: number; scene: string | null; transition: string }[] = [];
  let current: { scene: string | null; transition: string } = { scene: null, transition: 'cut' };
  const make = (until: number) => {
    for (let n = timeline.frame + 1; n <= until; n++) {
      timeline.run(n);
      if (
        arbiter.resolve(
          n,
          (id) => overlays.has(id),
          (id) => !gone.has(id),
        )
      ) {
        const d = arbiter.decision;
        current = { scene: d.overlay === null ? d.base : `${d.overlay} over ${d.base}`, transition: d.transition.kind };
      }
      shown.push({ frame: n, ...current });
    }
  };
  const hold = (frame: number, layer: OnAirLayer, sceneId: string | null, transition?: Transition) =>
    timeline.at(frame, { kind: 'hold', layer, sceneId, ...(transition ? { transition } : {}) });
  /** The scene each frame in [from, to] showed. */
  const scenes = (from: number, to: number) => shown.filter((s) => s.frame >= from && s.frame <= to).map((s) => s.scene);
  const at = (frame: number) => shown.find((s) => s.frame === frame)!;
  return { arbiter, timeline, hold, make, scenes, at };
}

describe('on-air arbitration', () => {
  it('the highest holding layer airs: alert > break > playout > operator', () => {
    const { hold, make, at } = onAir();
    hold(0, 'operator', 'cam');
    hold(2, 'playout', 'show');
    hold(4, 'break', 'slate');
    hold(6, 'alert', 'card');
    // A lower layer changing under a higher one changes nothing on air.
    hold(8, 'operator', 'wide');
    hold(8, 'playout', 'show 2');
    hold(8, 'break', 'slate 2');
    make(9);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => at(n).scene)).toEqual(['cam', 'cam', 'show', 'show', 'slate', 'slate', 'card', 'card', 'card', 'card']);
  });

  it('when a layer lets go, the layer below airs what it holds then, not what it held when covered', () => {
    const { hold, make, scenes, arbiter } = onAir();
    hold(0, 'operator', 'cam 1');
    hold(10, 'break', 'slate');
    // The operator changes twice during the break: neither airs then.
    hold(12, 'operator', 'cam 2');
    hold(15, 'operator', 'cam 3');
    hold(20, 'break', null);
    make(22);
    expect(scenes(9, 9)).toEqual(['cam 1']);
    expect(new Set(scenes(10, 19))).toEqual(new Set(['slate']));
    expect(scenes(20, 22)).toEqual(['cam 3', 'cam 3', 'cam 3']);
    expect(arbiter.holding('operator')).toBe('cam 3');
    expect(arbiter.holding('break')).toBeNull();
  });

  it('nested: an alert over a break, the break ends under it, then the alert ends: back to the operator', () => {
    const { hold, make, at } = onAir();
    hold(0, 'operator', 'cam');
    hold(5, 'break', 'slate');
    hold(8, 'alert', 'card');
    hold(10, 'break', null);
    hold(15, 'alert', null);
    make(16);
    expect([4, 5, 8, 10, 14, 15].map((n) => at(n).scene)).toEqual(['cam', 'slate', 'card', 'card', 'card', 'cam']);
  });

  it('a break that ends while the playout holds goes back to the playout, not the operator', () => {
    const { hold, make, at } = onAir();
    hold(0, 'operator', 'cam');
    hold(3, 'break', 'slate');
    hold(5, 'playout', 'movie');
    hold(9, 'break', null);
    make(10);
    expect([2, 3, 5, 8, 9].map((n) => at(n).scene)).toEqual(['cam', 'slate', 'slate', 'slate', 'movie']);
  });

  it('same frame: a release and a hold by another layer at the return frame: the hold wins that frame, nothing in between', () => {
    const { hold, make, scenes } = onAir();
    hold(0, 'operator', 'cam');
    hold(4, 'break', 'slate');
    // The break returns at 8 and the alert holds from 8 (an alert during a break).
    hold(8, 'break', null);
    hold(8, 'alert', 'card');
    make(9);
    expect(scenes(3, 9)).toEqual(['cam', 'slate', 'slate', 'slate', 'slate', 'card', 'card']);
  });

  it('same frame, same layer: the later request wins (hold then release = nothing held; release then hold = held)', () => {
    const a = onAir();
    a.hold(0, 'operator', 'cam');
    a.hold(3, 'break', 'slate');
    a.hold(3, 'break', null);
    a.make(4);
    expect(a.scenes(0, 4)).toEqual(['cam', 'cam', 'cam', 'cam', 'cam']);
    const b = onAir();
    b.hold(0, 'operator', 'cam');
    b.hold(2, 'break', 'slate');
    b.hold(5, 'break', null);
    b.hold(5, 'break', 'slate 2');
    b.make(6);
    expect(b.scenes(4, 6)).toEqual(['slate', 'slate 2', 'slate 2']);
  });

  it('a cancelled hold never airs', () => {
    const { hold, make, scenes, timeline } = onAir();
    hold(0, 'operator', 'cam');
    const out = hold(5, 'break', 'slate');
    const back = hold(10, 'break', null);
    make(3);
    expect(timeline.cancel(out)).toBe(true);
    expect(timeline.cancel(back)).toBe(true);
    make(12);
    expect(new Set(scenes(0, 12))).toEqual(new Set(['cam']));
  });

  it("the operator's transition only when the operator's change is what airs; breaks and returns cut", () => {
    const { hold, make, at } = onAir();
    hold(0, 'operator', 'cam');
    hold(2, 'operator', 'wide', FADE);
    hold(5, 'break', 'slate');
    // A fade asked for during the break: the return to it is a cut, on the exact frame.
    hold(7, 'operator', 'close', FADE);
    hold(9, 'break', null);
    make(10);
    expect(at(2)).toMatchObject({ scene: 'wide', transition: 'fade' });
    expect(at(5)).toMatchObject({ scene: 'slate', transition: 'cut' });
    expect(at(9)).toMatchObject({ scene: 'close', transition: 'cut' });
  });

  it('an overlay airs over what the layers below air, and follows it when that changes', () => {
    const { hold, make, at } = onAir({ overlays: ['crawl'] });
    hold(0, 'operator', 'cam');
    hold(2, 'alert', 'crawl');
    hold(4, 'operator', 'wide');
    hold(6, 'break', 'slate');
    hold(8, 'alert', null);
    make(9);
    expect([1, 2, 4, 6, 8].map((n) => at(n).scene)).toEqual(['cam', 'crawl over cam', 'crawl over wide', 'crawl over slate', 'slate']);
  });

  it('a held scene that is gone is passed over: the layer below airs', () => {
    const { hold, make, at } = onAir({ gone: ['deleted'] });
    hold(0, 'operator', 'cam');
    hold(1, 'playout', 'deleted');
    make(2);
    expect(at(2).scene).toBe('cam');
  });
});
