// The program's decoding sources: RTMP inputs, media files and test patterns. Each one's decoder
// reads its frames straight into its compositor input; once per tick its PCM moves into its mixer
// input; and an RTMP input that freezes (or never came) gives way to its slate until its picture
// is back.
import type { AudioMixer, AudioSourceInput } from '../audio/index.ts';
import { rasterizeText, type Compositor, type VideoSourceInput } from '../compositor/index.ts';
import type { LiveInputProvider } from '../ingest/types.ts';
import type { Logger } from '../log.ts';
import { AUDIO_BYTES_PER_SAMPLE, type FrameRate } from '../media.ts';
import { DecoderSource, type SourceStatus } from '../sources/decoder-source.ts';
import type { SourceSpec } from './program.ts';
import { placeStatic, rasterizeFor } from './static-images.ts';

export type DecodedSourceSpec = Extract<SourceSpec, { kind: 'rtmp' | 'media' | 'test_pattern' }>;

/** Default wait before a frozen live source gives way to its slate: two seconds of frames. */
const DEFAULT_FALLBACK_SECONDS = 2;

export interface DecodedSourcesOptions {
  compositor: Compositor;
  mixer: AudioMixer;
  frameRate: FrameRate;
  /** The most PCM samples one tick takes (the mixer's frame size). */
  maxSamplesPerFrame: number;
  ffmpegPath: string;
  logger: Logger;
  /** The RTMP ingest, for 'rtmp' sources. */
  live?: LiveInputProvider;
  onSourceStatus?: (status: SourceStatus) => void;
  /** A source's slate went on or off air: scenes showing that source must be redrawn. */
  onFallbackChange: (sourceId: string) => void;
}

interface DecodedSource {
  spec: DecodedSourceSpec;
  decoder: DecoderSource;
  video: VideoSourceInput;
  audio: AudioSourceInput;
  fallbackId: string | null;
  fallbackAfterFrames: number;
  showingFallback: boolean;
  unsubscribe: () => void;
}

export class DecodedSources {
  readonly #options: DecodedSourcesOptions;
  readonly #log: Logger;
  readonly #sources = new Map<string, DecodedSource>();
  /** One tick's worth of PCM on its way from a decoder to the mixer, allocated once. */
  readonly #pcm: Uint8Array;

  constructor(options: DecodedSourcesOptions) {
    this.#options = options;
    this.#log = options.logger;
    this.#pcm = new Uint8Array(options.maxSamplesPerFrame * 4 * AUDIO_BYTES_PER_SAMPLE);
  }

  has(id: string): boolean {
    return this.#sources.has(id);
  }

