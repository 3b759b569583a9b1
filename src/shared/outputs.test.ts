import { describe, expect, it } from 'vitest';
import {
  HLS_MARKER_STYLES,
  parseOutputSettings,
  parseRtmpUrl,
  parseSrtUrl,
  publicOutputSettings,
  recordingOutputSettings,
  type OutputSettings,
} from './outputs.ts';

function problem(raw: unknown): { field: string; message: string } {
  const parsed = parseOutputSettings(raw);
  if (parsed.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parsed.settings)}`);
  return parsed.problem;
}

function ok(raw: unknown): OutputSettings {
  const parsed = parseOutputSettings(raw);
  if (!parsed.ok) throw new Error(`refused: ${parsed.problem.message}`);
  return parsed.settings;
}

describe('SRT settings', () => {
  it('fills the defaults', () => {
    expect(ok({ kind: 'srt', url: 'srt://203.0.113.5:9000' })).toEqual({ kind: 'srt', url: 'srt://203.0.113.5:9000', mode: 'caller', latencyMs: 120 });
  });

  it('takes a listener, IPv6 hosts, encryption, a stream id and extra SRT options', () => {
    const settings = ok({
      kind: 'srt',
      url: 'srt://[::1]:7000?connect_timeout=500',
      mode: 'listener',
      latencyMs: 8000,
      passphrase: 'a'.repeat(79),
      pbkeylen: 32,
      streamId: '#!::r=live/ch1,m=publish',
    });
    expect(settings).toMatchObject({ mode: 'listener', latencyMs: 8000, pbkeylen: 32 });
    expect(ok({ kind: 'srt', url: 'srt://0.0.0.0:1/', passphrase: 'b'.repeat(10), latencyMs: 20 })).toMatchObject({ latencyMs: 20 });
  });

  it.each([
    [{ url: 'http://host:9000' }, 'url', 'url: must be an srt:// URL (srt://host:port)'],
    [{ url: 'srt://host' }, 'url', 'url: must include a port (srt://host:port)'],
    [{ url: 'srt://:9000' }, 'url', 'url: must name a host (srt://host:port; 0.0.0.0 to listen on every interface)'],
    [{ url: 'srt://host:0' }, 'url', 'url: port must be between 1 and 65535'],
    [{ url: 'srt://host:65536' }, 'url', 'url: port must be between 1 and 65535'],
    [{ url: 'srt://host:9x' }, 'url', 'url: port must be a number between 1 and 65535'],
    [{ url: 'srt://host:9000/live' }, 'url', 'url: must not have a path (srt://host:port)'],
    [{ url: 'srt://host:9000?latency=200000' }, 'url', 'url: must not set "latency": use the latencyMs field'],
    [{ url: 'srt://host:9000?passphrase=abcdefghijk' }, 'url', 'url: must not set "passphrase": use the passphrase field'],
    [{ url: 'srt://host:9000?pkt_size=1316' }, 'url', 'url: must not set "pkt_size": the studio sets it'],
    [{ latencyMs: 19 }, 'latencyMs', 'latencyMs: must be between 20 and 8000 ms'],
    [{ latencyMs: 8001 }, 'latencyMs', 'latencyMs: must be between 20 and 8000 ms'],
    [{ latencyMs: 120.5 }, 'latencyMs', 'latencyMs: must be a whole number of milliseconds'],
    [{ latencyMs: '120' }, 'latencyMs', 'latencyMs: must be a number of milliseconds'],
    [{ passphrase: 'short' }, 'passphrase', 'passphrase: must be 10–79 characters'],
    [{ passphrase: 'x'.repeat(80) }, 'passphrase', 'passphrase: must be 10–79 characters'],
    [{ passphrase: 'x'.repeat(12), pbkeylen: 20 }, 'pbkeylen', 'pbkeylen: must be 16, 24 or 32 (bytes)'],
    [{ pbkeylen: 16 }, 'pbkeylen', 'pbkeylen: needs a passphrase (the key length only applies to encryption)'],
    [{ mode: 'rendezvous' }, 'mode', 'mode: must be "caller" or "listener"'],
    [{ streamId: 's'.repeat(513) }, 'streamId', 'streamId: must be at most 512 characters'],
    [{ latency: 200 }, 'latency', 'latency: is not a setting of this output kind'],
  ])('refuses %j naming the field', (patch, field, message) => {
    expect(problem({ kind: 'srt', url: 'srt://host:9000', ...patch })).toEqual({ field, message });
  });

  it('reads the URL parts', () => {
    expect(parseSrtUrl('srt://example.com:9000?maxbw=1000000')).toEqual({ ok: true, value: { host: 'example.com', port: 9000, query: 'maxbw=1000000' } });
  });
});

describe('HLS settings', () => {
  it('fills the defaults; the publish folder is optional', () => {
    expect(ok({ kind: 'hls' })).toEqual({ kind: 'hls', segmentSeconds: 4, listSize: 6, markers: ['cue'] });
    expect(ok({ kind: 'hls', folder: '/srv/hls', segmentSeconds: 2, listSize: 10, markers: [...HLS_MARKER_STYLES] })).toMatchObject({ folder: '/srv/hls' });
    expect(ok({ kind: 'hls', folder: 'C:\\hls' })).toMatchObject({ folder: 'C:\\hls' });
  });

  it.each([
    [{ folder: 'relative/dir' }, 'folder', 'folder: must be an absolute path'],
    [{ folder: '' }, 'folder', 'folder: must not be empty'],
    [{ segmentSeconds: 0.5 }, 'segmentSeconds', 'segmentSeconds: must be between 1 and 30 seconds'],
    [{ segmentSeconds: 31 }, 'segmentSeconds', 'segmentSeconds: must be between 1 and 30 seconds'],
    [{ listSize: 1 }, 'listSize', 'listSize: must be between 2 and 100 segments'],
    [{ listSize: 3.5 }, 'listSize', 'listSize: must be a whole number of segments'],
    [{ markers: ['cue', 'elemental'] }, 'markers.1', 'markers.1: must be one of cue, daterange, oatcls, scte35'],
    [{ markers: ['cue', 'cue'] }, 'markers', 'markers: must not repeat a style'],
  ])('refuses %j naming the field', (patch, field, message) => {
    expect(problem({ kind: 'hls', ...patch })).toEqual({ field, message });
  });
});

describe('recording settings', () => {
  it('fills the default pattern', () => {
    expect(ok({ kind: 'recording', folder: '/rec' })).toEqual({ kind: 'recording', folder: '/rec', fileNamePattern: 'program-%Y%m%d-%H%M%S.ts' });
    expect(recordingOutputSettings.safeParse({ kind: 'recording', folder: '/rec', fileNamePattern: 'show 100%%.ts', rotateMinutes: 60 }).success).toBe(true);
  });

  it.each([
    [{ folder: 'rec' }, 'folder', 'folder: must be an absolute path'],
    [{ fileNamePattern: 'show.mp4' }, 'fileNamePattern', 'fileNamePattern: must end in .ts'],
    [{ fileNamePattern: '../up.ts' }, 'fileNamePattern', 'fileNamePattern: must be a file name, not a path'],
    [{ fileNamePattern: 'a/b.ts' }, 'fileNamePattern', 'fileNamePattern: must be a file name, not a path'],
    [{ fileNamePattern: 'show-%j.ts' }, 'fileNamePattern', 'fileNamePattern: may use only %Y %m %d %H %M %S %%'],
    [{ fileNamePattern: 'a?.ts' }, 'fileNamePattern', 'fileNamePattern: must not contain < > : " | ? * or NUL'],
    [{ rotateMinutes: 0 }, 'rotateMinutes', 'rotateMinutes: must be between 1 and 1440 minutes'],
  ])('refuses %j naming the field', (patch, field, message) => {
    expect(problem({ kind: 'recording', folder: '/rec', ...patch })).toEqual({ field, message });
  });

  it('needs a folder', () => {
    expect(problem({ kind: 'recording' }).field).toBe('folder');
  });
});

describe('RTMP settings', () => {
  it('takes rtmp and rtmps URLs with an application path', () => {
    expect(ok({ kind: 'rtmp', url: 'rtmps://live.example.com:443/app', streamKey: 'abc-123' })).toMatchObject({ url: 'rtmps://live.example.com:443/app' });
    expect(parseRtmpUrl('rtmp://a.example/live/sub')).toEqual({ ok: true, value: { scheme: 'rtmp', host: 'a.example', port: undefined, path: 'live/sub' } });
  });

  it.each([
    [{ url: 'srt://host:1' }, 'url', 'url: must be an rtmp:// or rtmps:// URL'],
    [{ url: 'rtmp://host' }, 'url', 'url: must include the application path (rtmp://host/app)'],
    [{ url: 'rtmp://host:99999/live' }, 'url', 'url: port must be between 1 and 65535'],
    [{ url: 'rtmp:///live' }, 'url', 'url: must name a host (rtmp://host/app)'],
    [{ streamKey: '' }, 'streamKey', 'streamKey: must not be empty'],
    [{ streamKey: 'a b' }, 'streamKey', 'streamKey: must not contain spaces, "/", "?" or "#"'],
  ])('refuses %j naming the field', (patch, field, message) => {
    expect(problem({ kind: 'rtmp', url: 'rtmp://host/live', streamKey: 'key-1', ...patch })).toEqual({ field, message });
  });
});

describe('any output', () => {
  it('refuses an unknown or missing kind, naming kind', () => {
    expect(problem({ kind: 'ndi' })).toEqual({ field: 'kind', message: 'kind: must be one of srt, hls, recording, rtmp' });
    expect(problem({}).field).toBe('kind');
  });

  it('shows settings without their secrets', () => {
    const srt = publicOutputSettings(ok({ kind: 'srt', url: 'srt://h:1', passphrase: 'secret-pass-1' }));
    expect(JSON.stringify(srt)).not.toContain('secret-pass-1');
    expect(srt).toMatchObject({ passphraseSet: true });
    const rtmp = publicOutputSettings(ok({ kind: 'rtmp', url: 'rtmp://h/live', streamKey: 'live_abcdef' }));
    expect(JSON.stringify(rtmp)).not.toContain('live_abcdef');
    expect(rtmp).toMatchObject({ streamKeySet: true });
  });
});
