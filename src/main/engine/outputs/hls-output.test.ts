import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hlsOutputSettings } from '../../../shared/outputs.ts';
import { OutputFanout } from './fanout.ts';
import { HlsOutput } from './hls-output.ts';
import { capturingLogger, testProgram, waitFor, type TestProgram } from '../../../../tests/support/outputs.ts';

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
    const output = new HlsOutput({
      id: 'hls',
      settings: hlsOutputSettings.parse({ kind: 'hls', folder: publish, segmentSeconds: 2, listSize: 20, markers: ['cue', 'daterange'] }),
      previewDir,
      logger,
    });
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    expect(output.status()).toMatchObject({ state: 'starting', reason: 'waiting for the first keyframe' });
    await feed(fanout, program.bytes);
    await waitFor(
      () => output.status().state === 'running',
      () => JSON.stringify(output.status()),
    );
    await waitFor(
      () => output.status().bytesOut === program.bytes.length,
      () => JSON.stringify(output.status()),
    );
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
      const log = execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', path.join(dir, 'index.m3u8'), '-map', '0:v', '-map', '0:a', '-f', 'null', '-'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 20_000,
      });
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
    const output = new HlsOutput({
      id: 'hls2',
      settings: hlsOutputSettings.parse({ kind: 'hls', folder: path.join(blocker, 'hls'), segmentSeconds: 2 }),
      previewDir,
      logger,
    });
    const fanout = new OutputFanout();
    fanout.add(output);
    output.start();
    await feed(fanout, program.bytes.subarray(0, Math.floor(program.bytes.length / 2 / 188) * 188));
    await waitFor(
      () => output.status().state === 'running',
      () => JSON.stringify(output.status()),
    );
    const status = output.status();
    await output.stop();
    expect(status.reason).toMatch(/^publishing failed: publish folder .*a-file\/hls: cannot create/);
    expect(status.lastError).toBe(status.reason!.replace('publishing failed: ', ''));
    expect(readdirSync(previewDir).filter((f) => f.endsWith('.ts')).length).toBeGreaterThan(2);
  });

  it('preview on a full disk (a real 2 MiB tmpfs): fails with the reason, retries with backoff, writes again once space is freed; another output never notices', async () => {
    const mount = path.join(work, 'small-disk');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mount]);
    try {
      const { logger, lines } = capturingLogger();
      const settings = hlsOutputSettings.parse({ kind: 'hls', segmentSeconds: 1, listSize: 3 });
      const preview = new HlsOutput({
        id: 'program',
        settings,
        previewDir: path.join(mount, 'preview'),
        logger,
        retry: { initialDelayMs: 100, maxDelayMs: 400, jitter: 0 },
      });
      const witness = new HlsOutput({ id: 'witness', settings, previewDir: path.join(work, 'witness'), logger });
      const fanout = new OutputFanout();
      fanout.add(preview);
      fanout.add(witness);
      preview.start();
      witness.start();
      const bytes = testProgram(60).bytes;
      let fed = 0;
      /** Feeds about a quarter of a second of program, then lets the outputs' turns and timers run. */
      const feedQuarterSecond = async () => {
        const end = Math.min(bytes.length, fed + 25 * 188 * 7);
        for (; fed < end; fed += 188 * 7) fanout.write(bytes.subarray(fed, Math.min(end, fed + 188 * 7)));
        await new Promise((resolve) => setTimeout(resolve, 40));
      };
      const feedUntil = async (predicate: () => boolean, what: string) => {
        while (!predicate()) {
          if (fed >= bytes.length) throw new Error(`the program ended before ${what}: ${JSON.stringify(preview.status())}`);
          await feedQuarterSecond();
        }
      };

      await feedUntil(() => preview.segmentsWritten >= 3, 'three preview segments');
      expect(preview.status().state).toBe('running');

      // The disk fills up (another program's files): the next segment cannot be written.
      const filler = path.join(mount, 'filler');
      const fd = openSync(filler, 'w');
      let full: NodeJS.ErrnoException | undefined;
      try {
        for (;;) writeSync(fd, Buffer.alloc(64 << 10, 1));
      } catch (error) {
        full = error as NodeJS.ErrnoException;
      } finally {
        closeSync(fd);
      }
      expect(full?.code).toBe('ENOSPC');
      await feedUntil(() => preview.status().state === 'backoff', 'the preview reported the full disk');
      const failed = preview.status();
      expect(failed.reason).toMatch(/^preview folder .*preview: cannot write .* \(disk full\)$/);
      expect(failed.retryInMs).toBeTypeOf('number');
      const writtenWhileFull = preview.segmentsWritten;
      // Retries while the disk is still full fail again and wait longer; nothing is written.
      await feedUntil(() => lines.filter((line) => line.includes('HLS preview failed; retrying')).length >= 3, 'three failed retries');
      expect(preview.segmentsWritten).toBe(writtenWhileFull);

      // Space freed: the next retry writes segments again, and the playlist lists only files that exist.
      rmSync(filler);
      await feedUntil(() => preview.segmentsWritten >= writtenWhileFull + 3 && preview.status().state === 'running', 'the preview writing again');
      const recovered = preview.status();
      expect(recovered.reason).toBeUndefined();
      expect(recovered.reconnects).toBeGreaterThanOrEqual(1);
      const playlist = readFileSync(path.join(mount, 'preview', 'index.m3u8'), 'utf8');
      for (const uri of playlist.split('\n').filter((line) => line.endsWith('.ts'))) expect(existsSync(path.join(mount, 'preview', uri))).toBe(true);
      expect(statSync(path.join(mount, 'preview', 'index.m3u8')).mode & 0o777).toBe(0o600);

      // The other output got every byte, none dropped, as if nothing happened.
      await waitFor(
        () => witness.status().bytesOut === fed,
        () => JSON.stringify(witness.status()),
      );
      expect(witness.status()).toMatchObject({ state: 'running', droppedBytes: 0, reconnects: 0, bytesIn: fed });
      await preview.stop();
      await witness.stop();
    } finally {
      execFileSync('umount', [mount]);
    }
  }, 60_000);
});
