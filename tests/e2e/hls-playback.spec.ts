// The splice-aware HLS output plays in hls.js in Chromium: a real ffmpeg TS, SCTE-35 injected,
// segmented with every marker style, served over loopback and played in a muted <video>.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { test, expect } from '@playwright/test';
import { buildCueIn, buildCueOut, encodeSection } from '../../src/main/engine/scte35/index.ts';
import { PTS_HZ } from '../../src/main/engine/media.ts';
import { Scte35Injector } from '../../src/main/engine/mpegts/injector.ts';
import { inspectFile } from '../../src/main/engine/mpegts/inspect.ts';
import { ptsDiff } from '../../src/main/engine/mpegts/packet.ts';
import { makeTestTs } from '../support/mpegts.ts';
import { HlsSegmenter } from '../../src/main/engine/hls/segmenter.ts';

const hlsJs = path.resolve('node_modules/hls.js/dist/hls.min.js');

const page = `<!doctype html>
<html><body>
<video id="v" muted playsinline></video>
<script src="/hls.min.js"></script>
<script>
  window.report = { frags: [], errors: [], manifest: false, dateRanges: 0 };
  const video = document.getElementById('v');
  const hls = new Hls({ enableWorker: false });
  hls.on(Hls.Events.MANIFEST_PARSED, () => { window.report.manifest = true; video.play(); });
  hls.on(Hls.Events.LEVEL_LOADED, (_e, data) => { window.report.dateRanges = Object.keys(data.details.dateRanges || {}).length; });
  hls.on(Hls.Events.FRAG_BUFFERED, (_e, data) => { window.report.frags.push(data.frag.sn); });
  hls.on(Hls.Events.ERROR, (_e, data) => { window.report.errors.push({ type: data.type, details: data.details, fatal: data.fatal }); });
  hls.loadSource('/hls/index.m3u8');
  hls.attachMedia(video);
</script>
</body></html>`;

let dir: string;
let server: Server;
let base: string;

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'hls-e2e-'));
  const file = makeTestTs({ seconds: 10, muxrate: 2_000_000 });
  const info = inspectFile(file);
  const first = info.firstPts!;
  const outPts = info.idrPts.find((p) => ptsDiff(p, first) >= 5 * PTS_HZ)!;
  const backPts = info.idrPts.find((p) => ptsDiff(p, outPts) >= 2 * PTS_HZ)!;
  const injector = new Scte35Injector();
  injector.queue(encodeSection(buildCueOut({ eventId: 5, ptsTime: outPts, durationTicks: 2 * PTS_HZ })));
  injector.queue(encodeSection(buildCueIn({ eventId: 5, ptsTime: backPts })));
  const segmenter = new HlsSegmenter({
    outputDir: path.join(dir, 'hls'),
    segmentDurationSeconds: 2,
    listSize: 0,
    markers: ['cue', 'daterange', 'oatcls', 'scte35'],
  });
  segmenter.push(injector.push(readFileSync(file)));
  segmenter.push(injector.flush());
  segmenter.end();

  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (url.pathname === '/') return send(200, 'text/html', page);
    if (url.pathname === '/hls.min.js') return send(200, 'text/javascript', readFileSync(hlsJs));
    const m = /^\/hls\/([\w.-]+)$/.exec(url.pathname);
    if (!m) return send(404, 'text/plain', 'not found');
    try {
      const body = readFileSync(path.join(dir, 'hls', m[1]!));
      return send(200, m[1]!.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t', body);
    } catch {
      return send(404, 'text/plain', 'not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the splice-aware playlist with ad markers plays in hls.js', async ({ page: browserPage }) => {
  await browserPage.goto(`${base}/`);
  // Evaluated in the page (strings: this file is type-checked without the DOM library).
  await expect.poll(() => browserPage.evaluate<number>('document.getElementById("v").currentTime'), { timeout: 20_000 }).toBeGreaterThan(3);
  const report = await browserPage.evaluate<{ frags: number[]; errors: Array<{ fatal: boolean; details: string }>; manifest: boolean; dateRanges: number }>(
    'window.report',
  );
  expect(report.manifest).toBe(true);
  expect(report.frags.length).toBeGreaterThanOrEqual(2);
  expect(report.errors.filter((e) => e.fatal)).toEqual([]);
  // hls.js parsed the EXT-X-DATERANGE of the break (one ID shared by its OUT and IN tags).
  expect(report.dateRanges).toBe(1);
});
