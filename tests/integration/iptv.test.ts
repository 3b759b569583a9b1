// The channel for IPTV players on a real `studio serve` (real encoder, real ffprobe, real xmllint):
// the guide validates against the XMLTV DTD and follows each edit, the M3U's URLs carry the token
// (players send no headers), and ffprobe opens the M3U's stream URL and /iptv/channel.ts while the
// program runs (the program's own TS: SCTE-35 PID included). Without the token: 401.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaItem } from '../../src/shared/media.ts';
import type { ProgramStatus, SourceInfo } from '../../src/shared/program.ts';
import type { ScheduleItem } from '../../src/shared/schedule.ts';
import { makeClip } from '../support/media-fixtures.ts';
import { type RunningStudio, startStudio } from '../support/studio-server.ts';
import { xmltvDtdErrors } from '../support/xmltv.ts';

const run = promisify(execFile);
let dir: string;
let studio: RunningStudio;
let clip: MediaItem;

async function ok<T>(name: string, args: unknown = {}): Promise<T> {
  const { status, body } = await studio.command<{ result?: T }>(name, args);
  if (status !== 200) throw new Error(`${name}: ${status} ${JSON.stringify(body)}`);
  return body.result!;
}

/** A GET as a player makes it: no headers of ours, the token only where the URL has it. */
async function get(pathAndQuery: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(new URL(pathAndQuery, studio.url));
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** ffprobe on a live URL: the streams it finds (it stops reading once it has them). */
async function probe(url: string): Promise<string[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-rw_timeout', '15000000', '-show_entries', 'stream=codec_type,codec_name', '-of', 'json', url], {
    timeout: 30_000,
  });
  return (JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string }[] }).streams.map((stream) => `${stream.codec_type}:${stream.codec_name}`);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-iptv-it-'));
  const file = makeClip(dir, { id: 'clip-G', seconds: 3, rate: 25, chapters: [{ title: 'one', startSeconds: 0 }] });
  studio = await startStudio({ dataDir: path.join(dir, 'data') });
  await ok('program.setFormat', {
    width: 320,
    height: 180,
    frameRate: '25',
    videoBitrateKbps: 400,
    gopFrames: 25,
    x264Preset: 'ultrafast',
    audioBitrateKbps: 64,
    videoEncoder: 'libx264',
  });
  const bars = await ok<SourceInfo>('sources.create', { name: 'Bars', config: { kind: 'test_pattern', width: 320, height: 180 } });
  await ok('scenes.create', { name: 'Main', layers: [{ sourceId: bars.id }] });
  clip = await ok<MediaItem>('media.import', { path: file });
}, 60_000);

afterAll(async () => {
  await studio?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('guide and IPTV', () => {
  it('needs the token: in the URL, as players send it', async () => {
    expect((await get('/iptv/xmltv.xml')).status).toBe(401);
    expect((await get('/iptv/channels.m3u?token=wrong')).status).toBe(401);
    expect((await get(`/iptv/channel.ts?token=${encodeURIComponent(studio.token)}`)).status).toBe(503); // off the air
  });

  it('publishes a guide valid against the XMLTV DTD that follows each edit; filler can be hidden', async () => {
    const start = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000);
    const item = await ok<ScheduleItem>('schedule.add', { mediaId: clip.id, startAt: start.toISOString() });
    await ok('playout.setSettings', { channelName: 'Late & Live' });
    const guideUrl = `/iptv/xmltv.xml?token=${encodeURIComponent(studio.token)}`;
    let guide = await get(guideUrl);
    expect(guide.status).toBe(200);
    expect(guide.type).toContain('xml');
    expect(xmltvDtdErrors(guide.text, dir)).toBe('');
    const xmltvStart = start.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    expect(guide.text).toContain('<display-name>Late &amp; Live</display-name>');
    expect(guide.text).toContain(`<programme start="${xmltvStart} +0000"`);
    expect(guide.text).toContain('<title>clip-G.mkv</title>');
    expect(guide.text).toContain('<title>Filler</title>');

    // Moved an hour later: the guide says so.
    const later = new Date(start.getTime() + 3_600_000);
    await ok('schedule.move', { id: item.id, startAt: later.toISOString() });
    guide = await get(guideUrl);
    expect(guide.text).not.toContain(`<programme start="${xmltvStart} +0000"`);
    expect(guide.text).toContain(`<programme start="${later.toISOString().replace(/[-:T]/g, '').slice(0, 14)} +0000"`);

    await ok('playout.setSettings', { hideFillerInGuide: true });
    guide = await get(guideUrl);
    expect(xmltvDtdErrors(guide.text, dir)).toBe('');
    expect(guide.text).not.toContain('<title>Filler</title>');
    expect(guide.text.match(/<programme /g)).toHaveLength(1);
  });

  it('lists the channel in an M3U whose stream URL ffprobe opens, as it opens /iptv/channel.ts, while the program runs', async () => {
    const m3u = await get(`/iptv/channels.m3u?token=${encodeURIComponent(studio.token)}`);
    expect(m3u.status).toBe(200);
    const lines = m3u.text.trim().split('\n');
    expect(lines[0]).toMatch(/^#EXTM3U url-tvg="http:\/\/127\.0\.0\.1:\d+\/iptv\/xmltv\.xml\?token=[^"]+"/);
    expect(lines[1]).toBe('#EXTINF:-1 tvg-id="channel1.studio" tvg-name="Late & Live",Late & Live');
    const streamUrl = lines[2]!;
    expect(new URL(streamUrl).pathname).toBe('/iptv/channel.ts');
    // The guide URL in the playlist works as given.
    const guideUrl = /url-tvg="([^"]+)"/.exec(lines[0]!)![1]!;
    expect(xmltvDtdErrors(await (await fetch(guideUrl)).text(), dir)).toBe('');

    await ok('program.start');
    await expect.poll(async () => (await ok<ProgramStatus>('program.status')).scte35Pid, { timeout: 30_000 }).not.toBeNull();
    expect((await probe(streamUrl)).sort()).toEqual(['audio:aac', 'data:scte_35', 'video:h264']);
    const direct = `${studio.url}/iptv/channel.ts?token=${encodeURIComponent(studio.token)}`;
    expect((await probe(direct)).sort()).toEqual(['audio:aac', 'data:scte_35', 'video:h264']);
    // A player still watching when the program stops gets a clean end of stream.
    const watching = await fetch(direct);
    expect(watching.headers.get('content-type')).toBe('video/mp2t');
    const reader = watching.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    await ok('program.stop');
    let ended = false;
    while (!ended) ended = (await reader.read()).done;
    // Players put the token in the URL; the studio's log never has it (only the URL `serve` prints at start, by design).
    const logged = studio
      .output()
      .split('\n')
      .filter((line) => !line.startsWith('Open the studio: '));
    expect(logged.join('\n')).not.toContain(studio.token);
  }, 120_000);
});
