import { describe, expect, it } from 'vitest';
import { AUDIO_MONITOR_HEADER_BYTES, audioMonitorMessageBytes, writeAudioMonitorHeader } from '../../../../shared/audio-monitor-frame.ts';
import { JitterRing, LEAD_STEP_S, MAX_LEAD_S, SLACK_S, START_LEAD_S } from './jitter-ring.ts';

const RATE = 48_000;
const FRAMES = 960;
const BLOCK = 128;

/** A packet whose left channel is `value` and right channel −value, every sample. */
function packet(sequence: number, value: number, sampleRate = RATE): ArrayBuffer {
  const bytes = new ArrayBuffer(audioMonitorMessageBytes(FRAMES, 2));
  const view = new DataView(bytes);
  writeAudioMonitorHeader(view, { channels: 2, sampleRate, sequence, sampleFrames: FRAMES, starved: 0, capturedAtMs: 0 });
  for (let f = 0; f < FRAMES; f++) {
    view.setInt16(AUDIO_MONITOR_HEADER_BYTES + f * 4, value, true);
    view.setInt16(AUDIO_MONITOR_HEADER_BYTES + f * 4 + 2, -value, true);
  }
  return bytes;
}

function pullBlock(ring: JitterRing): { left: Float32Array; right: Float32Array } {
  const left = new Float32Array(BLOCK).fill(9);
  const right = new Float32Array(BLOCK).fill(9);
  ring.pull(left, right);
  return { left, right };
}

describe('JitterRing', () => {
  it('stays silent until its lead is buffered, then plays the samples in order, de-interleaved', () => {
    const ring = new JitterRing(RATE);
    const leadPackets = Math.ceil((START_LEAD_S * RATE) / FRAMES);
    for (let p = 0; p < leadPackets - 1; p++) {
      ring.push(packet(p, 1000 + p));
      expect(pullBlock(ring).left.every((v) => v === 0)).toBe(true);
    }
    // The blocks pulled while building the lead took nothing.
    ring.push(packet(leadPackets - 1, 2000));
    const { left, right } = pullBlock(ring);
    expect(ring.playing).toBe(true);
    expect(left[0]).toBe(1000 / 32768);
    expect(right[0]).toBe(-1000 / 32768);
    expect(ring.report).toMatchObject({ packets: leadPackets, missed: 0, dropped: 0, underruns: 0 });
  });

  it('on running dry: silence after the last sample, an underrun, and a longer lead before it plays again', () => {
    const ring = new JitterRing(RATE);
    for (let p = 0; p < 3; p++) ring.push(packet(p, 3000));
    let blocks = 0;
    while (ring.report.underruns === 0) {
      pullBlock(ring);
      blocks++;
    }
    expect(blocks).toBe(Math.ceil((3 * FRAMES) / BLOCK));
    expect(ring.playing).toBe(false);
    expect(ring.report.leadMs).toBe(Math.round((START_LEAD_S + LEAD_STEP_S) * 1000));
    // The old lead is not enough any more.
    for (let p = 3; p < 6; p++) ring.push(packet(p, 3000));
    expect(pullBlock(ring).left[0]).toBe(0);
    for (let p = 6; p < 9; p++) ring.push(packet(p, 3000));
    expect(pullBlock(ring).left[0]).toBe(3000 / 32768);
    // The lead stops growing at its ceiling: play and run dry again and again.
    let sequence = 9;
    for (let i = 0; i < 10; i++) {
      const before = ring.report.underruns;
      while (!ring.playing) {
        ring.push(packet(sequence++, 1));
        pullBlock(ring);
      }
      while (ring.report.underruns === before) pullBlock(ring);
    }
    expect(ring.report.leadMs).toBe(MAX_LEAD_S * 1000);
  });

  it('drops the oldest samples of a burst down to its lead, so the delay stays bounded', () => {
    const ring = new JitterRing(RATE);
    const burst = 40;
    for (let p = 0; p < burst; p++) ring.push(packet(p, p));
    expect(ring.report.buffered).toBeLessThanOrEqual(Math.round((START_LEAD_S + SLACK_S) * RATE));
    expect(ring.report.dropped).toBeGreaterThan(0);
    // What plays first is recent, not the start of the burst.
    expect(pullBlock(ring).left[0]! * 32768).toBeGreaterThan(burst - 10);
  });

  it('counts packets the engine did not send (sequence gaps), across the 2^32 wrap, and refuses other rates', () => {
    const ring = new JitterRing(RATE);
    ring.push(packet(2 ** 32 - 2, 1));
    ring.push(packet(2 ** 32 - 1, 1));
    ring.push(packet(3, 1));
    expect(ring.report.missed).toBe(3);
    expect(ring.push(packet(4, 1, 44_100))).toBe(false);
    expect(ring.push(new ArrayBuffer(10))).toBe(false);
    expect(ring.report.packets).toBe(3);
  });
});
