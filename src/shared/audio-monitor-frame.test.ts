import { describe, expect, it } from 'vitest';
import {
  AUDIO_MONITOR_HEADER_BYTES,
  AUDIO_MONITOR_MAGIC,
  audioMonitorMessageBytes,
  audioMonitorSamplesToPlanes,
  readAudioMonitorHeader,
  writeAudioMonitorHeader,
  type AudioMonitorHeader,
} from './audio-monitor-frame.ts';

const header: AudioMonitorHeader = { channels: 2, sampleRate: 48_000, sequence: 7, sampleFrames: 4, starved: 3, capturedAtMs: 1_765_000_000_123.25 };

function packet(values: number[], h: AudioMonitorHeader = header): Uint8Array {
  const bytes = new Uint8Array(audioMonitorMessageBytes(h.sampleFrames, h.channels));
  const view = new DataView(bytes.buffer);
  writeAudioMonitorHeader(view, h);
  for (const [i, v] of values.entries()) view.setInt16(AUDIO_MONITOR_HEADER_BYTES + i * 2, v, true);
  return bytes;
}

describe('audio monitor packets', () => {
  it('lays the header out little-endian at the documented offsets, and reads it back', () => {
    const bytes = packet([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(bytes.length).toBe(32 + 4 * 2 * 2);
    expect([...bytes.subarray(0, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('AMON');
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(AUDIO_MONITOR_MAGIC);
    expect(view.getUint16(4, true)).toBe(1);
    expect(view.getUint16(6, true)).toBe(2);
    expect(view.getUint32(8, true)).toBe(48_000);
    expect(view.getUint32(12, true)).toBe(7);
    expect(view.getUint32(16, true)).toBe(4);
    expect(view.getUint32(20, true)).toBe(3);
    expect(view.getFloat64(24, true)).toBe(header.capturedAtMs);
    expect(readAudioMonitorHeader(view)).toEqual(header);
  });

  it('wraps the sequence at 2^32', () => {
    const bytes = packet([0, 0, 0, 0, 0, 0, 0, 0], { ...header, sequence: 2 ** 32 + 5 });
    expect(readAudioMonitorHeader(new DataView(bytes.buffer))?.sequence).toBe(5);
  });

  it('refuses another magic, another version, a short header and a size that does not match the header', () => {
    const good = packet([0, 0, 0, 0, 0, 0, 0, 0]);
    const magic = good.slice();
    magic[0] = 0x50;
    expect(readAudioMonitorHeader(new DataView(magic.buffer))).toBeNull();
    const version = good.slice();
    new DataView(version.buffer).setUint16(4, 2, true);
    expect(readAudioMonitorHeader(new DataView(version.buffer))).toBeNull();
    expect(readAudioMonitorHeader(new DataView(good.buffer, 0, 20))).toBeNull();
    expect(readAudioMonitorHeader(new DataView(good.buffer, 0, good.length - 2))).toBeNull();
    const channels = good.slice();
    new DataView(channels.buffer).setUint16(6, 0, true);
    expect(readAudioMonitorHeader(new DataView(channels.buffer))).toBeNull();
  });

  it('de-interleaves s16le into float planes in −1..1', () => {
    const bytes = packet([32767, -32768, 16384, 0, -16384, 1, 0, -1]);
    const planes = [new Float32Array(4), new Float32Array(4)];
    audioMonitorSamplesToPlanes(bytes, readAudioMonitorHeader(new DataView(bytes.buffer))!, planes);
    expect([...planes[0]!]).toEqual([32767 / 32768, 0.5, -0.5, 0]);
    expect([...planes[1]!]).toEqual([-1, 0, 1 / 32768, -1 / 32768]);
  });

  it('reads a packet that sits mid-buffer (an IPC or pooled Buffer)', () => {
    const inner = packet([1, 2, 3, 4, 5, 6, 7, 8]);
    const outer = new Uint8Array(inner.length + 8);
    outer.set(inner, 8);
    const view = outer.subarray(8);
    const h = readAudioMonitorHeader(new DataView(view.buffer, view.byteOffset, view.byteLength))!;
    const planes = [new Float32Array(4), new Float32Array(4)];
    audioMonitorSamplesToPlanes(view, h, planes);
    expect([...planes[0]!].map((v) => v * 32768)).toEqual([1, 3, 5, 7]);
  });
});