  ids(): string[] {
    return [...this.#sources.keys()];
  }

  async add(spec: DecodedSourceSpec): Promise<void> {
    const { compositor, mixer } = this.#options;
    const { width, height } = spec;
    const input =
      spec.kind === 'rtmp'
        ? ({ kind: 'rtmp', streamKeyId: spec.streamKeyId } as const)
        : spec.kind === 'media'
          ? ({ kind: 'file', path: spec.path, loop: spec.loop ?? false, startSeconds: spec.startSeconds ?? 0 } as const)
          : ({ kind: 'testPattern', toneHz: spec.toneHz ?? 1000 } as const);
    let fallbackId: string | null = null;
    if (spec.kind === 'rtmp') {
      const slate = spec.fallback ?? { text: 'Stand by' };
      fallbackId = `${spec.id}#fallback`;
      const image = await rasterizeFor(spec.id, () => rasterizeText(slate.text, width, height, { background: slate.background ?? '#101820', ...slate.style }));
      placeStatic(compositor, fallbackId, image);
    }
    // The decoder reads its frames straight into the compositor's input pool: a live feed drops its
    // oldest frame when it runs ahead (latency stays put), a file waits for the clock.
    let video: VideoSourceInput;
    let decoder: DecoderSource;
    try {
      video = compositor.openVideoInput(spec.id, { width, height, whenFull: spec.kind === 'rtmp' ? 'drop-oldest' : 'pause' });
      decoder = new DecoderSource({
        id: spec.id,
        input,
        format: { width, height, rate: this.#options.frameRate },
        ffmpegPath: this.#options.ffmpegPath,
        logger: this.#log.child(`source ${spec.id}`),
        video,
        ...(this.#options.live ? { live: this.#options.live } : {}),
      });
    } catch (error) {
      // Refused (e.g. an RTMP source with no ingest): its input and slate must not keep their frame memory.
      compositor.removeSource(spec.id);
      if (fallbackId) compositor.removeSource(fallbackId);
      throw error;
    }
    // A file's sound stays on the program's clock with its picture; a live feed keeps its jitter cushion.
    const audio = mixer.addSource(spec.id, { makeUpUnderruns: spec.kind === 'media' });
    const unsubscribe = decoder.onStatus((status) => this.#options.onSourceStatus?.(status));
    const fps = this.#options.frameRate.num / this.#options.frameRate.den;
    const fallbackAfterFrames = spec.kind === 'rtmp' ? (spec.fallbackAfterFrames ?? Math.round(DEFAULT_FALLBACK_SECONDS * fps)) : 0;
    const source: DecodedSource = { spec, decoder, video, audio, fallbackId, fallbackAfterFrames, showingFallback: false, unsubscribe };
    this.#sources.set(spec.id, source);
    void decoder.start();
    if (fallbackId) this.#setFallback(source, true);
  }

  /** Stops the decoder first, then frees its input: its pool is never reused under a write. */
  async remove(id: string): Promise<boolean> {
    const source = this.#sources.get(id);
    if (!source) return false;
    this.#sources.delete(id);
    source.unsubscribe();
    await source.decoder.stop();
    this.#options.compositor.removeSource(id);
    this.#options.mixer.removeSource(id);
    if (source.fallbackId) this.#options.compositor.removeSource(source.fallbackId);
    return true;
  }

  /** Gain and mute of a source's audio in the mix; false when there is no such source. */
  setAudio(id: string, gainDb: number, muted: boolean): boolean {
    if (!this.#sources.has(id)) return false;
    this.#options.mixer.setGain(id, gainDb);
    this.#options.mixer.setMuted(id, muted);
    return true;
  }

  statuses(): SourceStatus[] {
    return [...this.#sources.values()].map((source) => source.decoder.status);
  }

  status(id: string): SourceStatus | undefined {
    return this.#sources.get(id)?.decoder.status;
  }

  /** Decoded frames waiting for the clock in a source's buffer (0 when there is no such source). */
  queuedFrames(id: string): number {
    return this.#sources.get(id)?.video.queuedFrames ?? 0;
  }

  /** Decoded audio sample frames waiting: in the decoder's FIFO and in the source's mixer input. */
  queuedAudioSamples(id: string): number {
    const source = this.#sources.get(id);
    return source ? source.decoder.audio.availableSamples + source.audio.buffered : 0;
  }

  /** The source a layer naming `sourceId` shows now: its slate while that input is frozen. */
  onAir(sourceId: string): string {
    const source = this.#sources.get(sourceId);
    return source?.showingFallback && source.fallbackId ? source.fallbackId : sourceId;
  }

  /**
   * Once per tick: moves each decoder's PCM into the mixer, at most what its mixer input has room
   * for, and puts slates on or off air. (Frames need no moving: decoders write them in place.)
   */
  tick(): void {
    const pcm = this.#pcm;
    for (const source of this.#sources.values()) {
      const want = Math.min(source.audio.space(), pcm.length / AUDIO_BYTES_PER_SAMPLE);
      if (want > 0) {
        const got = source.decoder.audio.read(pcm, want);
        if (got > 0) source.audio.write(pcm, got * AUDIO_BYTES_PER_SAMPLE);
      }
      if (!source.fallbackId) continue;
      const frozen = source.video.current < 0 || source.video.consecutiveRepeats >= source.fallbackAfterFrames;
      if (frozen !== source.showingFallback) this.#setFallback(source, frozen);
    }
  }

  #setFallback(source: DecodedSource, on: boolean): void {
    source.showingFallback = on;
    this.#log.info(on ? `source ${source.spec.id}: no picture, its slate is on air` : `source ${source.spec.id}: picture back`);
    this.#options.onFallbackChange(source.spec.id);
  }
}
