import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hlsOutputSettings } from '../../../shared/outputs.ts';
import { OutputFanout } from './fanout.ts';
import { HlsOutput } from './hls-output.ts';
import { capturingLogger, testProgram, waitFor, type TestProgram } from './test-support.ts';

let program: TestProgram;
let work: string;

beforeAll(() => {
  program = testProgram(20);
  work = mkdtempSync(path.join(tmpdir(), 'hls-output-test-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function feed(fanout: OutputFanout, bytes: Buffer): Promise<void> {
  for (let i = 0, n = 0; i < bytes.length; n++) {
    fanout.write(bytes.subarray(i, i + 13_000));
    i += 13_000;
    if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('HlsOutput (segmenter in-process, real ffmpeg to play it)', () => {
  it('writes a playable playlist with the break marked, to the preview folder and the publish folder', async () => {
    const previewDir = path.join(work, 'preview');
    const publish = path.join(work, 'publish');
    const { logger } = capturingLogger();
    const output = new HlsOutput({ id: 'hls', settings: hlsOutputSettings.parse({ kind: 'hls', folder: publish, segmentSeconds: 2, listSize: 20, markers: ['cue', 'daterange'] }), previewDir, logger });
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    expect(output.status()).toMatchObject({ state: 'starting', reason: 'waiting for the first keyframe' });
    await feed(fanout, program.bytes);
    await waitFor(() => output.status().state === 'running', () => JSON.stringify(output.status()));
    await waitFor(() => output.status().bytesOut === program.bytes.length, () => JSON.stringify(output.status()));
    await output.stop();

    for (const dir of [previewDir, publish]) {
      const playlist = readFileSync(path.join(dir, 'index.m3u8'), 'utf8');
      expect(playlist).toContain('#EXT-X-ENDLIST');
      expect(playlist).toContain('#EXT-X-CUE-OUT');
      expect(playlist).toContain('#EXT-X-CUE-IN');
      expect(playlist).toMatch(/#EXT-X-DATERANGE:.*SCTE35-OUT=0x/);
      const segments = playlist.split('\n').filter((line) => line.endsWith('.ts'));
      expect(segments.length).toBeGreaterThanOrEqual(8);
      for (const segment of segments) expect(existsSync(path.join(dir, segment))).toBe(true);
      // Playable: ffmpeg reads the playlist through, every segment decodes.
      const log = execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', path.join(dir, 'index.m3u8'), '-map', '0:v', '-map', '0:a', '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
      expect(log).toBe('');
    }
    expect(output.segmentsWritten).toBeGreaterThanOrEqual(8);
    expect(output.status()).toMatchObject({ state: 'stopped', droppedBytes: 0, bytesIn: program.bytes.length });
  }, 20_000);

  it('a publish folder that cannot be written leaves the preview running, with the reason', async () => {
    const previewDir = path.join(work, 'preview-2');
    const blocker = path.join(work, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const { logger } = capturingLogger();
    const output = new HlsOutput({ id: 'hls2', settings: hlsOutputSettings.parse({ kind: 'hls', folder: path.join(blocker, 'hls'), segmentSeconds: 2 }), previewDir, logger });
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    await feed(fanout, program.bytes.subarray(0, Math.floor(program.bytes.length / 2 / 188) * 188));
    await waitFor(() => output.status().state === 'running', () => JSON.stringify(output.status()));
    const status = output.status();
    await output.stop();
    expect(status.reason).toMatch(/^publishing failed: publish folder .*a-file\/hls: cannot create/);
    expect(status.lastError).toBe(status.reason!.replace('publishing failed: ', ''));
    expect(readdirSync(previewDir).filter((f) => f.endsWith('.ts')).length).toBeGreaterThan(2);
  });
});
