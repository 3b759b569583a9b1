// An in-memory OnAirControl for the cue deck's and the alert's unit specs: a frame timeline you
// advance by hand (frame n is made when you say so), a layer arbiter, and a cue channel that records
// what was queued, withdrawn and sent. Same contract as the program's (on-air-control.ts), no
// encoder: deterministic, so the specs assert on frames and sections, not on time.
import type {
  CueChannel,
  CueCopySent,
  CueQueueOptions,
  FrameAction,
  FrameTimeline,
  GeneratedLayer,
  GeneratedTextStyle,
  MediaStatus,
  OnAirControl,
  OnAirLayer,
  ProgramLifecycleEvents,
} from '../../src/main/engine/program/on-air-control.ts';
import { ON_AIR_LAYERS } from '../../src/main/engine/program/on-air-control.ts';

const MAX_PTS = 2 ** 33;

export class FakeTimeline implements FrameTimeline {
  frame = -1;
  readonly fps: number;
  readonly gopFrames: number;
  /** PTS of frame 0; null: the encoder has not shown its first PES yet. */
  firstPts: number | null;
  readonly startMs: number;
  readonly #actions = new Map<number, { frame: number; action: FrameAction }>();
  #nextId = 1;
  readonly #listeners = new Set<(frame: number) => void>();
  /** Every action that ran, with its frame, in order. */
  readonly ran: Array<{ frame: number; action: FrameAction }> = [];
  onHold: (frame: number, action: Extract<FrameAction, { kind: 'hold' }>) => void = () => {};
  onCue: (action: Extract<FrameAction, { kind: 'cue' }>) => void = () => {};

  constructor(options: { fps?: number; gopFrames?: number; firstPts?: number | null; startMs?: number } = {}) {
    this.fps = options.fps ?? 30;
    this.gopFrames = options.gopFrames ?? 60;
    this.firstPts = options.firstPts === undefined ? 126_000 : options.firstPts;
    this.startMs = options.startMs ?? Date.UTC(2026, 0, 1, 12, 0, 0);
  }

  at(frame: number, action: FrameAction): number {
    if (frame <= this.frame) throw new Error(`frame ${frame} was already made (last ${this.frame})`);
    const id = this.#nextId++;
    this.#actions.set(id, { frame, action });
    return id;
  }

  cancel(id: number): boolean {
    return this.#actions.delete(id);
  }

