import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  commandArgs,
  commandNames,
  httpStatusOf,
  errorCodes,
  validateCommandArgs,
  type CommandArgsInput,
  type CommandName,
  type CommandResult,
  type Health,
} from './contract.ts';
import { DEFAULT_CUE_SETTINGS } from './cues.ts';

/** One accepted and one refused argument set for every command, with the field the refusal names. */
const cases: { [C in CommandName]: { good: CommandArgsInput<C>; bad: unknown; badField: string | undefined } } = {
  'system.health': { good: {}, bad: { verbose: true }, badField: 'verbose' },
  'system.status': { good: {}, bad: { extra: 1 }, badField: 'extra' },
  'system.apiAccess': { good: {}, bad: { token: 'x' }, badField: 'token' },
  'settings.list': { good: {}, bad: { key: 'studio.name' }, badField: 'key' },
  'settings.set': { good: { key: 'studio.name', value: 'My channel' }, bad: { key: 'no.such.setting', value: 1 }, badField: 'key' },
  'streamKeys.list': { good: {}, bad: { all: true }, badField: 'all' },
  'streamKeys.create': { good: { name: 'OBS main' }, bad: { name: '   ' }, badField: 'name' },
  'streamKeys.reveal': { good: { id: 3 }, bad: { id: 0 }, badField: 'id' },
  'streamKeys.remove': { good: { id: 1 }, bad: { id: 1.5 }, badField: 'id' },
  'ingest.list': { good: {}, bad: { live: true }, badField: 'live' },
  'program.getFormat': { good: {}, bad: { width: 1920 }, badField: 'width' },
  'program.setFormat': {
    good: {
      width: 1920,
      height: 1080,
      frameRate: '29.97',
      videoBitrateKbps: 6000,
      gopFrames: 60,
      x264Preset: 'veryfast',
      audioBitrateKbps: 128,
      videoEncoder: 'libx264',
    },
    bad: {
      width: 1921,
      height: 1080,
      frameRate: '29.97',
      videoBitrateKbps: 6000,
      gopFrames: 60,
      x264Preset: 'veryfast',
      audioBitrateKbps: 128,
      videoEncoder: 'libx264',
    },
    badField: 'width',
  },
  'program.start': { good: {}, bad: { now: true }, badField: 'now' },
  'program.stop': { good: {}, bad: { force: 1 }, badField: 'force' },
  'program.status': { good: {}, bad: { frame: 1 }, badField: 'frame' },
  'program.ptsOfFrame': { good: { frame: 900 }, bad: { frame: 1.5 }, badField: 'frame' },
  'program.switchScene': {
    good: { sceneId: 2, atFrame: 300, transition: { kind: 'fade', frames: 15 } },
    bad: { sceneId: 2, atFrame: -1 },
    badField: 'atFrame',
  },
  'program.tbar': { good: { sceneId: 2, position: 0.5 }, bad: { sceneId: 2, position: 1.5 }, badField: 'position' },
  'sources.list': { good: {}, bad: { kind: 'rtmp' }, badField: 'kind' },
  'sources.create': {
    good: { name: 'Logo', config: { kind: 'image', path: '/srv/logo.png', width: 300, height: 120 } },
    bad: { name: 'Show', config: { kind: 'media', path: 'relative/show.mp4', width: 1920, height: 1080 } },
    badField: 'config.path',
  },
  'sources.update': { good: { id: 1, audio: { gainDb: -6, muted: false } }, bad: { id: 1, audio: { gainDb: 99 } }, badField: 'audio.gainDb' },
  'sources.remove': { good: { id: 4 }, bad: {}, badField: 'id' },
  'audio.getMaster': { good: {}, bad: { gainDb: 0 }, badField: 'gainDb' },
  'audio.setMaster': { good: { gainDb: -12, muted: false }, bad: { gainDb: 30, muted: false }, badField: 'gainDb' },
  'outputs.list': { good: {}, bad: { kind: 'srt' }, badField: 'kind' },
  'outputs.create': {
    good: { settings: { kind: 'srt', url: 'srt://distributor.example:9000', latencyMs: 200, passphrase: 'correct horse battery' } },
    bad: { settings: { kind: 'srt', url: 'srt://distributor.example:9000', passphrase: 'short' } },
    badField: 'settings.passphrase',
  },
  'outputs.update': {
    good: { id: 1, settings: { kind: 'recording', folder: '/srv/recordings' } },
    bad: { id: 1, settings: { kind: 'srt', url: 'srt://h:9000', latencyMs: 5 } },
    badField: 'settings.latencyMs',
  },
  'outputs.remove': { good: { id: 2 }, bad: { id: 'two' }, badField: 'id' },
  'outputs.start': { good: { id: 2 }, bad: { id: 0 }, badField: 'id' },
  'outputs.stop': { good: { id: 2 }, bad: {}, badField: 'id' },
  'outputs.startAll': { good: {}, bad: { force: true }, badField: 'force' },
  'outputs.stopAll': { good: {}, bad: { now: true }, badField: 'now' },
  'outputs.status': { good: {}, bad: { id: 1 }, badField: 'id' },
  'scenes.list': { good: {}, bad: { all: 1 }, badField: 'all' },
  'scenes.create': {
    good: { name: 'Main', layers: [{ sourceId: 1 }, { sourceId: 2, x: 1600, y: 40, opacity: 0.9 }] },
    bad: { name: 'Main', layers: [{ sourceId: 1, opacity: 2 }] },
    badField: 'layers.0.opacity',
  },
  'scenes.update': { good: { id: 1, name: 'Break slate' }, bad: { id: 1, layers: 'none' }, badField: 'layers' },
  'scenes.remove': { good: { id: 1 }, bad: { id: -3 }, badField: 'id' },
  'scte35.decode': { good: { section: '/DARAAAAAAAAAP/wAAAAAHpPv/8=' }, bad: { section: 42 }, badField: 'section' },
  'scte35.inject': { good: { section: '0xFC301100000000000000FFF0000000007A4FBFFF' }, bad: { section: '' }, badField: 'section' },
  'scte35.log': { good: { limit: 10 }, bad: { limit: 0 }, badField: 'limit' },
  'stats.get': { good: {}, bad: { at: 1 }, badField: 'at' },
  'stats.history': { good: {}, bad: { limit: 100000 }, badField: 'limit' },
  'scte35.encode': { good: { section: { table_id: 252 } }, bad: { section: { table_id: 252 }, format: 'binary' }, badField: 'format' },
  'cues.startBreak': { good: { durationSeconds: 30, prerollSeconds: 4 }, bad: { durationSeconds: 0.5 }, badField: 'durationSeconds' },
  'cues.returnNow': { good: {}, bad: { frame: 1 }, badField: 'frame' },
  'cues.cancel': { good: {}, bad: { eventId: 1 }, badField: 'eventId' },
  'cues.status': { good: {}, bad: { verbose: true }, badField: 'verbose' },
  'cues.asRun': { good: { limit: 20 }, bad: { limit: 0 }, badField: 'limit' },
  'cues.getSettings': { good: {}, bad: { key: 'x' }, badField: 'key' },
  'cues.setSettings': {
    good: { signalStyle: 'time_signal_advertisement', upid: { type: 'mpu', formatIdentifier: 'ABCD', privateData: '01ff' }, heartbeatSeconds: null },
    bad: { returnPrerollSeconds: 11 },
    badField: 'returnPrerollSeconds',
  },
  'alerts.start': { good: { text: 'Severe weather warning', style: 'crawl', durationSeconds: 60 }, bad: { text: 'x', style: 'banner' }, badField: 'style' },
  'alerts.stop': { good: {}, bad: { force: true }, badField: 'force' },
  'alerts.status': { good: {}, bad: { all: true }, badField: 'all' },
  'alerts.log': { good: {}, bad: { limit: 1001 }, badField: 'limit' },
  'media.import': { good: { path: '/media/show.mp4' }, bad: { path: 'show.mp4' }, badField: 'path' },
  'media.list': { good: {}, bad: { all: true }, badField: 'all' },
  'media.update': {
    good: {
      id: 1,
      chapters: [
        { title: 'Part 1', startSeconds: 0 },
        { title: 'Part 2', startSeconds: 5 },
      ],
    },
    bad: {
      id: 1,
      chapters: [
        { title: 'B', startSeconds: 5 },
        { title: 'A', startSeconds: 2 },
      ],
    },
    badField: 'chapters.1.startSeconds',
  },
  'media.remove': { good: { id: 1 }, bad: { id: -1 }, badField: 'id' },
  'schedule.add': {
    good: { mediaId: 3, startAt: '2026-12-06T20:00:00Z', breaks: { atChapters: true, durationSeconds: 60 } },
    bad: { mediaId: 3, startAt: '2026-12-06T20:00:00Z', after: 2 },
    badField: 'after',
  },
  'schedule.addLive': {
    good: { sceneId: 2, startAt: '2026-12-06T20:00:00+01:00', durationSeconds: 3600 },
    bad: { sceneId: 2, startAt: '20:00', durationSeconds: 3600 },
    badField: 'startAt',
  },
  'schedule.move': { good: { id: 4, after: 3 }, bad: { id: 4 }, badField: 'startAt' },
  'schedule.trim': { good: { id: 4, inSeconds: 12.5, durationSeconds: 600 }, bad: { id: 4, durationSeconds: 0 }, badField: 'durationSeconds' },
  'schedule.setBreaks': { good: { id: 4, breaks: null }, bad: { id: 4, breaks: { atChapters: false, durationSeconds: 30 } }, badField: 'breaks.atChapters' },
  'schedule.remove': { good: { ids: [4, 5] }, bad: { ids: [] }, badField: 'ids' },
  'schedule.list': { good: { from: '2026-12-06T00:00:00Z', to: '2026-12-07T00:00:00Z' }, bad: { from: 'yesterday' }, badField: 'from' },
  'playout.getSettings': { good: {}, bad: { channelName: 'x' }, badField: 'channelName' },
  'playout.setSettings': { good: { fillerMediaIds: [1, 2], hideFillerInGuide: true }, bad: { loudnessTargetLufs: 0 }, badField: 'loudnessTargetLufs' },
  'playout.setEnabled': { good: { enabled: true }, bad: { enabled: 'yes' }, badField: 'enabled' },
  'playout.status': { good: {}, bad: { verbose: true }, badField: 'verbose' },
};

