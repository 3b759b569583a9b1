import { describe, expect, it } from 'vitest';
import { sourceConfigSchema, type SourceConfig } from '../../../../shared/program.ts';
import { configFromDraft, draftFromConfig, joinColour, splitColour } from './source-draft.ts';

describe('source drafts', () => {
  const configs: SourceConfig[] = [
    sourceConfigSchema.parse({
      kind: 'text',
      text: 'Jane Doe\nHost',
      fontSize: 40,
      color: '#ffcc00',
      background: '#00000099',
      fontFamily: 'DejaVu Serif',
      align: 'center',
      wrap: true,
      width: 1280,
      height: 160,
    }),
    sourceConfigSchema.parse({ kind: 'media', path: '/srv/show.mp4', loop: false, startSeconds: 12.5, width: 1920, height: 1080 }),
    sourceConfigSchema.parse({ kind: 'image', path: '/srv/logo.png', width: 200, height: 100 }),
    sourceConfigSchema.parse({ kind: 'color', color: '#336699', width: 64, height: 36 }),
    sourceConfigSchema.parse({ kind: 'rtmp', streamKeyId: 3, slateText: 'Back soon', width: 1280, height: 720 }),
    sourceConfigSchema.parse({ kind: 'test_pattern', toneHz: 440, width: 320, height: 180 }),
  ];

  it('round-trips every kind through the form unchanged', () => {
    for (const config of configs) expect(sourceConfigSchema.parse(configFromDraft(draftFromConfig(config)))).toEqual(config);
  });

  it('sends what was typed, so the engine names the field: an empty size is NaN, a background off is left out', () => {
    const draft = { ...draftFromConfig(configs[0]!), width: '', backgroundOn: false };
    const config = configFromDraft(draft) as Record<string, unknown>;
    expect(config.width).toBeNaN();
    expect(config).not.toHaveProperty('background');
    const refused = sourceConfigSchema.safeParse(config);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['width']);
  });

  it('an older text source (no font, alignment or wrap stored) opens with the defaults the rasterizer uses', () => {
    const old = { kind: 'text', text: 'Hi', fontSize: 48, color: '#ffffff', width: 640, height: 120 } as SourceConfig;
    expect(draftFromConfig(old)).toMatchObject({ fontFamily: 'DejaVu Sans', align: 'left', wrap: false, backgroundOn: false });
  });
});

describe('colours with opacity', () => {
  it('splits every form the schema takes, and joins back to #rrggbb or #rrggbbaa', () => {
    expect(splitColour('#00000099')).toEqual({ hex: '#000000', opacity: 60 });
    expect(splitColour('#ABCDEF')).toEqual({ hex: '#abcdef', opacity: 100 });
    expect(splitColour('rgba(255, 0, 16, 0.5)')).toEqual({ hex: '#ff0010', opacity: 50 });
    expect(joinColour('#000000', 60)).toBe('#00000099');
    expect(joinColour('#ABCDEF', 100)).toBe('#abcdef');
    expect(joinColour('#000000', 0)).toBe('#00000000');
  });
});