  onFrame(listener: (frame: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  wallTimeOf(frame: number): number {
    return this.startMs + (frame * 1000) / this.fps;
  }

  frameAt(ms: number): number {
    return Math.floor(((ms - this.startMs) * this.fps) / 1000);
  }

  idrAtOrAfter(frame: number): number {
    return Math.ceil(frame / this.gopFrames) * this.gopFrames;
  }

  ptsOfFrame(frame: number): number | null {
    if (this.firstPts === null) return null;
    return (this.firstPts + Math.round((frame * 90_000) / this.fps)) % MAX_PTS;
  }

  /** Actions still scheduled, in frame order. */
  pending(): Array<{ id: number; frame: number; action: FrameAction }> {
    return [...this.#actions].map(([id, a]) => ({ id, ...a })).sort((a, b) => a.frame - b.frame || a.id - b.id);
  }

  /** Makes the next `count` frames: each runs its actions (in the order given), then the listeners. */
  advance(count = 1): void {
    for (let i = 0; i < count; i++) {
      const frame = this.frame + 1;
      // As the program's timeline: an action asked for this frame while its actions run, runs in it too.
      for (;;) {
        const next = this.pending().find((a) => a.frame <= frame);
        if (!next) break;
        const { id, action } = next;
        this.#actions.delete(id);
        this.ran.push({ frame, action });
        if (action.kind === 'hold') this.onHold(frame, action);
        else if (action.kind === 'cue') this.onCue(action);
        else if (action.kind === 'call') action.run(frame);
      }
      this.frame = frame;
      for (const listener of [...this.#listeners]) listener(frame);
    }
  }

  /** Advances until frame `frame` is made. */
  advanceTo(frame: number): void {
    if (frame > this.frame) this.advance(frame - this.frame);
  }
}

export interface QueuedCue {
  id: number;
  section: Uint8Array;
  options: CueQueueOptions | undefined;
  withdrawn: boolean;
}

export class FakeCueChannel implements CueChannel {
  readonly pid = 500;
  readonly queued: QueuedCue[] = [];
  readonly sent: CueCopySent[] = [];
  heartbeatSeconds: number | null = null;
  /** Send a first copy of each section as it is queued (the injector's "at once" when its time has come). */
  sendOnQueue = true;
  #nextId = 1;
  readonly #listeners = new Set<(sent: CueCopySent) => void>();

  queue(section: Uint8Array, options?: CueQueueOptions): number {
    const id = this.#nextId++;
    this.queued.push({ id, section, options, withdrawn: false });
    if (this.sendOnQueue) this.send(id);
    return id;
  }

  withdraw(id: number): boolean {
    const entry = this.queued.find((q) => q.id === id);
    if (!entry || entry.withdrawn) return false;
    entry.withdrawn = true;
    return true;
  }

  setHeartbeat(seconds: number | null): void {
    this.heartbeatSeconds = seconds;
  }

  onSent(listener: (sent: CueCopySent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reports one more copy of queued section `id` as sent. */
  send(id: number): void {
    const entry = this.queued.find((q) => q.id === id);
    if (!entry) throw new Error(`no queued section ${id}`);
    const copy = this.sent.filter((s) => s.id === id).length + 1;
    const sent: CueCopySent = { id, section: entry.section, copy, clockPts: 0, splicePts: null };
    this.sent.push(sent);
    for (const listener of [...this.#listeners]) listener(sent);
  }

  /** The sections queued and not withdrawn. */
  live(): QueuedCue[] {
    return this.queued.filter((q) => !q.withdrawn);
  }
}

export class FakeOnAirControl implements OnAirControl {
  readonly timeline: FakeTimeline;
  readonly cues = new FakeCueChannel();
  readonly #holds = new Map<OnAirLayer, string | null>();
  readonly texts = new Map<string, { text: string; style: GeneratedTextStyle }>();
  readonly generatedScenes = new Map<string, { layers: GeneratedLayer[]; overBelow: boolean }>();
  /** What aired at each frame that changed it: [frame, scene]. */
  readonly airLog: Array<[number, string | null]> = [];

  constructor(options: ConstructorParameters<typeof FakeTimeline>[0] = {}, operatorScene: string | null = '1') {
    this.timeline = new FakeTimeline(options);
    this.#holds.set('operator', operatorScene);
    this.timeline.onHold = (frame, action) => {
      const before = this.onAirScene();
      this.#holds.set(action.layer, action.sceneId);
      const after = this.onAirScene();
      if (after !== before) this.airLog.push([frame, after]);
    };
    this.timeline.onCue = (action) => this.cues.queue(action.section, action.options);
  }

  holding(layer: OnAirLayer): string | null {
    return this.#holds.get(layer) ?? null;
  }

  onAirScene(): string | null {
    for (const layer of ON_AIR_LAYERS) {
      const scene = this.#holds.get(layer);
      if (scene !== null && scene !== undefined) return scene;
    }
    return null;
  }

  async setGeneratedText(sourceId: string, text: string, style: GeneratedTextStyle): Promise<void> {
    this.texts.set(sourceId, { text, style });
  }

  setGeneratedScene(sceneId: string, layers: GeneratedLayer[], options?: { overBelow?: boolean }): void {
    this.generatedScenes.set(sceneId, { layers, overBelow: options?.overBelow ?? false });
  }

  async removeGenerated(id: string): Promise<void> {
    this.texts.delete(id);
    this.generatedScenes.delete(id);
  }

  /** The playout's media sources: id → what was asked, its gain, and the status a spec sets. */
  readonly media = new Map<string, { path: string; startSeconds: number; gainDb: number; status: MediaStatus }>();

  async addPausedMedia(sourceId: string, media: { path: string; startSeconds: number }): Promise<void> {
    this.media.set(sourceId, {
      ...media,
      gainDb: 0,
      status: { state: 'running', reason: undefined, framesDecoded: 3, restarts: 0, queuedFrames: 3, queuedAudioSamples: 4800 },
    });
  }

  async removeSource(sourceId: string): Promise<boolean> {
    return this.media.delete(sourceId);
  }

  setAudio(sourceId: string, gainDb: number): void {
    const entry = this.media.get(sourceId);
    if (entry) entry.gainDb = gainDb;
  }

  mediaStatus(sourceId: string): MediaStatus | undefined {
    return this.media.get(sourceId)?.status;
  }
}

export class FakeLifecycle implements ProgramLifecycleEvents {
  control: OnAirControl | null = null;
  readonly #started = new Set<(control: OnAirControl) => void>();
  readonly #stopping = new Set<(control: OnAirControl) => Promise<void>>();
  readonly #stopped = new Set<() => void>();

  onStarted(listener: (control: OnAirControl) => void): () => void {
    this.#started.add(listener);
    return () => this.#started.delete(listener);
  }
  onStopping(listener: (control: OnAirControl) => Promise<void>): () => void {
    this.#stopping.add(listener);
    return () => this.#stopping.delete(listener);
  }
  onStopped(listener: () => void): () => void {
    this.#stopped.add(listener);
    return () => this.#stopped.delete(listener);
  }

  start(control: OnAirControl): void {
    this.control = control;
    for (const listener of [...this.#started]) listener(control);
  }

  /** Runs the stopping listeners (awaited, as the host does), then the stopped ones. */
  async stop(): Promise<void> {
    const control = this.control;
    if (control) await Promise.all([...this.#stopping].map((listener) => listener(control)));
    this.control = null;
    for (const listener of [...this.#stopped]) listener();
  }
}
