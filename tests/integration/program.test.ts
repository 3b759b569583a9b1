// The live program end to end, real parts only: ffmpeg publishes RTMP to the embedded
// node-media-server, the program composes that input with a logo and a lower third, the real
// encoder makes the TS, and ffmpeg/ffprobe read back what came out.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scene } from '../../src/main/engine/compositor/index.ts';
import { resolveFfmpegBinaries } from '../../src/main/engine/encoder/ffmpeg-binaries.ts';
import { DEFAULT_PROGRAM_FORMAT, type ProgramFormat } from '../../src/main/engine/encoder/program-format.ts';
import { RtmpIngest } from '../../src/main/engine/ingest/rtmp-ingest.ts';
import { publishTestPattern } from '../support/ingest.ts';
import { freePort } from '../support/ports.ts';
import type { IngestStreamInfo } from '../../src/main/engine/ingest/types.ts';
import { Logger } from '../../src/main/engine/log.ts';
import { TsDemux } from '../../src/main/engine/mpegts/demux.ts';
import { TsFramer } from '../../src/main/engine/mpegts/packet.ts';
import type { Pmt } from '../../src/main/engine/mpegts/psi.ts';
import { Program } from '../../src/main/engine/program/program.ts';
import { openStore, type Store } from '../../src/main/engine/store/database.ts';
import { StreamKeysRepository } from '../../src/main/engine/store/stream-keys-repository.ts';
import { until } from '../support/wait.ts';

const binaries = resolveFfmpegBinaries();
const ffmpeg = binaries.ffmpeg.path;
const ffprobe = binaries.ffprobe?.path ?? 'ffprobe';

const WIDTH = 320;
const HEIGHT = 180;
const GOP = 30;
const format: ProgramFormat = {
  ...DEFAULT_PROGRAM_FORMAT,
  width: WIDTH,
  height: HEIGHT,
  frameRate: { num: 30, den: 1 },
  gopFrames: GOP,
  videoBitrateKbps: 800,
  x264Preset: 'ultrafast',
};

/** Mean RGB of each decoded frame, scaled down to 8x8: enough to tell scenes and slates apart. */
function frameColours(tsFile: string): Array<[number, number, number]> {
  const raw = execFileSync(ffmpeg, ['-v', 'error', '-i', tsFile, '-vf', 'scale=8:8', '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'], { maxBuffer: 1 << 28 });
  const frameBytes = 8 * 8 * 3;
  const colours: Array<[number, number, number]> = [];
  for (let offset = 0; offset + frameBytes <= raw.length; offset += frameBytes) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let i = offset; i < offset + frameBytes; i += 3) {
      r += raw[i]!;
      g += raw[i + 1]!;
      b += raw[i + 2]!;
    }
    colours.push([r / 64, g / 64, b / 64]);
  }
  return colours;
}

const isRed = ([r, g, b]: [number, number, number]) => r > 180 && g < 60 && b < 60;

