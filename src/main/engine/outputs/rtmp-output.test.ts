import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rtmpOutputSettings } from '../../../shared/outputs.ts';
import { spawnOwned } from '../process/child.ts';
import { OutputFanout } from './fanout.ts';
import { rtmpArgs, RtmpOutput } from './rtmp-output.ts';
import { capturingLogger, PacedFeeder, testProgram, waitFor, type TestProgram } from '../../../../tests/support/outputs.ts';
import { freePort } from '../../../../tests/support/ports.ts';
import type { OutputStatus } from './types.ts';

let program: TestProgram;
let work: string;

beforeAll(() => {
  program = testProgram(20);
  work = mkdtempSync(path.join(tmpdir(), 'rtmp-output-test-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const streamKey = 'live_9f3c2a7e51';

describe('rtmpArgs', () => {
  it('remuxes TS to FLV (video and audio only), publishing to url/key', () => {
    const args = rtmpArgs(rtmpOutputSettings.parse({ kind: 'rtmp', url: 'rtmp://a.example/live/', streamKey }));
    expect(args.join(' ')).toContain('-f mpegts -i pipe:0 -map 0:v:0? -map 0:a:0? -c copy -f flv');
    expect(args.at(-1)).toBe(`rtmp://a.example/live/${streamKey}`);
  });
});

describe('RtmpOutput (real ffmpeg push to an ffmpeg RTMP listener)', () => {
  it('a local receiver gets FLV with H.264 and AAC; the stream key is in no log line or status', async () => {
    const port = await freePort('tcp');
    const file = path.join(work, 'received.flv');
    const receiver = spawnOwned({
      command: 'ffmpeg',
      args: [
        '-hide_banner',
        '-v',
        'error',
        '-y',
        '-listen',
        '1',
        '-f',
        'flv',
        '-i',
        `rtmp://127.0.0.1:${port}/live/${streamKey}`,
        '-c',
        'copy',
        '-f',
        'flv',
        file,
      ],
      name: 'rtmp receiver',
      stdout: 'ignore',
      timeoutMs: 20_000,
    });
    const { logger, lines } = capturingLogger();
    const output = new RtmpOutput({
      id: 'rtmp',
      settings: rtmpOutputSettings.parse({ kind: 'rtmp', url: `rtmp://127.0.0.1:${port}/live`, streamKey }),
      ffmpegPath: 'ffmpeg',
      logger,
    });
    const seen: OutputStatus[] = [];
    output.onStatus((status) => seen.push(status));
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    const feeder = new PacedFeeder(program.bytes.subarray(0, 188 * 2500), program.muxrate, (chunk) => fanout.write(chunk));
    try {
      await waitFor(
        () => output.status().state === 'running',
        () => JSON.stringify(output.status()),
      );
      await feeder.done;
      await waitFor(
        () => output.status().bytesOut === 188 * 2500,
        () => JSON.stringify(output.status()),
        5000,
      );
    } finally {
      feeder.stop();
      await output.stop();
    }
    await receiver.exited;
    const streams = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(streams.sort()).toEqual(['aac', 'h264']);
    expect(output.status()).toMatchObject({ state: 'stopped', target: `rtmp://127.0.0.1:${port}/live` });
    expect(lines.join('\n')).not.toContain(streamKey);
    expect(JSON.stringify(seen)).not.toContain(streamKey);
  }, 20_000);

  it('nothing listening: backoff with the reason, the key kept out of it', async () => {
    const port = await freePort('tcp');
    const { logger, lines } = capturingLogger();
    const output = new RtmpOutput({
      id: 'rtmp2',
      settings: rtmpOutputSettings.parse({ kind: 'rtmp', url: `rtmp://127.0.0.1:${port}/live`, streamKey }),
      ffmpegPath: 'ffmpeg',
      logger,
      policy: { initialDelayMs: 5000 },
    });
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    const feeder = new PacedFeeder(program.bytes, program.muxrate, (chunk) => fanout.write(chunk));
    try {
      await waitFor(
        () => output.status().state === 'backoff',
        () => JSON.stringify(output.status()),
      );
    } finally {
      feeder.stop();
    }
    const status = output.status();
    await output.stop();
    expect(status.reason).toBe(`nothing accepts RTMP at 127.0.0.1:${port} (connection refused)`);
    expect(JSON.stringify(status)).not.toContain(streamKey);
    expect(lines.join('\n')).not.toContain(streamKey);
  }, 15_000);
});
