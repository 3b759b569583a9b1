// A source's config as the edit form holds it (strings, as typed) and back. Numbers go to the
// engine as typed (NaN for non-numbers), so its refusal names the field and shows next to it.
import type { SourceConfig, SourceConfigInput } from '../../../../shared/program.ts';

export const TEXT_ALIGNMENTS = ['left', 'center', 'right'] as const;
export type TextAlignment = (typeof TEXT_ALIGNMENTS)[number];
/** Families fontconfig resolves on most machines; any other may be typed. */
export const FONT_FAMILIES = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'Liberation Sans', 'Liberation Serif', 'sans-serif', 'serif', 'monospace'];
export const DEFAULT_FONT_FAMILY = 'DejaVu Sans';

export interface SourceDraft {
  kind: SourceConfig['kind'];
  width: string;
  height: string;
  streamKeyId: string;
  slateText: string;
  path: string;
  loop: boolean;
  startSeconds: string;
  toneHz: string;
  color: string;
  text: string;
  fontFamily: string;
  fontSize: string;
  textColor: string;
  backgroundOn: boolean;
  /** #rrggbb, with its opacity apart (the colour input takes no alpha). */
  background: string;
  backgroundOpacity: string;
  align: TextAlignment;
  wrap: boolean;
}

const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));

/** '#rrggbb' and an opacity 0..100 from any colour the schema takes (#rrggbb, #rrggbbaa, rgb(), rgba()). */
export function splitColour(colour: string): { hex: string; opacity: number } {
  const hex = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(colour);
  if (hex) return { hex: `#${hex[1]!.toLowerCase()}`, opacity: hex[2] ? Math.round((parseInt(hex[2], 16) / 255) * 100) : 100 };
  const rgb = /^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(colour);
  if (rgb) {
    const channel = (text: string) => Math.min(255, Number(text)).toString(16).padStart(2, '0');
    return { hex: `#${channel(rgb[1]!)}${channel(rgb[2]!)}${channel(rgb[3]!)}`, opacity: rgb[4] === undefined ? 100 : Math.round(Number(rgb[4]) * 100) };
  }
  return { hex: '#000000', opacity: 100 };
}

/** '#rrggbb' at full opacity, '#rrggbbaa' below it. */
export function joinColour(hex: string, opacity: number): string {
  const clamped = Math.max(0, Math.min(100, Number.isFinite(opacity) ? opacity : 100));
  if (clamped >= 100) return hex.toLowerCase();
  return `${hex.toLowerCase()}${Math.round((clamped / 100) * 255)
    .toString(16)
    .padStart(2, '0')}`;
}

export function draftFromConfig(config: SourceConfig): SourceDraft {
  const background = config.kind === 'text' && config.background ? splitColour(config.background) : { hex: '#000000', opacity: 60 };
  return {
    kind: config.kind,
    width: String(config.width),
    height: String(config.height),
    streamKeyId: config.kind === 'rtmp' ? String(config.streamKeyId) : '',
    slateText: config.kind === 'rtmp' ? config.slateText : 'Stand by',
    path: config.kind === 'media' || config.kind === 'image' ? config.path : '',
    loop: config.kind === 'media' ? config.loop : true,
    startSeconds: config.kind === 'media' ? String(config.startSeconds) : '0',
    toneHz: config.kind === 'test_pattern' ? String(config.toneHz) : '1000',
    color: config.kind === 'color' ? splitColour(config.color).hex : '#202830',
    text: config.kind === 'text' ? config.text : '',
    fontFamily: config.kind === 'text' ? (config.fontFamily ?? DEFAULT_FONT_FAMILY) : DEFAULT_FONT_FAMILY,
    fontSize: config.kind === 'text' ? String(config.fontSize) : '48',
    textColor: config.kind === 'text' ? config.color : '#ffffff',
    backgroundOn: config.kind === 'text' && config.background !== undefined,
    background: background.hex,
    backgroundOpacity: String(background.opacity),
    align: config.kind === 'text' ? (config.align ?? 'left') : 'left',
    wrap: config.kind === 'text' ? config.wrap === true : false,
  };
}

export function configFromDraft(draft: SourceDraft): SourceConfigInput {
  const size = { width: num(draft.width), height: num(draft.height) };
  switch (draft.kind) {
    case 'rtmp':
      return { kind: 'rtmp', streamKeyId: num(draft.streamKeyId), slateText: draft.slateText, ...size };
    case 'media':
      return { kind: 'media', path: draft.path.trim(), loop: draft.loop, startSeconds: num(draft.startSeconds), ...size };
    case 'image':
      return { kind: 'image', path: draft.path.trim(), ...size };
    case 'color':
      return { kind: 'color', color: draft.color, ...size };
    case 'text':
      return {
        kind: 'text',
        text: draft.text,
        fontFamily: draft.fontFamily.trim(),
        fontSize: num(draft.fontSize),
        color: draft.textColor,
        ...(draft.backgroundOn ? { background: joinColour(draft.background, num(draft.backgroundOpacity)) } : {}),
        align: draft.align,
        wrap: draft.wrap,
        ...size,
      };
    case 'test_pattern':
      return { kind: 'test_pattern', toneHz: num(draft.toneHz), ...size };
  }
}
