import { describe, expect, it } from 'vitest';
import {
  MONITOR_HEADER_BYTES,
  MONITOR_KIND_SCENE,
  i420Bytes,
  i420ToRgba,
  isMonitorFrame,
  monitorSize,
  readMonitorHeader,
  writeMonitorHeader,
} from './monitor-frame.ts';

describe('monitor frame header', () => {
  it('reads back what was written', () => {
    const message = new ArrayBuffer(MONITOR_HEADER_BYTES + i420Bytes(640, 360));
    const header = { kind: MONITOR_KIND_SCENE, width: 640, height: 360, frameIndex: 2 ** 32 + 7, composedAtMs: 1_765_000_000_123.456, dropped: 3 };
    writeMonitorHeader(new DataView(message), header);
    expect(readMonitorHeader(new DataView(message))).toEqual({ ...header, frameIndex: 7 });
  });

  it('refuses a message that is not a monitor frame, or whose size does not match its header', () => {
    const message = new ArrayBuffer(MONITOR_HEADER_BYTES + i420Bytes(4, 2));
    expect(readMonitorHeader(new DataView(message))).toBeNull();
    writeMonitorHeader(new DataView(message), { kind: 0, width: 4, height: 2, frameIndex: 0, composedAtMs: 0, dropped: 0 });
    expect(readMonitorHeader(new DataView(message))).not.toBeNull();
    expect(readMonitorHeader(new DataView(message, 0, message.byteLength - 1))).toBeNull();
    writeMonitorHeader(new DataView(message), { kind: 0, width: 3, height: 2, frameIndex: 0, composedAtMs: 0, dropped: 0 });
    expect(readMonitorHeader(new DataView(message))).toBeNull();
    expect(readMonitorHeader(new DataView(new ArrayBuffer(8)))).toBeNull();
  });
});

describe('monitorSize', () => {
  it('fits the program in 640×360 with its aspect, even, never larger than the program', () => {
    expect(monitorSize(1920, 1080)).toEqual({ width: 640, height: 360 });
    expect(monitorSize(1280, 720)).toEqual({ width: 640, height: 360 });
    expect(monitorSize(1080, 1920)).toEqual({ width: 202, height: 360 });
    expect(monitorSize(720, 576)).toEqual({ width: 450, height: 360 });
    expect(monitorSize(320, 180)).toEqual({ width: 320, height: 180 });
  });
});

describe('isMonitorFrame', () => {
  const count = (programFps: number, frames: number): number => {
    let sent = 0;
    for (let n = 0; n < frames; n++) if (isMonitorFrame(n, programFps, 15)) sent++;
    return sent;
  };
  it('keeps 15 of each second of program frames, evenly', () => {
    expect(count(30, 300)).toBe(150);
    expect(count(60, 600)).toBe(150);
    expect(count(30000 / 1001, 2997)).toBe(1500);
    expect([0, 1, 2, 3].map((n) => isMonitorFrame(n, 30, 15))).toEqual([true, false, true, false]);
  });
  it('sends every frame of a program no faster than the monitor', () => {
    expect(count(15, 100)).toBe(100);
    expect(count(10, 100)).toBe(100);
  });
});

describe('i420ToRgba', () => {
  it('inverts BT.709 limited range: the colours the compositor makes come back', () => {
    // 2×2 frames of one colour each: Y, U, V as color.ts gives them.
    const cases: Array<[number, number, number, [number, number, number]]> = [
      [63, 102, 240, [255, 0, 0]],
      [173, 42, 26, [0, 255, 0]],
      [32, 240, 118, [0, 0, 255]],
      [235, 128, 128, [255, 255, 255]],
      [16, 128, 128, [0, 0, 0]],
    ];
    for (const [y, u, v, rgb] of cases) {
      const rgba = new Uint8Array(16);
      i420ToRgba(new Uint8Array([y, y, y, y, u, v]), 2, 2, rgba);
      for (let p = 0; p < 4; p++) {
        for (let c = 0; c < 3; c++) expect(Math.abs(rgba[p * 4 + c]! - rgb[c]!)).toBeLessThanOrEqual(2);
        expect(rgba[p * 4 + 3]).toBe(255);
      }
    }
  });
});
