// An output's settings as the edit form holds them, and the outputs.update arguments they make.
// Secrets are never in the draft from the engine (it sends only passphraseSet / streamKeySet):
// an empty secret field means "keep the stored one" (keepSecret), unless the form says remove.
import type { HlsMarkerStyle, OutputSettingsEditInput, PublicOutputSettings } from '../../../../shared/outputs.ts';

export interface OutputDraft {
  kind: PublicOutputSettings['kind'];
  name: string;
  url: string;
  mode: 'caller' | 'listener';
  latencyMs: string;
  /** Typed only; empty = keep. */
  secret: string;
  /** Whether the stored output has a secret (shown as "set", never its value). */
  secretSet: boolean;
  /** SRT only: remove the passphrase (no encryption). */
  removeSecret: boolean;
  pbkeylen: '' | '16' | '24' | '32';
  streamId: string;
  folder: string;
  segmentSeconds: string;
  listSize: string;
  markers: HlsMarkerStyle[];
  fileNamePattern: string;
  rotateMinutes: string;
}

const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));

export function draftFromOutput(name: string, settings: PublicOutputSettings): OutputDraft {
  return {
    kind: settings.kind,
    name,
    url: settings.kind === 'srt' || settings.kind === 'rtmp' ? settings.url : '',
    mode: settings.kind === 'srt' ? settings.mode : 'caller',
    latencyMs: settings.kind === 'srt' ? String(settings.latencyMs) : '120',
    secret: '',
    secretSet: settings.kind === 'srt' ? settings.passphraseSet : settings.kind === 'rtmp' ? settings.streamKeySet : false,
    removeSecret: false,
    pbkeylen: settings.kind === 'srt' && settings.pbkeylen ? (String(settings.pbkeylen) as OutputDraft['pbkeylen']) : '',
    streamId: settings.kind === 'srt' ? (settings.streamId ?? '') : '',
    folder: settings.kind === 'recording' || settings.kind === 'hls' ? (settings.folder ?? '') : '',
    segmentSeconds: settings.kind === 'hls' ? String(settings.segmentSeconds) : '4',
    listSize: settings.kind === 'hls' ? String(settings.listSize) : '6',
    markers: settings.kind === 'hls' ? [...settings.markers] : ['cue'],
    fileNamePattern: settings.kind === 'recording' ? settings.fileNamePattern : '',
    rotateMinutes: settings.kind === 'recording' && settings.rotateMinutes !== undefined ? String(settings.rotateMinutes) : '',
  };
}

/** outputs.update's settings and keepSecret for a draft. */
export function editFromDraft(draft: OutputDraft): { settings: OutputSettingsEditInput; keepSecret: boolean } {
  const name = draft.name.trim();
  const secret = draft.secret;
  const keepSecret = secret === '' && !draft.removeSecret;
  switch (draft.kind) {
    case 'srt':
      return {
        keepSecret,
        settings: {
          kind: 'srt',
          name,
          url: draft.url.trim(),
          mode: draft.mode,
          latencyMs: num(draft.latencyMs),
          ...(secret !== '' && !draft.removeSecret ? { passphrase: secret } : {}),
          ...(draft.pbkeylen && !draft.removeSecret ? { pbkeylen: Number(draft.pbkeylen) as 16 | 24 | 32 } : {}),
          ...(draft.streamId !== '' ? { streamId: draft.streamId } : {}),
        },
      };
    case 'rtmp':
      return { keepSecret, settings: { kind: 'rtmp', name, url: draft.url.trim(), ...(secret !== '' ? { streamKey: secret } : {}) } };
    case 'hls':
      return {
        keepSecret: false,
        settings: {
          kind: 'hls',
          name,
          ...(draft.folder.trim() !== '' ? { folder: draft.folder.trim() } : {}),
          segmentSeconds: num(draft.segmentSeconds),
          listSize: num(draft.listSize),
          markers: [...new Set(draft.markers)],
        },
      };
    case 'recording':
      return {
        keepSecret: false,
        settings: {
          kind: 'recording',
          name,
          folder: draft.folder.trim(),
          fileNamePattern: draft.fileNamePattern.trim(),
          ...(draft.rotateMinutes.trim() !== '' ? { rotateMinutes: num(draft.rotateMinutes) } : {}),
        },
      };
  }
}
