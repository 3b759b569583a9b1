// What the program offers those who act on air at a frame: the cue deck, the emergency alert,
// and (next) the playout. The program implements these; nobody reaches into its parts.
//
// Frame n is the master time (program.ts): its PTS is firstPts + n·90000·den/num and it is an IDR
// when n mod G = 0. Everything here is in frames; wall time and PTS are derived from them.
import type { Transition } from '../compositor/index.ts';

/**
 * Who wants what on air, highest priority first. At frame n the program shows the highest layer
 * that holds a scene; when that layer lets go, the program goes back to what the layer below holds
 * then. Only the operator's choices are the "on-air scene" the studio saves.
 */
export const ON_AIR_LAYERS = ['alert', 'break', 'playout', 'operator'] as const;
export type OnAirLayer = (typeof ON_AIR_LAYERS)[number];

export type FrameAction =
  /** From this frame the layer holds `sceneId` (null: lets go). The transition applies when it becomes what airs. */
  | { kind: 'hold'; layer: OnAirLayer; sceneId: string | null; transition?: Transition }
  /** A splice_info_section queued on the cue channel when this frame is made. */
  | { kind: 'cue'; section: Uint8Array; options?: CueQueueOptions }
  | { kind: 'pause'; sourceId: string }
  | { kind: 'resume'; sourceId: string }
  /** Runs when this frame is made, before it is composed (state changes of a deck, an alert). */
  | { kind: 'call'; run: (frame: number) => void };

export interface FrameTimeline {
  /** The last frame made, −1 before the first. */
  readonly frame: number;
  /** Runs `action` when frame `frame` is made (before it is composed). A frame already made is refused. Returns an id. */
  at(frame: number, action: FrameAction): number;
  /** Takes back an action not yet run; false when it ran or never was. */
  cancel(id: number): boolean;
  /** Called for every frame made (after its actions ran); returns the unsubscribe. */
  onFrame(listener: (frame: number) => void): () => void;
  /** Wall time (ms since the epoch) when frame n is (or was) made, from the clock's start and rate. */
  wallTimeOf(frame: number): number;
  /** The frame being made at wall time `ms`. */
  frameAt(ms: number): number;
  /** Frames per second (num/den). */
  readonly fps: number;
  readonly gopFrames: number;
  /** The first IDR frame at or after `frame`. */
  idrAtOrAfter(frame: number): number;
  /** The PTS frame n has in the outgoing TS; null until the encoder's first PES is seen. */
  ptsOfFrame(frame: number): number | null;
}

export interface CueQueueOptions {
  /** Seconds before its splice that a timed section is first sent; default the channel's (4). */
  prerollSeconds?: number;
  /**
   * For a section without a splice time (e.g. a splice_event_cancel): repeat it every repeat
   * interval until the video clock reaches this PTS (33-bit, 90 kHz). Without it: sent once.
   */
  repeatUntilPts?: number;
}

/** One copy of a section that went out, as the cue channel reports it. */
export interface CueCopySent {
  /** The id queue() gave; −1 for a heartbeat. */
  id: number;
  section: Uint8Array;
  copy: number;
  /** Video clock (PTS) when it went out. */
  clockPts: number;
  splicePts: number | null;
}

/** The program's SCTE-35 PID: every section goes through here, the deck's and scte35.inject's. */
export interface CueChannel {
  /** Queues a section (CRC included); returns its id. Throws a refusal naming what is wrong. */
  queue(section: Uint8Array, options?: CueQueueOptions): number;
  /** Stops a queued section from going out again (its copies sent stay sent). False if done or unknown. */
  withdraw(id: number): boolean;
  /** splice_null every `seconds` of video time; null stops it. */
  setHeartbeat(seconds: number | null): void;
  /** Every copy sent; returns the unsubscribe. */
  onSent(listener: (sent: CueCopySent) => void): () => void;
  /** The PID, −1 until the first PMT. */
  readonly pid: number;
}

/** The running program as the deck, the alert and the playout see it. */
export interface OnAirControl {
  readonly timeline: FrameTimeline;
  readonly cues: CueChannel;
  /** What each layer holds now, and what airs (the highest holding layer's scene). */
  holding(layer: OnAirLayer): string | null;
  onAirScene(): string | null;
  /**
   * Scenes that are not the creator's (the deck's slate, the alert's card): made of sources given
   * here, shown only through a layer. Replacing a source keeps it on air until the new picture is ready.
   */
  setGeneratedText(sourceId: string, text: string, style: GeneratedTextStyle): Promise<void>;
  /**
   * With `overBelow`, the scene is an overlay (a crawl): it airs drawn over whatever the layers
   * below it would air, and follows it when that changes.
   */
  setGeneratedScene(sceneId: string, layers: GeneratedLayer[], options?: { overBelow?: boolean }): void;
  removeGenerated(id: string): Promise<void>;
  /**
   * The playout's media: `path` decoded from `startSeconds` (an accurate seek) at the program's size
   * into source `sourceId`, paused: its first frame waits in the source's buffer (pre-roll) until a
   * `resume` action at its frame, and the decoder, paced by back-pressure, waits with it.
   */
  addPausedMedia(sourceId: string, media: { path: string; startSeconds: number }): Promise<void>;
  /** Stops a source's decoder and frees it (false when there is none). */
  removeSource(sourceId: string): Promise<boolean>;
  /** Gain and mute of a decoding source's audio in the mix. */
  setAudio(sourceId: string, gainDb: number, muted: boolean): void;
  /** A playout source's decoder: its state (and why it failed or ended), frames decoded, frames waiting in its buffer. */
  mediaStatus(sourceId: string): MediaStatus | undefined;
}

export interface MediaStatus {
  state: 'idle' | 'waiting' | 'starting' | 'running' | 'backoff' | 'ended' | 'failed' | 'stopped';
  reason: string | undefined;
  framesDecoded: number;
  /** Times its decoder died and was started again (from its first seek point). */
  restarts: number;
  /** Decoded frames waiting for the clock: a paused (pre-rolled) source's first frame is the head. */
  queuedFrames: number;
  /** Decoded audio (sample frames, 48 kHz) waiting for the mix: a frame's worth or more goes with the first frame. */
  queuedAudioSamples: number;
}

export interface GeneratedTextStyle {
  width: number;
  height: number;
  fontSize: number;
  color: string;
  background: string;
}

export interface GeneratedLayer {
  sourceId: string;
  x: number;
  y: number;
  opacity?: number;
}

/**
 * The program's life as the host tells it, so the deck and the alert never reach through a
 * nullable program. Each listener returns its unsubscribe.
 */
export interface ProgramLifecycleEvents {
  /** The program started and makes frames; `control` is valid until stopped. */
  onStarted(listener: (control: OnAirControl) => void): () => void;
  /**
   * Runs before the encoder stops, inside the stop, awaited (bounded by the host): a break on air
   * sends its return here, on an IDR the encoder still makes.
   */
  onStopping(listener: (control: OnAirControl) => Promise<void>): () => void;
  onStopped(listener: () => void): () => void;
  /** The control of the running program, or null. */
  readonly control: OnAirControl | null;
}