describe('live program', () => {
  let dir: string;
  let store: Store;
  let ingest: RtmpIngest;
  let port: number;
  let key: string;
  let logLines: string[];
  const logger = () => new Logger({ sink: (line) => logLines.push(line) });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'studio-program-'));
    logLines = [];
    store = openStore(dir);
    const keys = new StreamKeysRepository(store.db);
    key = keys.create('camera').key;
    port = await freePort();
    ingest = new RtmpIngest({ storeDir: path.join(dir, 'nms'), streamKeys: keys, logger: logger(), port });
    await ingest.start();
    await sharp({ create: { width: 60, height: 30, channels: 4, background: { r: 255, g: 200, b: 0, alpha: 1 } } })
      .png()
      .toFile(path.join(dir, 'logo.png'));
  });

  afterAll(async () => {
    await ingest?.stop();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('composes RTMP + logo + lower third into H.264/AAC TS with a fixed GOP, SCTE-35 PID, and frame-exact switches', async () => {
    const published: IngestStreamInfo[] = [];
    const refused: string[] = [];
    ingest.on('ingest.published', (info) => published.push(info));
    ingest.on('ingest.refused', (event) => refused.push(event.reason));

    const camera = publishTestPattern(`rtmp://127.0.0.1:${port}/live/${key}`, { seconds: 14, size: '320x180' });
    const intruder = publishTestPattern(`rtmp://127.0.0.1:${port}/live/not-a-key`, { seconds: 3, size: '160x90' });
    const intruderExit = await intruder.exited;
    expect(intruderExit.exitCode).not.toBe(0);
    expect(refused).toContain('unknown stream key');
    await until(() => published.length > 0, 15_000, 'the camera to publish');
    expect(published).toHaveLength(1);

    const program = new Program({ format, ffmpegPath: ffmpeg, logger: logger(), live: ingest });
    const chunks: Buffer[] = [];
    program.onTs((chunk) => chunks.push(chunk));
    try {
      const streamKeyId = published[0]!.streamKeyId;
      await program.addSource({ id: 'cam', kind: 'rtmp', streamKeyId, width: WIDTH, height: HEIGHT });
      await program.addSource({ id: 'logo', kind: 'image', path: path.join(dir, 'logo.png'), width: 60, height: 30 });
      await program.addSource({
        id: 'lower',
        kind: 'text',
        text: 'Live from the studio',
        width: WIDTH,
        height: 40,
        style: { fontSize: 20, background: 'rgba(0,0,0,0.7)' },
      });
      await program.addSource({ id: 'red', kind: 'color', color: '#ff0000', width: WIDTH, height: HEIGHT });
      const show: Scene = {
        id: 'show',
        layers: [
          { id: 'l-cam', sourceId: 'cam', rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, opacity: 1, visible: true },
          { id: 'l-logo', sourceId: 'logo', rect: { x: WIDTH - 70, y: 10, width: 60, height: 30 }, opacity: 1, visible: true },
          { id: 'l-lower', sourceId: 'lower', rect: { x: 0, y: HEIGHT - 40, width: WIDTH, height: 40 }, opacity: 1, visible: true },
        ],
      };
      const red: Scene = {
        id: 'red',
        layers: [{ id: 'l-red', sourceId: 'red', rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, opacity: 1, visible: true }],
      };
      program.setScene(show);
      program.setScene(red);
      program.switchScene({ sceneId: 'show' });
      await program.start();

      await until(() => program.frame >= 45, 15_000, 'frame 45');
      const switchAt = program.frame + 40;
      program.switchScene({ sceneId: 'red', atFrame: switchAt, transition: { kind: 'cut' } });
      await until(() => program.frame >= switchAt + 30, 15_000, 'the frames after the switch');
      const stats = program.stats();
      await program.stop();
      await program.close();

      const file = path.join(dir, 'program.ts');
      writeFileSync(file, Buffer.concat(chunks));

      // H.264 + AAC at the configured size and rate.
      const streams = JSON.parse(execFileSync(ffprobe, ['-v', 'error', '-show_streams', '-of', 'json', file]).toString()) as {
        streams: Array<{
          codec_name: string;
          codec_type: string;
          width?: number;
          height?: number;
          r_frame_rate?: string;
          sample_rate?: string;
          channels?: number;
        }>;
      };
      const video = streams.streams.find((s) => s.codec_type === 'video')!;
      const audio = streams.streams.find((s) => s.codec_type === 'audio')!;
      expect(video).toMatchObject({ codec_name: 'h264', width: WIDTH, height: HEIGHT, r_frame_rate: '30/1' });
      expect(audio).toMatchObject({ codec_name: 'aac', sample_rate: '48000', channels: 2 });
      expect(streams.streams.some((s) => s.codec_name === 'scte_35')).toBe(true);

      // The PMT carries the SCTE-35 PID (stream_type 0x86) with the CUEI registration descriptor.
      let pmt: Pmt | undefined;
      const demux = new TsDemux({ pmt: (found) => (pmt ??= structuredClone(found)) });
      const framer = new TsFramer();
      framer.push(Buffer.concat(chunks), demux);
      expect(pmt?.streams.find((s) => s.streamType === 0x86)?.pid).toBe(stats.scte35Pid);
      expect(Buffer.from(pmt!.programInfo).includes(Buffer.from([0x05, 0x04, 0x43, 0x55, 0x45, 0x49]))).toBe(true);
      expect(demux.continuityErrors).toBe(0);

      // An IDR exactly every GOP frames, and nowhere else.
      const frames = JSON.parse(
        execFileSync(ffprobe, ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts,flags', '-of', 'json', file], {
          maxBuffer: 1 << 26,
        }).toString(),
      ) as { packets: Array<{ pts: number; flags: string }> };
      const keyframeIndexes = frames.packets.flatMap((p, i) => (p.flags.startsWith('K') ? [i] : []));
      expect(keyframeIndexes.length).toBeGreaterThan(3);
      expect(keyframeIndexes.every((i) => i % GOP === 0)).toBe(true);
      expect(keyframeIndexes).toEqual(Array.from({ length: keyframeIndexes.length }, (_, k) => k * GOP));
      // Constant frame rate: every PTS step is one frame (3000 ticks at 30 fps).
      const steps = new Set(frames.packets.slice(1).map((p, i) => p.pts - frames.packets[i]!.pts));
      expect([...steps]).toEqual([3000]);

      // Audio and video start within one frame of each other.
      const firstPts = (selector: string) =>
        Number(
          execFileSync(ffprobe, [
            '-v',
            'error',
            '-select_streams',
            selector,
            '-show_entries',
            'packet=pts_time',
            '-read_intervals',
            '%+#1',
            '-of',
            'csv=p=0',
            file,
          ])
            .toString()
            .trim()
            .split('\n')[0],
        );
      expect(Math.abs(firstPts('v') - firstPts('a'))).toBeLessThanOrEqual(1 / 30);

      // The switch ordered for frame N shows at frame N: decoded frame N is red, N−1 is not.
      const colours = frameColours(file);
      expect(colours.length).toBeGreaterThan(switchAt + 10);
      expect(isRed(colours[switchAt]!)).toBe(true);
      expect(isRed(colours[switchAt - 1]!)).toBe(false);
      expect(colours.slice(switchAt).every(isRed)).toBe(true);
      expect(colours.slice(0, switchAt).some(isRed)).toBe(false);
      // The logo is composed over the camera: its yellow sits at the top right of a show frame.
      const showFrame = execFileSync(ffmpeg, [
        '-v',
        'error',
        '-i',
        file,
        '-vf',
        `select=eq(n\\,${switchAt - 5})`,
        '-frames:v',
        '1',
        '-pix_fmt',
        'rgb24',
        '-f',
        'rawvideo',
        '-',
      ]);
      const pixel = (x: number, y: number) => [...showFrame.subarray((y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3)];
      const [r, g, b] = pixel(WIDTH - 40, 25);
      expect(r).toBeGreaterThan(200);
      expect(g).toBeGreaterThan(150);
      expect(b).toBeLessThan(80);
      // Composed, and on through the switch. (How many frames a busy machine drops is left to benchmarks.)
      expect(stats.framesComposed).toBeGreaterThan(0);
      expect(stats.frame).toBeGreaterThanOrEqual(switchAt + 30);
    } finally {
      await program.close();
      await camera.stop('test over');
    }
    // Secrets stay out of every log line.
    expect(logLines.join('\n')).not.toContain(key);
  });

  it('keeps a constant frame rate when the publisher dies, freezing then showing the slate', async () => {
    const keys = new StreamKeysRepository(store.db);
    const streamKey = keys.create('backup').key;
    const published: IngestStreamInfo[] = [];
    const off = ingest.on('ingest.published', (info) => published.push(info));
    const camera = publishTestPattern(`rtmp://127.0.0.1:${port}/live/${streamKey}`, { seconds: 30, size: '320x180' });
    await until(() => published.length > 0, 15_000, 'the backup camera to publish');
    off();

    const program = new Program({ format, ffmpegPath: ffmpeg, logger: logger(), live: ingest });
    const chunks: Buffer[] = [];
    program.onTs((chunk) => chunks.push(chunk));
    try {
      await program.addSource({
        id: 'cam',
        kind: 'rtmp',
        streamKeyId: published[0]!.streamKeyId,
        width: WIDTH,
        height: HEIGHT,
        fallback: { text: 'Back soon', background: '#0000ff' },
        fallbackAfterFrames: 30,
      });
      program.setScene({ id: 'cam', layers: [{ id: 'l', sourceId: 'cam', rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, opacity: 1, visible: true }] });
      program.switchScene({ sceneId: 'cam' });
      await program.start();
      await until(() => program.sourceStatus('cam')?.state === 'running', 15_000, 'the camera decoder');
      const liveFrom = program.frame;
      await until(() => program.frame >= liveFrom + 60, 15_000, 'two seconds of live pictures');
      const killedAt = program.frame;
      await camera.stop('publisher dies');
      await until(() => program.frame >= killedAt + 150, 15_000, 'five seconds after the publisher died');
      await program.stop();

      const file = path.join(dir, 'fault.ts');
      writeFileSync(file, Buffer.concat(chunks));
      const frames = JSON.parse(
        execFileSync(ffprobe, ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts', '-of', 'json', file], { maxBuffer: 1 << 26 }).toString(),
      ) as { packets: Array<{ pts: number }> };
      // The program went on at a constant rate through the loss: one frame per 3000 ticks, no gap.
      const steps = new Set(frames.packets.slice(1).map((p, i) => p.pts - frames.packets[i]!.pts));
      expect([...steps]).toEqual([3000]);
      expect(frames.packets.length).toBeGreaterThanOrEqual(killedAt + 150);
      const colours = frameColours(file);
      const isBlue = ([r, g, b]: [number, number, number]) => b > 150 && r < 90 && g < 90;
      // Live pictures before the loss, the blue slate at the end.
      expect(colours.slice(killedAt - 30, killedAt).some(isBlue)).toBe(false);
      expect(isBlue(colours.at(-1)!)).toBe(true);
      const slateFrom = colours.findIndex((colour, i) => i > killedAt && isBlue(colour));
      // Frozen first (the last picture repeated), then the slate after fallbackAfterFrames.
      expect(slateFrom - killedAt).toBeGreaterThanOrEqual(30);
      // The frozen frames are one picture re-encoded: equal but for compression noise.
      const near = (a: [number, number, number], b: [number, number, number]) => a.every((value, i) => Math.abs(value - b[i]!) < 3);
      expect(near(colours[slateFrom - 1]!, colours[slateFrom - 10]!)).toBe(true);
    } finally {
      await program.close();
      await camera.stop('test over');
    }
  });

  it('reports a missing or corrupt media file as a clear source error, and the program goes on', async () => {
    const corrupt = path.join(dir, 'corrupt.mp4');
    writeFileSync(corrupt, Buffer.from('this is not a video file at all'.repeat(100)));
    const program = new Program({ format, ffmpegPath: ffmpeg, logger: logger() });
    let bytes = 0;
    program.onTs((chunk) => (bytes += chunk.length));
    try {
      await program.addSource({ id: 'bars', kind: 'test_pattern', width: WIDTH, height: HEIGHT });
      await program.addSource({ id: 'missing', kind: 'media', path: path.join(dir, 'nope.mp4'), width: WIDTH, height: HEIGHT });
      await program.addSource({ id: 'corrupt', kind: 'media', path: corrupt, width: WIDTH, height: HEIGHT });
      program.setScene({
        id: 'all',
        layers: ['bars', 'missing', 'corrupt'].map((sourceId) => ({
          id: sourceId,
          sourceId,
          rect: { x: 0, y: 0, width: WIDTH, height: HEIGHT },
          opacity: 1,
          visible: true,
        })),
      });
      program.switchScene({ sceneId: 'all' });
      await program.start();
      await until(
        () => program.sourceStatus('missing')?.state === 'failed' && program.sourceStatus('corrupt')?.state === 'failed',
        15_000,
        'both sources to fail',
      );
      expect(program.sourceStatus('missing')?.reason).toMatch(/file not found: .*nope\.mp4/);
      expect(program.sourceStatus('corrupt')?.reason).toMatch(/not a playable media file/);
      const before = program.frame;
      await until(() => program.frame >= before + 30, 10_000, 'the program to go on');
      expect(program.sourceStatus('bars')?.state).toBe('running');
      expect(program.running).toBe(true);
      expect(bytes).toBeGreaterThan(0);
    } finally {
      await program.close();
    }
  });
});
