// The media library with the real ffprobe and ffmpeg on generated clips, over a real SQLite file.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MediaItem } from '../../../shared/media.ts';
import { makeClip } from '../../../../tests/support/media-fixtures.ts';
import { Logger } from '../log.ts';
import { openStore, type Store } from '../store/database.ts';
import { MediaRepository } from '../store/media-repository.ts';
import { MediaError } from './errors.ts';
import { FILMSTRIP_FRAMES, FILMSTRIP_TILE_WIDTH, filmstripFrameSeconds } from './analysis.ts';
import { FILMSTRIP_FILE, MEDIA_CACHE_DIR, MediaLibrary } from './library.ts';

const FPS = 25;
const FRAME = 1 / FPS;
let clipsDir: string;
let clips: { a: string; b: string; c: string; silentVideo: string };

beforeAll(() => {
  clipsDir = mkdtempSync(path.join(os.tmpdir(), 'studio-media-clips-'));
  clips = {
    a: makeClip(clipsDir, {
      id: 'clip-A',
      seconds: 10,
      rate: FPS,
      chapters: [
        { title: 'A opening', startSeconds: 0 },
        { title: 'A part two', startSeconds: 4 },
      ],
    }),
    b: makeClip(clipsDir, {
      id: 'clip-B',
      seconds: 12,
      rate: FPS,
      container: 'mp4',
      chapters: [
        { title: 'B one', startSeconds: 0 },
        { title: 'B two', startSeconds: 6.5 },
      ],
    }),
    c: makeClip(clipsDir, {
      id: 'clip-C',
      seconds: 15,
      rate: FPS,
      chapters: [
        { title: 'C first', startSeconds: 0 },
        { title: 'C second', startSeconds: 9 },
      ],
    }),
    silentVideo: makeClip(clipsDir, { id: 'clip-V', seconds: 3, rate: FPS, chapters: [], silentVideoOnly: true }),
  };
}, 120_000);
afterAll(() => rmSync(clipsDir, { recursive: true, force: true }));

let dataDir: string;
let store: Store;
let library: MediaLibrary;
let changes: MediaItem[][];
/** Every ffprobe run, through a wrapper that logs then runs the real one. */
let probeLog: string;
let probeWrapper: string;

function newLibrary(
  options: { ffprobe?: string; ffmpeg?: string; concurrency?: number; probeTimeoutMs?: number; analysisTimeoutMs?: number } = {},
): MediaLibrary {
  return new MediaLibrary({
    repository: new MediaRepository(store.db),
    dataDir,
    binaries: () => ({ ffmpeg: options.ffmpeg ?? '/usr/bin/ffmpeg', ffprobe: options.ffprobe ?? probeWrapper }),
    ...(options.analysisTimeoutMs ? { analysisTimeoutMs: options.analysisTimeoutMs } : {}),
    onChanged: (items) => changes.push(items),
    log: new Logger({ sink: () => {}, level: 'error' }),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.probeTimeoutMs ? { probeTimeoutMs: options.probeTimeoutMs } : {}),
  });
}

