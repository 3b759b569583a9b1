import { describe, expect, it } from 'vitest';
import { AUDIO_PID, encoderArgs, ENCODER_AUDIO_FD, isProgressLine, ProgressParser, VIDEO_PID, type EncoderProgress } from './encoder-args.ts';
import { DEFAULT_PROGRAM_FORMAT, muxRateKbps, tsPayloadKbps, type ProgramFormat } from './program-format.ts';

const format: ProgramFormat = { ...DEFAULT_PROGRAM_FORMAT, gopFrames: 48, videoBitrateKbps: 4500, audioBitrateKbps: 160, x264Preset: 'faster' };

/** The value after `flag`; every flag here is expected exactly once. */
function argAfter(args: string[], flag: string): string {
  const at = args.indexOf(flag);
  expect(at, `${flag} present`).toBeGreaterThanOrEqual(0);
  expect(args.indexOf(flag, at + 1), `${flag} once`).toBe(-1);
  return args[at + 1]!;
}

/**
 * Real blocks, as Debian's FFmpeg 5.1 printed them with `-progress pipe:2 -stats_period 1` (libx264
 * veryfast, CBR 2000k, mpegts -muxrate 2600k): the first one, padded, and the one a second later.
 */
const FIRST_PROGRESS_BLOCK = `frame=1
fps=0.00
stream_0_0_q=18.0
bitrate=   0.0kbits/s
total_size=0
out_time_us=11
out_time_ms=11
out_time=00:00:00.000011
dup_frames=0
drop_frames=0
speed=0.00179x
progress=continue`;

const REAL_PROGRESS_BLOCK = `frame=31
fps=30.71
stream_0_0_q=15.0
bitrate=2091.6kbits/s
total_size=262144
out_time_us=1002667
out_time_ms=1002667
out_time=00:00:01.002667
dup_frames=0
drop_frames=0
speed=0.993x
progress=continue`;

function parseAll(text: string): EncoderProgress[] {
  const parser = new ProgressParser();
  return text.split('\n').flatMap((line) => {
    const report = parser.push(line);
    return report ? [report] : [];
  });
}

describe('encoderArgs', () => {
  const args = encoderArgs(format);

  it('fixes the GOP on the splice grid: -g and -keyint_min are gopFrames, scene-cut off', () => {
    expect(argAfter(args, '-g')).toBe('48');
    expect(argAfter(args, '-keyint_min')).toBe('48');
    expect(argAfter(args, '-sc_threshold')).toBe('0');
    expect(argAfter(args, '-x264-params')).toContain('open-gop=0');
  });

  it('is CBR x264: bitrate = maxrate, a bufsize, preset, tune zerolatency, profile high', () => {
    expect(argAfter(args, '-c:v')).toBe('libx264');
    expect(argAfter(args, '-b:v')).toBe('4500k');
    expect(argAfter(args, '-maxrate')).toBe('4500k');
    expect(argAfter(args, '-bufsize')).toMatch(/^\d+k$/);
    expect(argAfter(args, '-x264-params')).toContain('nal-hrd=cbr');
    expect(argAfter(args, '-preset')).toBe('faster');
    expect(argAfter(args, '-tune')).toBe('zerolatency');
    expect(argAfter(args, '-profile:v')).toBe('high');
  });

  it('reads raw yuv420p at the program size on stdin and s16le 48 kHz stereo on fd 3', () => {
    expect(args.slice(args.indexOf('-f'), args.indexOf('pipe:0') + 1)).toEqual([
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-video_size',
      '1920x1080',
      '-framerate',
      '30/1',
      '-i',
      'pipe:0',
    ]);
    expect(args).toContain(`pipe:${ENCODER_AUDIO_FD}`);
    const audioInput = args.indexOf(`pipe:${ENCODER_AUDIO_FD}`);
    expect(args.slice(audioInput - 7, audioInput + 1)).toEqual(['-f', 's16le', '-ar', '48000', '-ac', '2', '-i', 'pipe:3']);
  });

  it('encodes AAC and muxes a CBR MPEG-TS whose mux rate exceeds video + audio', () => {
    expect(argAfter(args, '-c:a')).toBe('aac');
    expect(argAfter(args, '-b:a')).toBe('160k');
    const output = args.slice(args.lastIndexOf('-f'));
    expect(output[1]).toBe('mpegts');
    expect(output.at(-1)).toBe('pipe:1');
    const muxrate = Number.parseInt(argAfter(args, '-muxrate'), 10);
    expect(argAfter(args, '-muxrate')).toBe(`${muxRateKbps(format)}k`);
    expect(muxrate).toBeGreaterThan(format.videoBitrateKbps + format.audioBitrateKbps);
    expect(Number(argAfter(args, '-mpegts_start_pid'))).toBe(VIDEO_PID);
    expect(AUDIO_PID).toBe(VIDEO_PID + 1);
  });

  // A mix of what creators pick: small and big, 29.97 and 60, thin and thick audio.
  const formats: ProgramFormat[] = [
    DEFAULT_PROGRAM_FORMAT,
    format,
    { ...DEFAULT_PROGRAM_FORMAT, width: 640, height: 360, videoBitrateKbps: 300, audioBitrateKbps: 64 },
    { ...DEFAULT_PROGRAM_FORMAT, width: 1280, height: 720, frameRate: { num: 30000, den: 1001 }, videoBitrateKbps: 3000 },
    { ...DEFAULT_PROGRAM_FORMAT, frameRate: { num: 60, den: 1 }, videoBitrateKbps: 8000, audioBitrateKbps: 320 },
    { ...DEFAULT_PROGRAM_FORMAT, videoBitrateKbps: 20_000, audioBitrateKbps: 256 },
  ];

  it('lets the mux send a VBV-full IDR before its DTS: -muxdelay covers the buffer at the rate left for video', () => {
    // FFmpeg's mpegtsenc keeps the PCR at most -muxdelay (0.7 s if not given) ahead of a frame's DTS
    // and then sends the frame at the mux rate; a frame still going out at its DTS is "dts < pcr,
    // TS is invalid". x264's VBV lets one IDR take the whole buffer, so sending -bufsize bits must
    // fit in the delay, at what the mux rate leaves for video: 184 of 188 bytes a packet, less the
    // audio (ADTS, PES and TS headers: < 10 %), PAT/PMT/SDT, PCR and cue packets (< 60 kb/s).
    for (const each of formats) {
      const eachArgs = encoderArgs(each);
      const at = eachArgs.indexOf('-muxdelay');
      const muxDelay = at >= 0 ? Number(eachArgs[at + 1]) : 0.7;
      const bufferKbits = Number.parseInt(argAfter(eachArgs, '-bufsize'), 10);
      const muxrate = Number.parseInt(argAfter(eachArgs, '-muxrate'), 10);
      const forVideoKbps = (muxrate - each.audioBitrateKbps * 1.1 - 60) * (184 / 188);
      expect(muxDelay * forVideoKbps, `${each.videoBitrateKbps}k video`).toBeGreaterThanOrEqual(bufferKbits);
      expect(muxDelay, 'latency stays bounded').toBeLessThanOrEqual(1.5);
    }
  });

  it('keeps 5 % headroom in the mux rate over everything the TS carries, so null packets remain for SCTE-35', () => {
    for (const each of formats) {
      const muxrate = Number.parseInt(argAfter(encoderArgs(each), '-muxrate'), 10);
      expect(muxrate, `${each.videoBitrateKbps}k video`).toBeGreaterThanOrEqual(tsPayloadKbps(each) * 1.05);
      // The overhead estimate is not a token one: TS headers alone are 2 % of the video.
      expect(tsPayloadKbps(each)).toBeGreaterThan((each.videoBitrateKbps + each.audioBitrateKbps) * (188 / 184));
    }
  });

  it('gives 29.97 as the exact fraction 30000/1001', () => {
    const ntsc = encoderArgs({ ...format, frameRate: { num: 30000, den: 1001 } });
    expect(argAfter(ntsc, '-framerate')).toBe('30000/1001');
  });

  it('keeps the same GOP grid and bitrates for a hardware encoder, without x264-only options', () => {
    const nvenc = encoderArgs({ ...format, videoEncoder: 'h264_nvenc' });
    expect(argAfter(nvenc, '-c:v')).toBe('h264_nvenc');
    expect(argAfter(nvenc, '-g')).toBe('48');
    expect(argAfter(nvenc, '-keyint_min')).toBe('48');
    expect(argAfter(nvenc, '-b:v')).toBe('4500k');
    expect(argAfter(nvenc, '-rc')).toBe('cbr');
    expect(nvenc).not.toContain('-x264-params');
    expect(nvenc).not.toContain('-tune');
  });

  it('asks for progress on stderr every second', () => {
    expect(argAfter(args, '-progress')).toBe('pipe:2');
    expect(argAfter(args, '-stats_period')).toBe('1');
  });
});

