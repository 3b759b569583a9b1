import { describe, expect, it } from 'vitest';
import { STANDARD_SAMPLES } from '../engine/scte35/fixtures/samples.ts';
import { runScte35Command } from './scte35-command.ts';

const SAMPLE = STANDARD_SAMPLES['14.2 splice_insert'];

async function run(argv: string[], files: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runScte35Command(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readFile: async (p) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return files[p]!;
    },
  });
  return { code, out, err };
}

describe('studio scte35', () => {
  it('decode prints the section as JSON, with seconds alongside the 90 kHz values', async () => {
    const { code, out, err } = await run(['decode', SAMPLE]);
    expect(code).toBe(0);
    expect(err).toBe('');
    const json = JSON.parse(out);
    expect(json.splice_command).toMatchObject({
      splice_event_id: 0x4800008f,
      splice_time: { pts_time: 0x07369c02e, pts_time_seconds: 21514.559089 },
      break_duration: { duration: 0x00052ccf5, duration_seconds: 60.293567 },
    });
  });

  it('decode accepts hex with 0x', async () => {
    const hex = `0x${Buffer.from(SAMPLE, 'base64').toString('hex').toUpperCase()}`;
    expect(JSON.parse((await run(['decode', hex])).out).splice_command_type).toBe(5);
  });

  it('encode takes back what decode printed, as base64 or --hex', async () => {
    const decoded = (await run(['decode', SAMPLE])).out;
    expect(await run(['encode', decoded])).toEqual({ code: 0, out: `${SAMPLE}\n`, err: '' });
    expect((await run(['encode', '@cue.json', '--hex'], { 'cue.json': decoded })).out).toBe(`0x${Buffer.from(SAMPLE, 'base64').toString('hex')}\n`);
  });

  it.each([
    [['decode', '/DAvAAAAAAAA///wFAVIAACPf+/+c2nALv4AUsz1AAAAAAAKAAhDVUVJAAABNWLbowA='], /^studio scte35: BAD_CRC \(field CRC_32, offset 46\): /],
    [['decode', '/DAvAAAAAAAA///wFAVIAACPf+/+c2nALv4A'], /^studio scte35: TRUNCATED \(field section_length, offset 27\): /],
    [['decode', 'hello world'], /^studio scte35: BAD_INPUT: /],
    [
      ['encode', '{"splice_command":{"splice_command_type":5,"splice_event_id":1,"break_duration":{"auto_return":true,"duration":8589934592}}}'],
      /^studio scte35: OUT_OF_RANGE \(field splice_command\.break_duration\.duration\): /,
    ],
    [['encode', '{not json'], /^studio scte35: BAD_INPUT: not JSON/],
    [['encode', '@missing.json'], /^studio scte35: BAD_INPUT: cannot read missing\.json/],
    [['frobnicate'], /^studio scte35: BAD_INPUT: unknown action "frobnicate"/],
    [[], /^studio scte35: BAD_INPUT: usage: /],
  ])('bad input %j: exit 1, one line on stderr, no stack trace', async (argv, line) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(line);
    expect(err.endsWith('\n')).toBe(true);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
