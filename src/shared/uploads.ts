// Files a browser uploads into the studio's data dir (`POST /api/v1/uploads?kind=…&name=…`), for
// image and media sources. Constants and pure checks only: the server and the renderer share them.

export const UPLOAD_KINDS = ['image', 'media'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

const MIB = 1024 * 1024;
/** The largest body each kind may have; a bigger one is answered 413 naming the limit. */
export const UPLOAD_LIMIT_BYTES: Record<UploadKind, number> = { image: 50 * MIB, media: 2 * 1024 * MIB };

/** "50 MiB", "2 GiB": how the limits are named to people. */
export function formatLimit(bytes: number): string {
  const gib = bytes / (1024 * MIB);
  if (Number.isInteger(gib)) return `${gib} GiB`;
  return `${Math.round(bytes / MIB)} MiB`;
}

/** What the endpoint answers (201). `path` is what a source's config.path takes. */
export interface UploadResult {
  kind: UploadKind;
  path: string;
  /** The stored file's name inside `<dataDir>/uploads/`. */
  fileName: string;
  bytes: number;
  /** For images, the format the content was (not what the name said). */
  format: string | null;
}

export function isUploadKind(value: string | null): value is UploadKind {
  return value !== null && (UPLOAD_KINDS as readonly string[]).includes(value);
}

const MAX_NAME_STEM = 60;

/**
 * A file name that keeps what a person recognises of the name they uploaded and nothing a file
 * system or FFmpeg could read as a path, an option or a protocol: the last path segment only,
 * letters, digits, '.', '_' and '-', never leading with '.' or '-', at most 60 characters before
 * the extension. The caller adds a unique prefix, so two uploads never share a name.
 */
export function safeUploadStem(original: string): { stem: string; extension: string } {
  const lastSegment = original.split(/[\\/]/).pop() ?? '';
  const cleaned = lastSegment
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[._-]+/, '');
  const dot = cleaned.lastIndexOf('.');
  const rawStem = dot > 0 ? cleaned.slice(0, dot) : cleaned;
  const rawExtension = dot > 0 ? cleaned.slice(dot + 1).toLowerCase() : '';
  const stem = rawStem.replace(/[._-]+$/, '').slice(0, MAX_NAME_STEM) || 'upload';
  const extension = /^[a-z0-9]{1,8}$/.test(rawExtension) ? rawExtension : '';
  return { stem, extension };
}

/** Image formats the rasterizer takes, told by their first bytes (never by the name). */
export type ImageFormat = 'png' | 'jpeg' | 'webp';
export const IMAGE_EXTENSION: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

/** The smallest head that tells every format apart (WebP needs 12 bytes). */
export const IMAGE_SNIFF_BYTES = 12;

/**
 * PNG: 89 50 4E 47 0D 0A 1A 0A (PNG spec §5.2). JPEG: FF D8 FF (SOI then a marker, ITU T.81 B.1.1.2).
 * WebP: "RIFF" <size> "WEBP" (RIFF container, WebP container spec).
 */
export function sniffImageFormat(head: Uint8Array): ImageFormat | null {
  const starts = (bytes: number[], at = 0) => bytes.every((byte, i) => head[at + i] === byte);
  if (head.length >= 8 && starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (head.length >= 3 && starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (head.length >= 12 && starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return null;
}
