// ffprobe's JSON read into what the library stores, and ebur128's summary read into LUFS.
import { describe, expect, it } from 'vitest';
import { integratedLoudnessFrom } from './analysis.ts';
import { MediaError } from './errors.ts';
import { verdictFromFfprobe } from './probe.ts';

const probe = (value: unknown) => verdictFromFfprobe('/media/x.mkv', JSON.stringify(value));

describe('verdictFromFfprobe', () => {
  it('refuses a playlist-like demuxer found by the probe, naming path', () => {
    for (const formatName of ['hls', 'concat', 'image2', 'mov,mp4,m4a,3gp,3g2,mj2,dash']) {
      let refused: unknown;
      try {
        probe({ format: { format_name: formatName, duration: '10' }, streams: [{ codec_type: 'video', codec_name: 'h264' }] });
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(MediaError);
      expect((refused as MediaError).toCommandError()).toMatchObject({ code: 'BAD_ARGUMENT', field: 'path' });
    }
  });

  it('a file with only cover art or undecodable streams is failed with the reason', () => {
    const coverOnly = probe({
      format: { format_name: 'mp3', duration: '10' },
      streams: [{ codec_type: 'video', codec_name: 'mjpeg', width: 500, height: 500, r_frame_rate: '90000/1', disposition: { attached_pic: 1 } }],
    });
    expect(coverOnly).toEqual({ state: 'failed', reason: 'ffprobe found no decodable video or audio in this file (mp3).' });
    const unknownCodec = probe({ format: { format_name: 'matroska,webm', duration: '10' }, streams: [{ codec_type: 'video', width: 320, height: 180 }] });
    expect(unknownCodec.state).toBe('failed');
  });

  it('no duration is failed; chapters out of range or out of order are dropped', () => {
    expect(
      probe({ format: { format_name: 'mpegts' }, streams: [{ codec_type: 'audio', codec_name: 'aac', channels: 2, sample_rate: '48000' }] }),
    ).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/no duration/),
    });
    const verdict = probe({
      format: { format_name: 'matroska,webm', duration: '20.000000' },
      streams: [{ codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, r_frame_rate: '30000/1001' }],
      chapters: [{ start_time: '0.000000', tags: { title: 'One' } }, { start_time: '8.5' }, { start_time: '4' }, { start_time: '25', tags: { title: 'Past' } }],
    });
    expect(verdict).toEqual({
      state: 'ready',
      durationSeconds: 20,
      video: { width: 1920, height: 1080, frameRate: { num: 30000, den: 1001 }, codec: 'h264' },
      audio: null,
      chapters: [
        { title: 'One', startSeconds: 0 },
        { title: 'Chapter 2', startSeconds: 8.5 },
      ],
    });
  });

  it('text that is not JSON is a failed probe', () => {
    expect(verdictFromFfprobe('/media/x.mkv', 'not json')).toMatchObject({ state: 'failed' });
  });
});

describe('integratedLoudnessFrom', () => {
  it('reads the summary’s I: line (the last one), -inf for digital silence, null without one', () => {
    const summary = ['[Parsed_ebur128_0 @ 0x1] Summary:', '  Integrated loudness:', '    I:         -20.3 LUFS', '    Threshold: -30.3 LUFS'];
    expect(integratedLoudnessFrom(summary)).toBe(-20.3);
    expect(integratedLoudnessFrom(['    I:         -70.0 LUFS', '    I:         -19.0 LUFS'])).toBe(-19);
    expect(integratedLoudnessFrom(['    I:          -inf LUFS'])).toBe(Number.NEGATIVE_INFINITY);
    expect(integratedLoudnessFrom(['    LRA:         0.0 LU'])).toBeNull();
  });
});
