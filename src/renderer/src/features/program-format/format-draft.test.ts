import { describe, expect, it } from 'vitest';
import { programFormatSchema, type ProgramFormatSettings } from '../../../../shared/program.ts';
import { draftFromFormat, formatFromDraft, gopSeconds, sizeHint } from './format-draft.ts';

const format: ProgramFormatSettings = {
  width: 1280,
  height: 720,
  frameRate: '29.97',
  videoBitrateKbps: 4500,
  gopFrames: 60,
  x264Preset: 'veryfast',
  audioBitrateKbps: 128,
  videoEncoder: 'libx264',
};

describe('program format drafts', () => {
  it('round-trips through the form', () => {
    expect(programFormatSchema.parse(formatFromDraft(draftFromFormat(format)))).toEqual(format);
  });

  it('sends an odd or empty size as typed, so the engine refuses it naming the field', () => {
    const refused = programFormatSchema.safeParse(formatFromDraft({ ...draftFromFormat(format), height: '721' }));
    expect(refused.error?.issues[0]).toMatchObject({ path: ['height'], message: 'height must be even (yuv420p halves it for colour)' });
    expect(Number.isNaN(formatFromDraft({ ...draftFromFormat(format), width: '' }).width)).toBe(true);
  });

  it('explains the GOP in seconds at the exact rate, and flags odd sizes early', () => {
    expect(gopSeconds('60', '29.97')).toBeCloseTo(2.002, 3);
    expect(gopSeconds('50', '25')).toBe(2);
    expect(gopSeconds('x', '30')).toBeNull();
    expect(sizeHint('1081', 'height')).toContain('even');
    expect(sizeHint('1080', 'height')).toBeNull();
  });
});
