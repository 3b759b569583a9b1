// Keeps ad breaks on air during a benchmark through the program's on-air control, the way the cue
// deck drives it: a generated slate scene with a "Back in m:ss" line re-rasterized once a second,
// the cue-out queued on the cue channel for the splice IDR, the 'break' layer held from the splice
// frame and let go at the return frame (timeline actions), then the next break after a gap.
import type { OnAirControl } from '../../src/main/engine/program/on-air-control.ts';
import { buildCueOut, encodeSection } from '../../src/main/engine/scte35/index.ts';

export const SLATE_SOURCE_ID = 'cue:slate';
export const BREAK_SCENE_ID = 'cue:break';

export interface BreakKeeperFigures {
  breaks: number;
  /** Frames made while the break layer held the slate. */
  framesOnBreak: number;
  cueCopiesSent: number;
  slateRedraws: number;
}

export class BreakKeeper {
  readonly figures: BreakKeeperFigures = { breaks: 0, framesOnBreak: 0, cueCopiesSent: 0, slateRedraws: 0 };
  readonly #control: OnAirControl;
  readonly #breakFrames: number;
  readonly #gapFrames: number;
  readonly #size: { width: number; height: number };
  #eventId = 1;
  #onBreakUntil = -1;
  #nextSplice = -1;
  #lastSecondsLeft = -1;
  #unsubscribe: Array<() => void> = [];
  #redrawing = false;

  constructor(control: OnAirControl, options: { breakSeconds: number; gapSeconds: number; width: number; height: number }) {
    this.#control = control;
    const { timeline } = control;
    // Breaks live on the GOP grid, as the deck plans them.
    this.#breakFrames = Math.max(1, Math.round((options.breakSeconds * timeline.fps) / timeline.gopFrames)) * timeline.gopFrames;
    this.#gapFrames = Math.max(1, Math.round((options.gapSeconds * timeline.fps) / timeline.gopFrames)) * timeline.gopFrames;
    this.#size = { width: options.width, height: options.height };
  }

  async start(): Promise<void> {
    const { timeline, cues } = this.#control;
    await this.#control.setGeneratedText(SLATE_SOURCE_ID, "We'll be right back", this.#style());
    this.#control.setGeneratedScene(BREAK_SCENE_ID, [{ sourceId: SLATE_SOURCE_ID, x: 0, y: 0 }]);
    this.#unsubscribe.push(cues.onSent(() => this.figures.cueCopiesSent++));
    this.#unsubscribe.push(timeline.onFrame((frame) => this.#onFrame(frame)));
    // The first break: the next IDR (preroll 0), so the measured window is on break from its start.
    this.#plan(timeline.idrAtOrAfter(timeline.frame + 1));
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
  }

  #style() {
    return { ...this.#size, fontSize: Math.round(this.#size.height / 12), color: '#ffffff', background: '#102040' };
  }

  #plan(splice: number): void {
    const { timeline, cues } = this.#control;
    const back = splice + this.#breakFrames;
    const pts = timeline.ptsOfFrame(splice);
    if (pts !== null) {
      const section = buildCueOut({
        eventId: this.#eventId++,
        ptsTime: pts,
        durationTicks: Math.round((this.#breakFrames * 90_000) / timeline.fps),
        autoReturn: true,
      });
      cues.queue(encodeSection(section), { prerollSeconds: 0 });
    }
    timeline.at(splice, { kind: 'hold', layer: 'break', sceneId: BREAK_SCENE_ID });
    timeline.at(back, { kind: 'hold', layer: 'break', sceneId: null });
    timeline.at(splice, {
      kind: 'call',
      run: () => {
        this.figures.breaks++;
        this.#onBreakUntil = back;
      },
    });
    this.#nextSplice = back + this.#gapFrames;
  }

  #onFrame(frame: number): void {
    const { timeline } = this.#control;
    if (frame < this.#onBreakUntil) {
      this.figures.framesOnBreak++;
      // The slate's "Back in m:ss" changes once a second: rasterized off the frame path.
      const secondsLeft = Math.ceil((this.#onBreakUntil - frame) / timeline.fps);
      if (secondsLeft !== this.#lastSecondsLeft && !this.#redrawing) {
        this.#lastSecondsLeft = secondsLeft;
        this.#redrawing = true;
        const text = `We'll be right back\nBack in ${Math.floor(secondsLeft / 60)}:${String(secondsLeft % 60).padStart(2, '0')}`;
        void this.#control
          .setGeneratedText(SLATE_SOURCE_ID, text, this.#style())
          .then(() => this.figures.slateRedraws++)
          .finally(() => (this.#redrawing = false));
      }
    }
    // Plan the next break a second ahead of its splice, as a deck with a 1 s preroll would.
    if (this.#nextSplice >= 0 && frame + timeline.fps >= this.#nextSplice && frame < this.#nextSplice) {
      const splice = this.#nextSplice;
      this.#nextSplice = -1;
      this.#plan(splice);
    }
  }
}
