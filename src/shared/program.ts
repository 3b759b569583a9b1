// The program's parts as clients see them: format, sources, scenes, switches. Schemas and types
// only (zod), shared by the engine and the renderer.
import { z } from 'zod';

export const rowId = z.number().int('must be a whole number').positive('must be a positive id');

const evenSize = (what: string, max: number) =>
  z
    .number()
    .int(`${what} must be a whole number of pixels`)
    .min(2, `${what} must be at least 2 pixels`)
    .max(max, `${what} must be at most ${max} pixels`)
    .refine((value) => value % 2 === 0, `${what} must be even (yuv420p halves it for colour)`);

export const frameRates = {
  '23.976': { num: 24000, den: 1001 },
  '24': { num: 24, den: 1 },
  '25': { num: 25, den: 1 },
  '29.97': { num: 30000, den: 1001 },
  '30': { num: 30, den: 1 },
  '50': { num: 50, den: 1 },
  '59.94': { num: 60000, den: 1001 },
  '60': { num: 60, den: 1 },
} as const;
export type FrameRateName = keyof typeof frameRates;

export const programFormatSchema = z
  .object({
    width: evenSize('width', 3840),
    height: evenSize('height', 2160),
    frameRate: z.enum(Object.keys(frameRates) as [FrameRateName, ...FrameRateName[]]),
    videoBitrateKbps: z.number().int().min(300, 'must be at least 300 kbit/s').max(50_000, 'must be at most 50000 kbit/s'),
    gopFrames: z.number().int().min(1, 'must be at least 1 frame').max(600, 'must be at most 600 frames'),
    x264Preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']),
    audioBitrateKbps: z.number().int().min(32).max(512),
    videoEncoder: z.string().min(1).max(40),
  })
  .strict();
export type ProgramFormatSettings = z.infer<typeof programFormatSchema>;

/**
 * A path from a client, before FFmpeg or sharp ever opens it: absolute, no NUL, and not
 * something FFmpeg would read as an option or a protocol (the engine also checks it exists).
 */
export const localFilePath = z
  .string()
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters')
  .refine((value) => !value.includes('\0'), 'must not contain NUL')
  .refine((value) => value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value), 'must be an absolute path to a local file')
  .refine((value) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(value), 'must be a local file, not a URL');

const cssColor = z
  .string()
  .regex(
    /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$|^rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(,\s*(0|1|0?\.\d+)\s*)?\)$/,
    'must be #rrggbb, #rrggbbaa, rgb(...) or rgba(...)',
  );

const MAX_SOURCE_WIDTH = 3840;
const MAX_SOURCE_HEIGHT = 2160;
const size = { width: evenSize('width', MAX_SOURCE_WIDTH), height: evenSize('height', MAX_SOURCE_HEIGHT) };

export const sourceConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rtmp'), streamKeyId: rowId, ...size, slateText: z.string().min(1).max(200).default('Stand by') }).strict(),
  z
    .object({ kind: z.literal('media'), path: localFilePath, loop: z.boolean().default(true), startSeconds: z.number().min(0).max(86_400).default(0), ...size })
    .strict(),
  z.object({ kind: z.literal('test_pattern'), toneHz: z.number().min(20).max(20_000).default(1000), ...size }).strict(),
  z.object({ kind: z.literal('image'), path: localFilePath, ...size }).strict(),
  z.object({ kind: z.literal('color'), color: cssColor, ...size }).strict(),
  z
    .object({
      kind: z.literal('text'),
      text: z.string().min(1, 'must not be empty').max(500),
      fontSize: z.number().int().min(8).max(400).default(48),
      color: cssColor.default('#ffffff'),
      background: cssColor.optional(),
      /** A font family list as CSS writes it; fonts the machine has (fontconfig) are used, others fall back. */
      fontFamily: z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(100, 'must be at most 100 characters')
        .regex(/^[A-Za-z0-9 ,'-]+$/, 'may use only letters, digits, spaces, commas, hyphens and apostrophes')
        .optional(),
      align: z.enum(['left', 'center', 'right'], { error: 'must be left, center or right' }).optional(),
      /** Break long lines at spaces to fit the width. */
      wrap: z.boolean().optional(),
      ...size,
    })
    .strict(),
]);
export type SourceConfig = z.output<typeof sourceConfigSchema>;
export type SourceConfigInput = z.input<typeof sourceConfigSchema>;
export type SourceKind = SourceConfig['kind'];
/** Kinds that carry sound (a decoder with an audio track); images, colours and texts are pictures only. */
export const AUDIO_SOURCE_KINDS: ReadonlySet<SourceKind> = new Set<SourceKind>(['rtmp', 'media', 'test_pattern']);
export function sourceKindHasAudio(kind: SourceKind): boolean {
  return AUDIO_SOURCE_KINDS.has(kind);
}

export const audioSettingsSchema = z.object({ gainDb: z.number().min(-60).max(24).default(0), muted: z.boolean().default(false) }).strict();
export type AudioSettings = z.output<typeof audioSettingsSchema>;

const sourceName = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');

