// The audio monitor on a real `studio serve` (real decoder, mixer and encoder): its WebSocket needs
// the token and a source with sound; a listener gets the test pattern's tone in packets, in
// sequence; a listener that never reads does not hold the program back nor the other listener.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ProgramStatus, SourceInfo } from '../../src/shared/program.ts';
import { AUDIO_MONITOR_HEADER_BYTES, AUDIO_MONITOR_PATH, readAudioMonitorHeader, type AudioMonitorHeader } from '../../src/shared/audio-monitor-frame.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let dataDir: string;
let studio: RunningStudio;
let toneId = 0;
let colorId = 0;

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

interface Packet {
  header: AudioMonitorHeader;
  left: Int16Array;
}

function listen(headers: Record<string, string>, query: string): { ws: WebSocket; packets: Packet[]; opened: Promise<void>; refused: Promise<number> } {
  const ws = new WebSocket(`${studio.url.replace(/^http/, 'ws')}${AUDIO_MONITOR_PATH}${query}`, { headers });
  const packets: Packet[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    const header = readAudioMonitorHeader(new DataView(data.buffer, data.byteOffset, data.byteLength));
    if (!header) return;
    const left = new Int16Array(header.sampleFrames);
    for (let f = 0; f < header.sampleFrames; f++) left[f] = data.readInt16LE(AUDIO_MONITOR_HEADER_BYTES + f * header.channels * 2);
    packets.push({ header, left });
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const refused = new Promise<number>((resolve) => ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)));
  return { ws, packets, opened, refused };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-audio-monitor-'));
  studio = await startStudio({ dataDir });
  await ok('program.setFormat', {
    width: 320,
    height: 180,
    frameRate: '30',
    videoBitrateKbps: 300,
    gopFrames: 30,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 64,
    videoEncoder: 'libx264',
  });
  const tone = await ok<SourceInfo>('sources.create', { name: 'Tone', config: { kind: 'test_pattern', toneHz: 440, width: 320, height: 180 } });
  const color = await ok<SourceInfo>('sources.create', { name: 'Colour', config: { kind: 'color', color: '#336699', width: 64, height: 36 } });
  toneId = tone.id;
  colorId = color.id;
  await ok('scenes.create', { name: 'Main', layers: [{ sourceId: tone.id }, { sourceId: color.id }] });
}, 90_000);
afterAll(async () => {
  await studio?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('audio monitor socket', () => {
  it('needs the token, and a source that has sound', async () => {
    for (const [headers, query, status] of [
      [{}, `?source=${toneId}`, 401],
      [{ Authorization: 'Bearer not-the-token' }, `?source=${toneId}`, 401],
      [studio.authHeaders, '', 400],
      [studio.authHeaders, '?source=999999', 404],
      [studio.authHeaders, `?source=${colorId}`, 400],
    ] as const) {
      const attempt = listen(headers, query);
      attempt.opened.catch(() => {});
      expect(await attempt.refused).toBe(status);
    }
  });

  it('sends the tone in sequence while the program airs; a listener that never reads holds nothing back', async () => {
    await ok('program.start');
    const stuck = listen(studio.authHeaders, `?source=${toneId}`);
    await stuck.opened;
    stuck.ws.pause();
    const listener = listen(studio.authHeaders, `?source=${toneId}`);
    await listener.opened;
    // Two seconds of 20 ms packets with the tone in them.
    await expect
      .poll(() => listener.packets.filter((p) => p.left.some((v) => Math.abs(v) > 1000)).length, { timeout: 30_000, interval: 200 })
      .toBeGreaterThan(100);
    const packets = listener.packets.slice(-50);
    expect(packets[0]!.header).toMatchObject({ channels: 2, sampleRate: 48_000, sampleFrames: 960 });
    for (let i = 1; i < packets.length; i++) expect(packets[i]!.header.sequence).toBe(packets[i - 1]!.header.sequence + 1);
    let crossings = 0;
    let last = 0;
    for (const { left } of packets) {
      for (const v of left) {
        if (last < 0 !== v < 0) crossings++;
        last = v;
      }
    }
    const seconds = (packets.length * 960) / 48_000;
    expect(crossings / 2 / seconds).toBeGreaterThan(430);
    expect(crossings / 2 / seconds).toBeLessThan(450);
    expect(packets.at(-1)!.header.capturedAtMs).toBeGreaterThan(Date.parse('2020-01-01'));
    // The program kept going all along.
    const composed = (await ok<ProgramStatus>('program.status')).framesComposed;
    await expect
      .poll(async () => (await ok<ProgramStatus>('program.status')).framesComposed, { timeout: 30_000, interval: 500 })
      .toBeGreaterThan(composed + 30);
    stuck.ws.terminate();
    listener.ws.close();
  });
});