function writeScript(file: string, body: string): string {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-media-'));
  store = openStore(dataDir);
  changes = [];
  probeLog = path.join(dataDir, 'probe.log');
  probeWrapper = writeScript(
    path.join(dataDir, 'ffprobe-logged'),
    `echo "start $$" >> '${probeLog}'\n/usr/bin/ffprobe "$@"\nstatus=$?\necho "end $$" >> '${probeLog}'\nexit $status`,
  );
  library = newLibrary();
});
afterEach(async () => {
  await library.close();
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const probeRuns = () =>
  existsSync(probeLog)
    ? readFileSync(probeLog, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('start')).length
    : 0;
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** An image's pixels as RGB, decoded by ffmpeg. */
function rgbOf(imageFile: string): { width: number; height: number; rgb: Buffer } {
  const [width, height] = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', imageFile], { encoding: 'utf8' })
    .trim()
    .split(',')
    .map(Number) as [number, number];
  const rgb = execFileSync('ffmpeg', ['-v', 'error', '-i', imageFile, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 64 << 20 });
  return { width, height, rgb };
}

/** The clip's frame at `seconds`, scaled as a filmstrip tile is. */
function frameAt(file: string, seconds: number): { width: number; height: number; rgb: Buffer } {
  const png = path.join(dataDir, `frame-${seconds}.png`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', seconds.toFixed(3), '-i', file, '-frames:v', '1', '-vf', `scale=${FILMSTRIP_TILE_WIDTH}:-2`, png]);
  return rgbOf(png);
}

async function analysed(id: number): Promise<MediaItem> {
  await expect.poll(() => library.list().find((item) => item.id === id)?.analysing, { timeout: 60_000, interval: 100 }).toBe(false);
  return library.list().find((item) => item.id === id)!;
}

describe('media library: import', () => {
  it('finds each clip’s duration (± one frame), video, audio and chapters', async () => {
    const expected = [
      {
        file: clips.a,
        seconds: 10,
        chapters: [
          { title: 'A opening', startSeconds: 0 },
          { title: 'A part two', startSeconds: 4 },
        ],
      },
      {
        file: clips.b,
        seconds: 12,
        chapters: [
          { title: 'B one', startSeconds: 0 },
          { title: 'B two', startSeconds: 6.5 },
        ],
      },
      {
        file: clips.c,
        seconds: 15,
        chapters: [
          { title: 'C first', startSeconds: 0 },
          { title: 'C second', startSeconds: 9 },
        ],
      },
    ];
    const items = await Promise.all(expected.map(({ file }) => library.import(file)));
    for (const [index, item] of items.entries()) {
      const want = expected[index]!;
      expect(item.state).toBe('ready');
      expect(item.reason).toBeUndefined();
      expect(item.path).toBe(want.file);
      expect(item.name).toBe(path.basename(want.file));
      expect(Math.abs(item.durationSeconds! - want.seconds)).toBeLessThanOrEqual(FRAME);
      expect(item.video).toEqual({ width: 320, height: 180, frameRate: { num: FPS, den: 1 }, codec: 'h264' });
      expect(item.audio).toEqual({ codec: 'aac', channels: 2, sampleRate: 48_000 });
      expect(item.chapters.map((chapter) => chapter.title)).toEqual(want.chapters.map((chapter) => chapter.title));
      for (const [n, chapter] of item.chapters.entries()) expect(chapter.startSeconds).toBeCloseTo(want.chapters[n]!.startSeconds, 3);
    }
    // Stored: a fresh library on the same file answers the same.
    expect(
      newLibrary()
        .list()
        .map((item) => [item.id, item.durationSeconds, item.chapters]),
    ).toEqual([...items].sort((x, y) => x.id - y.id).map((item) => [item.id, item.durationSeconds, item.chapters]));
    expect(changes.length).toBeGreaterThanOrEqual(3);
    expect(
      changes
        .at(-1)!
        .map((item) => item.id)
        .sort(),
    ).toEqual(items.map((item) => item.id).sort());
  }, 120_000);

  it('measures the integrated loudness of a −20 dBFS stereo tone (≈ −20 LUFS) and caches a 320 px JPEG thumbnail', async () => {
    const imported = await library.import(clips.a);
    expect(imported.loudnessLufs).toBeNull();
    const item = await analysed(imported.id);
    expect(item.analysisError).toBeNull();
    expect(item.loudnessLufs).not.toBeNull();
    expect(Math.abs(item.loudnessLufs! - -20)).toBeLessThanOrEqual(2);
    expect(item.thumbnailPath).toBe(path.join(dataDir, MEDIA_CACHE_DIR, String(item.id), 'thumb.jpg'));
    const jpeg = readFileSync(item.thumbnailPath!);
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    // SOF0 gives the size: 320 wide, the height kept in proportion.
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(jpeg.readUInt16BE(sof + 7)).toBe(320);
    expect(jpeg.readUInt16BE(sof + 5)).toBe(180);
    // The last change event carries the result.
    expect(changes.at(-1)!.find((entry) => entry.id === item.id)?.loudnessLufs).toBe(item.loudnessLufs);
  }, 120_000);

  it('caches a filmstrip: 16 tiles 96 px wide, tile i the frame at the middle of its share of the duration', async () => {
    const item = await analysed((await library.import(clips.c)).id);
    expect(item.analysisError).toBeNull();
    expect(item.filmstripPath).toBe(path.join(dataDir, MEDIA_CACHE_DIR, String(item.id), FILMSTRIP_FILE));
    expect(library.picturePath(item.id, 'filmstrip')).toBe(item.filmstripPath);
    const strip = rgbOf(item.filmstripPath!);
    expect([strip.width, strip.height]).toEqual([FILMSTRIP_FRAMES * FILMSTRIP_TILE_WIDTH, 54]);
    // Each tile against the frame ffmpeg decodes at that tile’s time: close (JPEG, burnt-in text), and
    // clearly unlike the same frame set against its neighbour's tile.
    const tileDifference = (tile: number, frame: { width: number; height: number; rgb: Buffer }) => {
      let sum = 0;
      for (let y = 0; y < frame.height; y++) {
        for (let x = 0; x < frame.width * 3; x++)
          sum += Math.abs(strip.rgb[(y * strip.width + tile * FILMSTRIP_TILE_WIDTH) * 3 + x]! - frame.rgb[y * frame.width * 3 + x]!);
      }
      return sum / (frame.width * frame.height * 3);
    };
    for (const tile of [0, 7, 15]) {
      const frame = frameAt(clips.c, filmstripFrameSeconds(item.durationSeconds!, FILMSTRIP_FRAMES, tile));
      const own = tileDifference(tile, frame);
      const neighbour = tileDifference(tile === 15 ? 14 : tile + 1, frame);
      expect(own).toBeLessThan(12);
      expect(neighbour).toBeGreaterThan(own * 2);
    }
  }, 120_000);

  it('a file without audio has no loudness and no analysis error', async () => {
    const item = await analysed((await library.import(clips.silentVideo)).id);
    expect(item.state).toBe('ready');
    expect(item.audio).toBeNull();
    expect(item.loudnessLufs).toBeNull();
    expect(item.analysisError).toBeNull();
    expect(item.thumbnailPath).not.toBeNull();
  }, 60_000);

  it('a corrupt file is listed as failed with the reason, not thrown', async () => {
    const truncated = path.join(dataDir, 'truncated.mp4');
    copyFileSync(clips.b, truncated);
    truncateSync(truncated, 2000); // the moov atom of an MP4 sits at the end: gone
    const random = path.join(dataDir, 'random.mp4');
    writeFileSync(random, Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919 + 13) % 251)));
    for (const file of [truncated, random]) {
      const item = await library.import(file);
      expect(item.state).toBe('failed');
      expect(item.reason).toMatch(/^ffprobe (could not read this file|found no decodable video or audio)/);
      expect(item.reason!.length).toBeGreaterThan(30);
      expect(item.durationSeconds).toBeNull();
      expect(item.analysing).toBe(false);
    }
    expect(library.list().map((item) => item.state)).toEqual(['failed', 'failed']);
  }, 60_000);

  it('a bad path is refused naming `path`, and no ffprobe is started', async () => {
    const folder = path.join(dataDir, 'a-folder');
    mkdirSync(folder);
    const unreadable = path.join(dataDir, 'unreadable.mp4');
    copyFileSync(clips.a, unreadable);
    chmodSync(unreadable, 0o000);
    const bad = [path.join(dataDir, 'missing.mp4'), folder, 'relative/clip.mp4'];
    // root reads any file: the permission case only counts when the tests do not run as root
    if (process.getuid?.() !== 0) bad.push(unreadable);
    for (const file of bad) {
      const refused = await library.import(file).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(MediaError);
      expect((refused as MediaError).toCommandError()).toMatchObject({ code: 'BAD_ARGUMENT', field: 'path' });
      expect((refused as MediaError).message).toMatch(/^path: /);
    }
    expect(probeRuns()).toBe(0);
    expect(library.list()).toEqual([]);
    await library.import(clips.a); // the wrapper does count a real probe
    expect(probeRuns()).toBe(1);
  }, 60_000);

  it('refuses a playlist or a concat list without probing it', async () => {
    const playlist = path.join(dataDir, 'list.m3u8');
    writeFileSync(playlist, `#EXTM3U\n#EXTINF:10,\n${clips.a}\n`);
    const concat = path.join(dataDir, 'list.mp4');
    writeFileSync(concat, `ffconcat version 1.0\nfile '${clips.a}'\n`);
    for (const file of [playlist, concat]) {
      const refused = (await library.import(file).catch((error: unknown) => error)) as MediaError;
      expect(refused.toCommandError()).toMatchObject({ code: 'BAD_ARGUMENT', field: 'path' });
      expect(refused.message).toMatch(/names other files or addresses/);
    }
    expect(probeRuns()).toBe(0);
  });

  it('a probe that hangs is stopped at its time limit and the file is failed', async () => {
    await library.close();
    const hanging = writeScript(path.join(dataDir, 'ffprobe-hangs'), 'exec sleep 60');
    library = newLibrary({ ffprobe: hanging, probeTimeoutMs: 500 });
    const item = await library.import(clips.a);
    expect(item.state).toBe('failed');
    expect(item.reason).toMatch(/took too long and was stopped/);
  }, 30_000);

  it('an analysis that hangs is stopped at its time limit: the item says why, and stays ready', async () => {
    await library.close();
    const hanging = writeScript(path.join(dataDir, 'ffmpeg-hangs'), 'exec sleep 60');
    library = newLibrary({ ffmpeg: hanging, analysisTimeoutMs: 500 });
    const item = await analysed((await library.import(clips.a)).id);
    expect(item.state).toBe('ready');
    expect(item.loudnessLufs).toBeNull();
    expect(item.thumbnailPath).toBeNull();
    expect(item.analysisError).toMatch(/^loudness: .*timed out.*; thumbnail: .*timed out/);
    expect(existsSync(path.join(dataDir, MEDIA_CACHE_DIR, String(item.id), 'thumb.jpg'))).toBe(false);
  }, 30_000);

  it('runs at most two probes at once, however many imports arrive', async () => {
    const slow = writeScript(
      path.join(dataDir, 'ffprobe-slow'),
      `echo "start $$" >> '${probeLog}'\nsleep 0.3\n/usr/bin/ffprobe "$@"\nstatus=$?\necho "end $$" >> '${probeLog}'\nexit $status`,
    );
    await library.close();
    library = newLibrary({ ffprobe: slow });
    const copies = Array.from({ length: 5 }, (_, i) => {
      const copy = path.join(dataDir, `copy-${i}.mkv`);
      copyFileSync(clips.a, copy);
      return copy;
    });
    const items = await Promise.all(copies.map((file) => library.import(file)));
    expect(items.every((item) => item.state === 'ready')).toBe(true);
    let running = 0;
    let most = 0;
    for (const line of readFileSync(probeLog, 'utf8').split('\n').filter(Boolean)) {
      running += line.startsWith('start') ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(probeRuns()).toBe(5);
    expect(most).toBeLessThanOrEqual(2);
  }, 60_000);

  it('an analysis cut short by a shutdown is picked up by the next start', async () => {
    const item = await library.import(clips.a);
    expect(item.analysing).toBe(true);
    await library.close(); // stops the analysis before it stored anything
    expect(newLibrary().list()[0]).toMatchObject({ loudnessLufs: null, thumbnailPath: null, analysisError: null });
    library = newLibrary();
    library.resumeAnalyses();
    const resumed = await analysed(item.id);
    expect(resumed.loudnessLufs).not.toBeNull();
    expect(existsSync(resumed.thumbnailPath!)).toBe(true);
    expect(existsSync(resumed.filmstripPath!)).toBe(true);
  }, 60_000);

  it('an item analysed before filmstrips existed gets one at the next start', async () => {
    const item = await analysed((await library.import(clips.a)).id);
    rmSync(item.filmstripPath!);
    await library.close();
    library = newLibrary();
    expect(library.list()[0]!.filmstripPath).toBeNull();
    library.resumeAnalyses();
    expect(existsSync((await analysed(item.id)).filmstripPath!)).toBe(true);
  }, 60_000);

  it('importing the same file again keeps its id and name', async () => {
    const first = await library.import(clips.a);
    library.update(first.id, { name: 'Renamed' });
    const again = await library.import(clips.a);
    expect(again.id).toBe(first.id);
    expect(again.name).toBe('Renamed');
    expect(library.list()).toHaveLength(1);
  }, 60_000);
});

describe('media library: update and remove', () => {
  it('stores edited chapters, validated against the duration, and never touches the file', async () => {
    const before = sha256(clips.c);
    const mtime = statSync(clips.c).mtimeMs;
    const item = await library.import(clips.c);
    const chapters = [
      { title: 'Cold open', startSeconds: 0 },
      { title: 'Break here', startSeconds: 5.2 },
      { title: 'Last', startSeconds: 12 },
    ];
    const updated = library.update(item.id, { name: 'Show C', chapters });
    expect(updated.chapters).toEqual(chapters);
    expect(updated.name).toBe('Show C');
    expect(newLibrary().list()[0]).toMatchObject({ name: 'Show C', chapters });

    const past = (() => {
      try {
        library.update(item.id, {
          chapters: [
            { title: 'x', startSeconds: 0 },
            { title: 'too late', startSeconds: 15.5 },
          ],
        });
      } catch (error) {
        return error as MediaError;
      }
      return null;
    })();
    expect(past?.toCommandError()).toMatchObject({ code: 'BAD_ARGUMENT', field: 'chapters.1.startSeconds' });
    expect(library.list()[0]!.chapters).toEqual(chapters); // unchanged by the refused edit

    await analysed(item.id);
    expect(sha256(clips.c)).toBe(before);
    expect(statSync(clips.c).mtimeMs).toBe(mtime);
  }, 60_000);

  it('a failed file can be renamed but given no chapters', async () => {
    const random = path.join(dataDir, 'junk.mp4');
    writeFileSync(random, Buffer.alloc(4096, 7));
    const item = await library.import(random);
    expect(library.update(item.id, { name: 'Junk' }).name).toBe('Junk');
    expect(() => library.update(item.id, { chapters: [{ title: 'a', startSeconds: 0 }] })).toThrow(/no duration/);
  });

  it('remove deletes the row and the cache folder, not the file', async () => {
    const item = await analysed((await library.import(clips.a)).id);
    const cache = path.join(dataDir, MEDIA_CACHE_DIR, String(item.id));
    expect(existsSync(path.join(cache, 'thumb.jpg'))).toBe(true);
    expect(existsSync(path.join(cache, FILMSTRIP_FILE))).toBe(true);
    expect(await library.remove(item.id)).toEqual({ removed: true });
    expect(existsSync(cache)).toBe(false);
    expect(library.list()).toEqual([]);
    expect(store.db.prepare('SELECT count(*) AS n FROM media').get()).toEqual({ n: 0 });
    expect(existsSync(clips.a)).toBe(true);
    await expect(library.remove(item.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(changes.at(-1)).toEqual([]);
  }, 60_000);

  it('remove during the analysis stops it and leaves no cache folder behind', async () => {
    const item = await library.import(clips.c);
    expect(item.analysing).toBe(true);
    await library.remove(item.id);
    await library.close(); // waits for the aborted analysis to end
    expect(existsSync(path.join(dataDir, MEDIA_CACHE_DIR, String(item.id)))).toBe(false);
    expect(store.db.prepare('SELECT count(*) AS n FROM media').get()).toEqual({ n: 0 });
  }, 60_000);

  it('ids are never handed out twice', async () => {
    const first = await library.import(clips.a);
    await library.remove(first.id);
    const second = await library.import(clips.b);
    expect(second.id).toBeGreaterThan(first.id);
  }, 60_000);
});
