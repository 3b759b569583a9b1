// Stream keys through the HTTP API of a real `studio serve`, with a real ffmpeg publisher:
// removing a key ends its publish, ids are never handed out twice, and sources name only keys
// that exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishTestPattern } from '../support/ingest.ts';
import type { IngestStreamEvent, StreamKeyWithSecret } from '../../src/shared/contract.ts';
import type { SourceInfo } from '../../src/shared/program.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let studio: RunningStudio;

interface Answer<T> {
  status: number;
  body: { result?: T; error?: { code: string; field?: string; message: string } };
}
const call = <T>(name: string, args: unknown = {}) => studio.command(name, args) as Promise<Answer<T>>;
async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await call<T>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}
const rtmpConfig = (streamKeyId: number) => ({ kind: 'rtmp', streamKeyId, width: 320, height: 180 });

beforeAll(async () => {
  studio = await startStudio();
}, 60_000);
afterAll(async () => {
  await studio?.stop();
});

describe('stream keys', () => {
  it('removing a key disconnects its publisher at once, and the key publishes no more', async () => {
    const key = await ok<StreamKeyWithSecret>('streamKeys.create', { name: 'Field camera' });
    const publisher = publishTestPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${key.key}`, { seconds: 120, size: '160x90', rate: 15 });
    try {
      await expect
        .poll(async () => (await ok<IngestStreamEvent[]>('ingest.list')).some((stream) => stream.streamKeyId === key.id), { timeout: 20_000 })
        .toBe(true);
      expect(await ok('streamKeys.remove', { id: key.id })).toEqual({ removed: true });
      // It had 120 s to go: it ends because the studio hung up on it.
      const exit = await Promise.race([publisher.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000))]);
      expect(exit, 'the publisher still runs after its key was removed').not.toBeNull();
      expect(await ok<IngestStreamEvent[]>('ingest.list')).toEqual([]);
      await expect.poll(() => studio.output(), { timeout: 5000 }).toMatch(/RTMP publish ended .*"reason":"stream key removed"/);
    } finally {
      await publisher.stop('test over');
    }
    const again = publishTestPattern(`rtmp://127.0.0.1:${studio.rtmpPort}/live/${key.key}`, { seconds: 3, size: '160x90', rate: 15 });
    expect((await again.exited).exitCode).not.toBe(0);
    expect(studio.output()).not.toContain(key.key);
  }, 60_000);

  it('never hands out an id twice: create, remove, create gives a greater id', async () => {
    await ok<StreamKeyWithSecret>('streamKeys.create', { name: 'First' });
    const newest = await ok<StreamKeyWithSecret>('streamKeys.create', { name: 'Second' });
    await ok('streamKeys.remove', { id: newest.id });
    const next = await ok<StreamKeyWithSecret>('streamKeys.create', { name: 'Third' });
    expect(next.id).toBeGreaterThan(newest.id);
  });

  it('refuses a source that names a stream key that does not exist, naming config.streamKeyId', async () => {
    const created = await call('sources.create', { name: 'Ghost camera', config: rtmpConfig(999) });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'config.streamKeyId' });
    expect(created.body.error!.message).toContain('999');
    expect((await ok<SourceInfo[]>('sources.list')).some((source) => source.name === 'Ghost camera')).toBe(false);

    const colour = await ok<SourceInfo>('sources.create', { name: 'Colour', config: { kind: 'color', color: '#102030', width: 320, height: 180 } });
    const updated = await call('sources.update', { id: colour.id, config: rtmpConfig(999) });
    expect(updated.status).toBe(400);
    expect(updated.body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'config.streamKeyId' });
    expect((await ok<SourceInfo[]>('sources.list')).find((source) => source.id === colour.id)?.config.kind).toBe('color');
  });

  it('refuses to remove a key a source uses, with a 409 naming the source; once the source is gone, the key goes', async () => {
    const key = await ok<StreamKeyWithSecret>('streamKeys.create', { name: 'Studio camera' });
    const source = await ok<SourceInfo>('sources.create', { name: 'Main camera', config: rtmpConfig(key.id) });
    const refused = await call('streamKeys.remove', { id: key.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(refused.body.error!.message).toContain('"Main camera"');
    expect((await ok<Array<{ id: number }>>('streamKeys.list')).some((listed) => listed.id === key.id)).toBe(true);

    await ok('sources.remove', { id: source.id });
    expect(await ok('streamKeys.remove', { id: key.id })).toEqual({ removed: true });
  });
});
