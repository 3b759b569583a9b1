// The picture monitors' wire format (program monitor and scene picture): one binary WebSocket
// message per frame, a fixed little-endian header and then the frame as I420 (Y, U, V planes,
// tightly packed, BT.709 limited range, as the compositor makes it). Imported by the engine and
// the renderer alike, so both sides read the same offsets.

/** The program monitor: composed program frames, before encoding. */
export const PROGRAM_MONITOR_PATH = '/api/v1/monitor/program';
/** A scene's picture: `?scene=<id>`, rendered even when the scene is not on air. */
export const SCENE_MONITOR_PATH = '/api/v1/monitor/scene';

/** "PMON" as a little-endian u32. */
export const MONITOR_MAGIC = 0x4e4f4d50;
export const MONITOR_VERSION = 1;
export const MONITOR_HEADER_BYTES = 32;

export const MONITOR_KIND_PROGRAM = 0;
export const MONITOR_KIND_SCENE = 1;

/**
 * Header fields:
 *   0 u32 magic, 4 u16 version, 6 u16 kind, 8 u16 width, 10 u16 height,
 *   12 u32 frame index (mod 2^32), 16 f64 composedAtMs (Unix epoch, ms, sub-ms precision:
 *   performance.timeOrigin + performance.now() in the engine), 24 u32 frames this feed dropped
 *   for want of a free buffer, 28 u32 reserved.
 */
export interface MonitorFrameHeader {
  kind: number;
  width: number;
  height: number;
  frameIndex: number;
  composedAtMs: number;
  dropped: number;
}

/** I420 bytes of a width × height frame (both even). */
export const i420Bytes = (width: number, height: number): number => width * height + 2 * (width / 2) * (height / 2);

/** Writes the header into `view` (at least MONITOR_HEADER_BYTES long); no allocation. */
export function writeMonitorHeader(view: DataView, header: MonitorFrameHeader): void {
  view.setUint32(0, MONITOR_MAGIC, true);
  view.setUint16(4, MONITOR_VERSION, true);
  view.setUint16(6, header.kind, true);
  view.setUint16(8, header.width, true);
  view.setUint16(10, header.height, true);
  view.setUint32(12, header.frameIndex >>> 0, true);
  view.setFloat64(16, header.composedAtMs, true);
  view.setUint32(24, header.dropped >>> 0, true);
  view.setUint32(28, 0, true);
}

/** The header of a received message, or null when it is not a monitor frame of this version or its size does not match. */
export function readMonitorHeader(view: DataView): MonitorFrameHeader | null {
  if (view.byteLength < MONITOR_HEADER_BYTES) return null;
  if (view.getUint32(0, true) !== MONITOR_MAGIC || view.getUint16(4, true) !== MONITOR_VERSION) return null;
  const width = view.getUint16(8, true);
  const height = view.getUint16(10, true);
  if (width < 2 || height < 2 || width % 2 !== 0 || height % 2 !== 0) return null;
  if (view.byteLength !== MONITOR_HEADER_BYTES + i420Bytes(width, height)) return null;
  return {
    kind: view.getUint16(6, true),
    width,
    height,
    frameIndex: view.getUint32(12, true),
    composedAtMs: view.getFloat64(16, true),
    dropped: view.getUint32(24, true),
  };
}

/**
 * The monitor's size for a program of width × height: fits within maxWidth × maxHeight with the
 * program's aspect, both even (4:2:0), never larger than the program itself.
 */
export function monitorSize(width: number, height: number, maxWidth = 640, maxHeight = 360): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  const even = (value: number): number => Math.max(2, Math.floor(value / 2) * 2);
  return { width: even(width * scale), height: even(height * scale) };
}

/**
 * Whether frame n of a program at `programFps` is one the monitor sends at `monitorFps`: the
 * frames where floor(n · monitorFps / programFps) steps, so 30 → 15 sends every other frame and
 * 29.97 → 15 keeps an even cadence. Every frame when the program is not faster than the monitor.
 */
export function isMonitorFrame(n: number, programFps: number, monitorFps: number): boolean {
  if (programFps <= monitorFps) return true;
  if (n <= 0) return true;
  return Math.floor((n * monitorFps) / programFps) !== Math.floor(((n - 1) * monitorFps) / programFps);
}

/**
 * One BT.709 limited-range I420 frame to RGBA (the canvas fallback when WebGL is not there; the
 * WebGL path does the same sum in its shader). `rgba` is width·height·4 bytes.
 */
export function i420ToRgba(i420: Uint8Array, width: number, height: number, rgba: Uint8ClampedArray | Uint8Array): void {
  const chromaWidth = width >> 1;
  const uOffset = width * height;
  const vOffset = uOffset + chromaWidth * (height >> 1);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const chromaRow = (y >> 1) * chromaWidth;
    for (let x = 0; x < width; x++) {
      const c = 1.164383 * (i420[row + x]! - 16);
      const u = i420[uOffset + chromaRow + (x >> 1)]! - 128;
      const v = i420[vOffset + chromaRow + (x >> 1)]! - 128;
      // BT.709 limited range: the inverse of color.ts's matrix.
      const r = c + 1.792741 * v;
      const g = c - 0.213249 * u - 0.532909 * v;
      const b = c + 2.112402 * u;
      rgba[o] = r < 0 ? 0 : r > 255 ? 255 : r + 0.5;
      rgba[o + 1] = g < 0 ? 0 : g > 255 ? 255 : g + 0.5;
      rgba[o + 2] = b < 0 ? 0 : b > 255 ? 255 : b + 0.5;
      rgba[o + 3] = 255;
      o += 4;
    }
  }
}

/**
 * In the desktop app, the same frames come over Electron IPC instead of a WebSocket (the page is
 * not served over HTTP there): the preload exposes this as `window.studioMonitor`. Each frame is
 * acknowledged once handed to the page, so the engine keeps at most a couple in flight per
 * viewer and drops the rest for a page that does not keep up, as for a slow WebSocket.
 */
export interface MonitorBridge {
  /** Opens the monitor at `path` (a monitor path with its query); returns its close function. */
  open(path: string, onFrame: (message: ArrayBuffer) => void): () => void;
}

export const MONITOR_IPC = {
  open: 'studio:monitor:open',
  frame: 'studio:monitor:frame',
  ack: 'studio:monitor:ack',
  close: 'studio:monitor:close',
} as const;
