// The program driven through the public HTTP API of `studio serve`, as automation would.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestStreamEvent, StreamKeyWithSecret } from '../../src/shared/contract.ts';
import type { ProgramStatus, SceneInfo, SourceInfo } from '../../src/shared/program.ts';
import { publishTestPattern } from '../support/ingest.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let studio: RunningStudio;
let assets: string;

async function command<T>(
  name: string,
  args: unknown = {},
): Promise<{ status: number; body: { result?: T; error?: { code: string; field?: string; message: string } } }> {
  const response = await fetch(`${studio.url}/api/v1/commands/${name}`, {
    method: 'POST',
    headers: { ...studio.authHeaders, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  return { status: response.status, body: (await response.json()) as never };
}

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await command<T>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

beforeAll(async () => {
  studio = await startStudio();
  assets = mkdtempSync(path.join(os.tmpdir(), 'studio-assets-'));
  await sharp({ create: { width: 64, height: 32, channels: 4, background: '#ffcc00' } })
    .png()
    .toFile(path.join(assets, 'logo.png'));
});
afterAll(async () => {
  await studio?.stop();
  rmSync(assets, { recursive: true, force: true });
});

describe('program over the HTTP API', () => {
  it('refuses a source path that does not exist, naming the field', async () => {
    const { status, body } = await command('sources.create', {
      name: 'Show',
      config: { kind: 'media', path: path.join(assets, 'missing.mp4'), width: 320, height: 180 },
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'config.path' });
    expect(body.error!.message).toContain('does not exist');
  });

  it('refuses a scene layer whose source does not exist', async () => {
    const { status, body } = await command('scenes.create', { name: 'Broken', layers: [{ sourceId: 999 }] });
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ field: 'layers.0.sourceId' });
  });

  it('sets up sources and scenes, runs the program from an RTMP publish, and switches at a frame', async () => {
    await ok('program.setFormat', {
      width: 320,
      height: 180,
      frameRate: '30',
      videoBitrateKbps: 600,
      gopFrames: 30,
      x264Preset: 'ultrafast',
      audioBitrateKbps: 96,
      videoEncoder: 'libx264',
    });
    const bad = await command('program.setFormat', {
      width: 320,
      height: 180,
      frameRate: '30',
      videoBitrateKbps: 600,
      gopFrames: 30,
      x264Preset: 'ultrafast',
      audioBitrateKbps: 96,
      videoEncoder: 'h264_nvenc',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'videoEncoder' });

    const key = await ok<StreamKeyWithSecret>('streamKeys.create', { name: 'OBS' });
    const camera = await ok<SourceInfo>('sources.create', { name: 'Camera', config: { kind: 'rtmp', streamKeyId: key.id, width: 320, height: 180 } });
    const logo = await ok<SourceInfo>('sources.create', {
      name: 'Logo',
      config: { kind: 'image', path: path.join(assets, 'logo.png'), width: 64, height: 32 },
    });
    const lower = await ok<SourceInfo>('sources.create', {
      name: 'Lower third',
      config: { kind: 'text', text: 'Hello', fontSize: 20, background: '#000000', width: 320, height: 40 },
    });
    const slate = await ok<SourceInfo>('sources.create', { name: 'Slate', config: { kind: 'color', color: '#203040', width: 320, height: 180 } });
    const main = await ok<SceneInfo>('scenes.create', {
      name: 'Main',
      layers: [{ sourceId: camera.id }, { sourceId: logo.id, x: 248, y: 8 }, { sourceId: lower.id, y: 140 }],
    });
    const breakScene = await ok<SceneInfo>('scenes.create', { name: 'Break', layers: [{ sourceId: slate.id }] });
    expect(main.layers).toHaveLength(3);
    expect((await ok<SceneInfo[]>('scenes.list')).map((scene) => scene.name)).toEqual(['Main', 'Break']);

    const publisher = publishTestPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${key.key}`, { seconds: 20, size: '320x180' });
    try {
      // Listed once the publisher is on; codec, size and bitrate once its media has been seen.
      await expect
        .poll(
          async () => {
            const [first] = await ok<IngestStreamEvent[]>('ingest.list');
            return first?.video?.codec === 'h264' && first.bitrateKbps > 0;
          },
          { timeout: 15_000 },
        )
        .toBe(true);
      const [stream] = await ok<IngestStreamEvent[]>('ingest.list');
      expect(stream).toMatchObject({ streamKeyId: key.id, streamKeyName: 'OBS', video: { codec: 'h264', width: 320, height: 180 } });
      expect(stream!.bitrateKbps).toBeGreaterThan(0);
      const started = await ok<ProgramStatus>('program.start');
      expect(started.running).toBe(true);
      await expect.poll(async () => (await ok<SourceInfo[]>('sources.list')).find((s) => s.id === camera.id)?.state, { timeout: 15_000 }).toBe('running');
      await expect.poll(async () => (await ok<ProgramStatus>('program.status')).frame, { timeout: 10_000 }).toBeGreaterThan(30);
      const status = await ok<ProgramStatus>('program.status');
      expect(status.onAirSceneId).toBe(main.id);
      expect(status.nextIdrFrames).toHaveLength(3);
      expect(status.nextIdrFrames.every((frame) => frame % 30 === 0 && frame > status.frame - 1)).toBe(true);
      expect(status.scte35Pid).toBeGreaterThan(0);

      const atFrame = status.nextIdrFrames[1]!;
      const scheduled = await ok<{ sceneId: number; atFrame: number }>('program.switchScene', { sceneId: breakScene.id, atFrame });
      expect(scheduled).toEqual({ sceneId: breakScene.id, atFrame });
      await expect.poll(async () => (await ok<ProgramStatus>('program.status')).onAirSceneId, { timeout: 10_000 }).toBe(breakScene.id);
      expect((await ok<ProgramStatus>('program.status')).frame).toBeGreaterThanOrEqual(atFrame);
      await expect.poll(async () => (await ok<ProgramStatus>('program.status')).encoder.fps, { timeout: 10_000 }).toBeGreaterThan(0);

      const late = await command('program.switchScene', { sceneId: main.id, atFrame: 1 });
      expect(late.status).toBe(400);
      expect(late.body.error).toMatchObject({ field: 'atFrame' });

      const stopped = await ok<ProgramStatus>('program.stop');
      expect(stopped.running).toBe(false);
    } finally {
      await publisher.stop('test over');
    }
    expect(studio.output()).not.toContain(key.key);
  });
});
