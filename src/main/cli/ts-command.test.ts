import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCueOut, encodeSection } from '../engine/scte35/index.ts';
import { makeTestTs } from '../../../tests/support/mpegts.ts';
import type { TsInspection } from '../engine/mpegts/inspect.ts';
import { runTsCommand } from './ts-command.ts';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runTsCommand(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

let work: string;
let input: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'ts-command-test-'));
  input = makeTestTs({ muxrate: 2_000_000 });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('studio ts inspect', () => {
  it('prints programs, PIDs, PCR PID, duration, IDR count and continuity errors as JSON', async () => {
    const { code, stdout } = await run(['inspect', input]);
    expect(code).toBe(0);
    const info = JSON.parse(stdout) as TsInspection;
    expect(info.programs).toHaveLength(1);
    expect(info.programs[0]!.streams.map((s) => s.streamTypeName)).toEqual(['h264', 'aac']);
    expect(info.pcrPid).toBe(info.videoPid);
    expect(info.durationSeconds).toBe(12);
    expect(info.continuityErrors).toBe(0);
    expect(info.pids.find((p) => p.pid === 0x1fff)?.packets).toBe(info.nullPackets);
    // ffprobe's count of key frames agrees with our IDR detection.
    const keyframes = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=flags', '-of', 'csv=p=0', input], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((l) => l.startsWith('K')).length;
    expect(info.idrCount).toBe(keyframes);
    expect(info.frames).toBe(360);
  });
});

describe('studio ts inject', () => {
  it('injects --break and --cue forms; inspect shows every section with packet index, arrival PTS and decoded form', async () => {
    const output = path.join(work, 'out.ts');
    const info = JSON.parse((await run(['inspect', input])).stdout) as TsInspection;
    const splice = info.idrPts[8]!;
    const section = encodeSection(buildCueOut({ eventId: 99, ptsTime: splice, durationTicks: 90_000 }));
    const cueFile = path.join(work, 'cue.bin');
    writeFileSync(cueFile, section);
    const json = JSON.stringify({
      table_id: 252,
      section_syntax_indicator: false,
      private_indicator: false,
      sap_type: 3,
      protocol_version: 0,
      encrypted_packet: false,
      encryption_algorithm: 0,
      pts_adjustment: 0,
      cw_index: 255,
      tier: 4095,
      splice_command_type: 0,
      splice_command: { splice_command_type: 0 },
      descriptors: [],
    });
    const { code, stdout, stderr } = await run([
      'inject',
      '--input',
      input,
      '--output',
      output,
      '--break',
      '5:2',
      '--cue',
      Buffer.from(section).toString('base64'),
      '--cue',
      `@${cueFile}`,
      '--cue',
      Buffer.from(section).toString('hex'),
      '--cue',
      json,
      '--preroll',
      '4',
      '--repeat-interval',
      '1',
      '--pid',
      '600',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).pid).toBe(600);
    const out = JSON.parse((await run(['inspect', output])).stdout) as TsInspection;
    expect(out.continuityErrors).toBe(0);
    expect(out.programs[0]!.streams.map((s) => [s.pid, s.streamTypeName])).toContainEqual([600, 'scte35']);
    const types = out.scte35.map((s) => (s.section as { splice_command_type: number }).splice_command_type);
    expect(types).toContain(0); // the JSON splice_null
    const outs = out.scte35.filter((s) => (s.section as { splice_command: { splice_event_id?: number } }).splice_command.splice_event_id === 1);
    expect(outs.length).toBeGreaterThanOrEqual(8); // the break's out and return, four copies each
    for (const s of out.scte35) {
      expect(s.pid).toBe(600);
      expect(s.packetIndex).toBeGreaterThan(0);
      // Immediate sections go out right after the first PMT, before any video: no arrival PTS yet.
      if ((s.section as { splice_command_type: number }).splice_command_type !== 0) expect(typeof s.arrivalPts).toBe('number');
    }
    // The same cue given three ways is queued three times, each repeated.
    expect(out.scte35.filter((s) => s.hex === Buffer.from(section).toString('hex')).length).toBeGreaterThanOrEqual(12);
  });
});