describe('contract', () => {
  it('has a validation case for every command', () => {
    expect(Object.keys(cases).sort()).toEqual([...commandNames].sort());
  });

  describe.each(commandNames)('%s', (command) => {
    const { good, bad, badField } = cases[command];

    it('accepts good arguments', () => {
      const result = validateCommandArgs(command, good);
      expect(result.ok).toBe(true);
    });

    it('refuses bad arguments with a typed error naming the field', () => {
      const result = validateCommandArgs(command, bad);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('BAD_ARGUMENT');
      expect(result.error.field).toBe(badField);
      expect(result.error.message).toContain(command);
      expect(result.error.message).toContain(String(badField));
    });

    it('refuses a non-object', () => {
      const result = validateCommandArgs(command, 'not an object');
      expect(result.ok).toBe(false);
    });
  });

  it('treats missing arguments as an empty object', () => {
    expect(validateCommandArgs('system.health', undefined).ok).toBe(true);
    expect(validateCommandArgs('streamKeys.create', undefined).ok).toBe(false);
  });

  it('refuses paths FFmpeg would read as a URL or an option', () => {
    for (const path of ['http://example.com/a.mp4', 'srt://h:1', '-i', 'concat:a|b', '']) {
      const result = validateCommandArgs('sources.create', { name: 'x', config: { kind: 'media', path, width: 640, height: 360 } });
      expect(result.ok, path).toBe(false);
      if (!result.ok) expect(result.error.field).toBe('config.path');
    }
  });

  it('names the field inside a source config', () => {
    const result = validateCommandArgs('sources.create', { name: 'x', config: { kind: 'color', color: 'blue', width: 640, height: 360 } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ field: 'config.color', message: expect.stringContaining('#rrggbb') });
  });

  it('refuses a malformed SRT URL, naming the field', () => {
    const result = validateCommandArgs('outputs.create', { settings: { kind: 'srt', url: 'http://not-srt:9000' } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.field).toBe('settings.url');
  });

  it('applies defaults', () => {
    const result = validateCommandArgs('scte35.encode', { section: {} });
    expect(result.ok && result.args.format).toBe('base64');
  });

  it('trims names before checking them', () => {
    const result = validateCommandArgs('streamKeys.create', { name: '  Studio A  ' });
    expect(result.ok && result.args.name).toBe('Studio A');
  });

  it('names the out-of-range field of a break: duration, preroll', () => {
    for (const [args, field] of [
      [{ durationSeconds: 3601 }, 'durationSeconds'],
      [{ durationSeconds: 30, prerollSeconds: 31 }, 'prerollSeconds'],
      [{ durationSeconds: 30, prerollSeconds: -1 }, 'prerollSeconds'],
      [{}, 'durationSeconds'],
    ] as const) {
      const result = validateCommandArgs('cues.startBreak', args);
      expect(result.ok, JSON.stringify(args)).toBe(false);
      if (!result.ok) expect(result.error).toMatchObject({ code: 'BAD_ARGUMENT', field });
    }
  });

  it('names the field inside cue settings (a UPID, a hotkey)', () => {
    const upid = validateCommandArgs('cues.setSettings', { upid: { type: 'mpu', formatIdentifier: 'TOOLONG', privateData: '' } });
    expect(upid.ok).toBe(false);
    if (!upid.ok) expect(upid.error.field).toBe('upid.formatIdentifier');
    // The one bad key is named, in a whole map or alone.
    const hotkey = validateCommandArgs('cues.setSettings', { hotkeys: { ...DEFAULT_CUE_SETTINGS.hotkeys, cancel: 'Ctrl+' } });
    expect(hotkey.ok).toBe(false);
    if (!hotkey.ok) expect(hotkey.error.field).toBe('hotkeys.cancel');
    const alone = validateCommandArgs('cues.setSettings', { hotkeys: { returnNow: 'Ctrl+' } });
    expect(alone.ok).toBe(false);
    if (!alone.ok) expect(alone.error.field).toBe('hotkeys.returnNow');
    // One action's key alone is a valid change (automation need not send the whole map); an unknown action is not.
    expect(validateCommandArgs('cues.setSettings', { hotkeys: { returnNow: 'Ctrl+KeyR' } }).ok).toBe(true);
    expect(validateCommandArgs('cues.setSettings', { hotkeys: { breakNow: 'F7' } }).ok).toBe(false);
  });

  it('maps every error code to an HTTP status', () => {
    for (const code of errorCodes) expect(httpStatusOf[code]).toBeGreaterThanOrEqual(400);
    expect(httpStatusOf.BAD_ARGUMENT).toBe(400);
    expect(httpStatusOf.UNKNOWN_COMMAND).toBe(404);
    expect(httpStatusOf.UNAUTHORIZED).toBe(401);
  });

  it('types results per command', () => {
    expectTypeOf<CommandResult<'system.health'>>().toEqualTypeOf<Health>();
    expectTypeOf<CommandArgsInput<'streamKeys.create'>>().toEqualTypeOf<{ name: string }>();
    expectTypeOf(commandArgs).toHaveProperty('system.status');
  });
});