describe('ProgressParser', () => {
  it('turns a real -progress block into frame, fps, bitrate and speed', () => {
    expect(parseAll(REAL_PROGRESS_BLOCK)).toEqual([
      { frame: 31, fps: 30.71, bitrateKbps: 2091.6, speed: 0.993, outTimeUs: 1002667, dupFrames: 0, dropFrames: 0 },
    ]);
  });

  it('reads the first block, whose values FFmpeg pads, and starts each block afresh', () => {
    const reports = parseAll(`${FIRST_PROGRESS_BLOCK}\n${REAL_PROGRESS_BLOCK.replace('progress=continue', 'progress=end')}`);
    expect(reports).toEqual([
      { frame: 1, fps: 0, bitrateKbps: 0, speed: 0.00179, outTimeUs: 11, dupFrames: 0, dropFrames: 0 },
      { frame: 31, fps: 30.71, bitrateKbps: 2091.6, speed: 0.993, outTimeUs: 1002667, dupFrames: 0, dropFrames: 0 },
    ]);
  });

  it('gives null bitrate and speed when FFmpeg says N/A', () => {
    const reports = parseAll('frame=0\nfps=0.00\nbitrate=N/A\nout_time_us=N/A\nspeed=N/A\nprogress=continue');
    expect(reports).toEqual([{ frame: 0, fps: 0, bitrateKbps: null, speed: null, outTimeUs: 0, dupFrames: 0, dropFrames: 0 }]);
  });

  it('tells progress lines from what FFmpeg has to say', () => {
    for (const line of `${FIRST_PROGRESS_BLOCK}\n${REAL_PROGRESS_BLOCK}`.split('\n')) expect(isProgressLine(line), line).toBe(true);
    expect(isProgressLine('speed= 1.6x')).toBe(true);
    expect(isProgressLine('[mpegts @ 0x55d] dts < pcr, TS is invalid')).toBe(false);
    expect(isProgressLine('Guessed Channel Layout for Input Stream #1.0 : stereo')).toBe(false);
    expect(isProgressLine('pipe:0: Invalid data found when processing input')).toBe(false);
  });
});