describe('studio ts hls', () => {
  it('segments an injected file with the selected markers', async () => {
    const injected = path.join(work, 'for-hls.ts');
    expect((await run(['inject', '--input', input, '--output', injected, '--break', '5:2'])).code).toBe(0);
    const dir = path.join(work, 'hls');
    const { code, stdout } = await run(['hls', '--input', injected, '--output-dir', dir, '--segment-duration', '4', '--markers', 'cue,daterange']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { segments: Array<{ uri: string; cueOut?: string; cueIn?: string }> };
    const playlist = readFileSync(path.join(dir, 'index.m3u8'), 'utf8');
    expect(playlist).toContain('#EXT-X-CUE-OUT:DURATION=2.000');
    expect(playlist).toContain('#EXT-X-CUE-IN');
    expect(playlist).toContain('SCTE35-OUT=0x');
    expect(playlist).not.toContain('#EXT-OATCLS');
    expect(result.segments.filter((s) => s.cueOut)).toHaveLength(1);
    expect(result.segments.filter((s) => s.cueIn)).toHaveLength(1);
  });
});

describe('studio ts: a capture cut mid-packet is worked on whole packets, with a warning, never an error', () => {
  // A real SRT capture often stops mid-packet: 56 bytes of a last packet here.
  const PARTIAL = 56;
  let truncated: string;
  let wholePackets: number;
  beforeAll(() => {
    truncated = path.join(work, 'capture.ts');
    const bytes = readFileSync(input);
    wholePackets = bytes.length / 188 - 1;
    writeFileSync(truncated, bytes.subarray(0, wholePackets * 188 + PARTIAL));
  });
  const warning = `truncated: ${PARTIAL} bytes after the last whole packet were left out`;

  it('inspect: exit 0, the whole packets inspected, a warning on stderr and in the JSON', async () => {
    const { code, stdout, stderr } = await run(['inspect', truncated]);
    expect(code).toBe(0);
    expect(stderr).toBe(`studio ts inspect: warning: ${truncated}: ${warning} (a capture cut mid-packet)\n`);
    const info = JSON.parse(stdout) as TsInspection;
    expect(info.packets).toBe(wholePackets);
    expect(info.truncatedBytes).toBe(PARTIAL);
    expect(info.warnings).toEqual([expect.stringContaining(warning)]);
    expect(info.programs).toHaveLength(1);
    expect(info.idrCount).toBeGreaterThan(0);
    // A whole file has no warnings.
    const whole = JSON.parse((await run(['inspect', input])).stdout) as TsInspection;
    expect(whole.warnings).toEqual([]);
  });

  it('inject: exit 0, an output of whole packets only, the warning on stderr and in the JSON', async () => {
    const output = path.join(work, 'capture-injected.ts');
    const { code, stdout, stderr } = await run(['inject', '--input', truncated, '--output', output, '--break', '5:2']);
    expect(code).toBe(0);
    expect(stderr).toContain(`studio ts inject: warning: ${truncated}: ${warning}`);
    expect((JSON.parse(stdout) as { warnings: string[] }).warnings).toEqual([expect.stringContaining(warning)]);
    const out = readFileSync(output);
    expect(out.length % 188).toBe(0);
    const info = JSON.parse((await run(['inspect', output])).stdout) as TsInspection;
    expect(info.truncatedBytes).toBe(0);
    expect(info.continuityErrors).toBe(0);
    expect(info.scte35.length).toBeGreaterThan(0);
  });

  it('hls: exit 0, segments of the whole packets, the warning on stderr and in the JSON', async () => {
    const dir = path.join(work, 'capture-hls');
    const { code, stdout, stderr } = await run(['hls', '--input', truncated, '--output-dir', dir, '--segment-duration', '4']);
    expect(code).toBe(0);
    expect(stderr).toContain(`studio ts hls: warning: ${truncated}: ${warning}`);
    const result = JSON.parse(stdout) as { segments: Array<{ uri: string }>; warnings: string[] };
    expect(result.warnings).toEqual([expect.stringContaining(warning)]);
    expect(result.segments.length).toBeGreaterThan(0);
    for (const segment of result.segments) expect(readFileSync(path.join(dir, segment.uri)).length % 188).toBe(0);
  });
});

describe('studio ts: bad input gets exit code 1, one line on stderr, no output left behind', () => {
  const cases: Array<[string, () => string[]]> = [
    [
      'not a TS',
      () => {
        const f = path.join(work, 'not.ts');
        writeFileSync(f, 'hello world, this is not a transport stream\n'.repeat(100));
        return ['inject', '--input', f, '--output', path.join(work, 'bad1.ts'), '--break', '5:2'];
      },
    ],
    [
      'no video PID',
      () => {
        const f = path.join(work, 'audio-only.ts');
        execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine', '-c:a', 'aac', '-t', '2', '-f', 'mpegts', f]);
        return ['hls', '--input', f, '--output-dir', path.join(work, 'bad3')];
      },
    ],
    [
      'a splice before the start',
      () => {
        const early = encodeSection(buildCueOut({ eventId: 1, ptsTime: 1000, durationTicks: 90_000 }));
        return ['inject', '--input', input, '--output', path.join(work, 'bad4.ts'), '--cue', Buffer.from(early).toString('base64')];
      },
    ],
    [
      'a cue with a bad CRC',
      () => {
        const bytes = encodeSection(buildCueOut({ eventId: 1, ptsTime: 900_000, durationTicks: 90_000 }));
        bytes[20]! ^= 0xff;
        return ['inject', '--input', input, '--output', path.join(work, 'bad5.ts'), '--cue', Buffer.from(bytes).toString('hex')];
      },
    ],
  ];

  it.each(cases)('%s', async (name, makeArgs) => {
    const args = makeArgs();
    const before = new Set(readdirSync(work));
    const { code, stderr, stdout } = await run(args);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^studio ts (inject|hls): /);
    const after = readdirSync(work).filter((f) => !before.has(f));
    expect(after).toEqual([]);
    const target = args[args.indexOf(args[0] === 'hls' ? '--output-dir' : '--output') + 1]!;
    expect(existsSync(target)).toBe(false);
    if (name === 'a splice before the start') expect(stderr).toContain('before the first video frame');
  });
});
