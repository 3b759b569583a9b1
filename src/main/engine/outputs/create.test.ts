import { describe, expect, it } from 'vitest';
import { createOutput, validateOutputSettings } from './create.ts';
import { OutputError } from './errors.ts';
import { HlsOutput } from './hls-output.ts';
import { RecordingOutput } from './recording-output.ts';
import { RtmpOutput } from './rtmp-output.ts';
import { SrtOutput } from './srt-output.ts';
import { capturingLogger } from '../../../../tests/support/outputs.ts';

const context = { ffmpegPath: 'ffmpeg', logger: capturingLogger().logger, previewDir: (id: string) => `/tmp/preview/${id}` };

describe('createOutput', () => {
  it('builds the output of each kind from stored settings, idle until started', () => {
    expect(createOutput('a', { kind: 'srt', url: 'srt://10.0.0.1:9000' }, context)).toBeInstanceOf(SrtOutput);
    expect(createOutput('b', { kind: 'rtmp', url: 'rtmp://h/live', streamKey: 'k-123' }, context)).toBeInstanceOf(RtmpOutput);
    const hls = createOutput('c', { kind: 'hls' }, context);
    expect(hls).toBeInstanceOf(HlsOutput);
    expect((hls as HlsOutput).playlistPath).toBe('/tmp/preview/c/index.m3u8');
    const recording = createOutput('d', { kind: 'recording', folder: '/rec' }, context);
    expect(recording).toBeInstanceOf(RecordingOutput);
    expect(recording.status()).toMatchObject({
      id: 'd',
      kind: 'recording',
      state: 'idle',
      bytesOut: 0,
      bitrateKbps: 0,
      reconnects: 0,
      target: '/rec/program-%Y%m%d-%H%M%S.ts',
    });
  });

  it('refuses bad settings with an error naming the field, as the contract reports it', () => {
    try {
      createOutput('a', { kind: 'srt', url: 'srt://10.0.0.1:9000', latencyMs: 9000 }, context);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OutputError);
      expect((error as OutputError).toCommandError()).toEqual({
        code: 'BAD_ARGUMENT',
        message: 'latencyMs: must be between 20 and 8000 ms',
        field: 'latencyMs',
      });
    }
    expect(() => validateOutputSettings({ kind: 'srt', url: 'srt://h:1', passphrase: 'short' })).toThrow('passphrase: must be 10–79 characters');
    expect(() => createOutput('bad id!', { kind: 'hls' }, context)).toThrow('id: must be 1–64 letters');
  });

  it('shows no secret in status', () => {
    const srt = createOutput('s', { kind: 'srt', url: 'srt://10.0.0.1:9000', passphrase: 'top-secret-phrase' }, context);
    const rtmp = createOutput('r', { kind: 'rtmp', url: 'rtmp://h/live', streamKey: 'key-abcdef' }, context);
    expect(JSON.stringify([srt.status(), rtmp.status()])).not.toMatch(/top-secret-phrase|key-abcdef/);
  });
});