export const sourceCreateArgs = z.object({ name: sourceName, config: sourceConfigSchema, audio: audioSettingsSchema.optional() }).strict();
export const sourceUpdateArgs = z
  .object({ id: rowId, name: sourceName.optional(), config: sourceConfigSchema.optional(), audio: audioSettingsSchema.optional() })
  .strict();

const pixels = z.number().int().min(-7680).max(7680);
const layerSize = z.number().int().min(1).max(7680);
const cropEdge = z.number().int().min(0).max(7680).default(0);

export const layerSchema = z
  .object({
    sourceId: rowId,
    x: pixels.default(0),
    y: pixels.default(0),
    /** The layer's own size on the canvas; omitted = the source's own size. The same source may have
     * different sizes in different scenes: the layer, not the source, owns its rect. */
    width: layerSize.optional(),
    height: layerSize.optional(),
    /** Source pixels cut from each edge; the rest of the source fills the layer's rect. Opposite edges
     * together stay under the source's size (checked here against the largest source, and against
     * the layer's own source when the scene is stored). */
    crop: z
      .object({ top: cropEdge, right: cropEdge, bottom: cropEdge, left: cropEdge })
      .strict()
      .superRefine((crop, ctx) => {
        if (crop.left + crop.right >= MAX_SOURCE_WIDTH)
          ctx.addIssue({ code: 'custom', path: ['right'], message: `left + right must be less than ${MAX_SOURCE_WIDTH} (the widest source)` });
        if (crop.top + crop.bottom >= MAX_SOURCE_HEIGHT)
          ctx.addIssue({ code: 'custom', path: ['bottom'], message: `top + bottom must be less than ${MAX_SOURCE_HEIGHT} (the tallest source)` });
      })
      .optional(),
    opacity: z.number().min(0).max(1).default(1),
    visible: z.boolean().default(true),
    /** Stored and returned for the editor, which refuses to move a locked layer; the engine ignores it.
     * Optional (omitted = unlocked) so layers built in code need not name it; the store always returns it. */
    locked: z.boolean().optional(),
  })
  .strict();
export type LayerSettings = z.output<typeof layerSchema>;

const sceneName = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');
/** Layers bottom first: the first is the base. */
export const sceneCreateArgs = z.object({ name: sceneName, layers: z.array(layerSchema).max(64).default([]) }).strict();
export const sceneUpdateArgs = z.object({ id: rowId, name: sceneName.optional(), layers: z.array(layerSchema).max(64).optional() }).strict();

export const transitionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cut') }).strict(),
  z.object({ kind: z.literal('fade'), frames: z.number().int().min(1).max(600) }).strict(),
  /** OBS's "Fade to Color" in black: out to black over the first half, in over the second. */
  z.object({ kind: z.literal('fadeToBlack'), frames: z.number().int().min(2).max(600) }).strict(),
]);
export type TransitionSettings = z.output<typeof transitionSchema>;

export const switchSceneArgs = z
  .object({
    sceneId: rowId,
    /** The first frame that shows the scene; omitted = the next frame. */
    atFrame: z.number().int().min(0).optional(),
    transition: transitionSchema.default({ kind: 'cut' }),
  })
  .strict();

/** The T-bar: the scene it takes to Program and how far (0 lets go, 1 completes). */
export const tbarArgs = z
  .object({
    sceneId: rowId.nullable(),
    position: z.number().min(0, 'must be 0..1').max(1, 'must be 0..1'),
  })
  .strict();

export interface SourceInfo {
  id: number;
  name: string;
  config: SourceConfig;
  audio: AudioSettings;
  /** Decoding sources while the program runs: what they do, and why not when they don't. */
  state: string | null;
  reason: string | null;
}

export interface SceneInfo {
  id: number;
  name: string;
  layers: LayerSettings[];
}

/** The running program's figures that both its status and its live stats (stats.ts) carry. */
export interface ProgramFigures {
  /** The last frame index made, −1 before the first. */
  frame: number;
  framesComposed: number;
  framesRepeated: number;
  framesDropped: number;
  /** Why frames were not composed in time (each went out as a repeat of the last picture). */
  dropReasons: { skipped: number; busy: number; poolExhausted: number; failed: number };
  /** Encoders started after one died (the program never stops for it). */
  encoderRestarts: number;
  composeMsPerFrame: number;
  encoder: { fps: number | null; speed: number | null; bitrateKbps: number | null };
}

export interface ProgramStatus extends ProgramFigures {
  running: boolean;
  format: ProgramFormatSettings;
  /** The next frames the encoder makes IDRs (splice points). */
  nextIdrFrames: number[];
  /** Their PTS in the outgoing TS (90 kHz, 33-bit); null until the first video PES is out. */
  nextIdrPts: Array<number | null>;
  onAirSceneId: number | null;
  /** Deliveries of the TS to the outputs that held the program a frame or more, and the frames skipped after them. */
  outputStalls: { stalls: number; framesSkipped: number };
  scte35Pid: number | null;
  /** Video encoders this machine can use (hardware ones only after a trial encode). */
  videoEncoders: string[];
}

/** Per channel, dBFS (post-fader). */
export interface MeterReadingInfo {
  peakDbfs: number[];
  rmsDbfs: number[];
}

export interface MetersEvent {
  master: MeterReadingInfo;
  /** By source id. */
  sources: Record<string, MeterReadingInfo>;
}
