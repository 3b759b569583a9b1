import { describe, expect, it } from 'vitest';
import { sourceConfigSchema, sourceKindHasAudio, type SourceKind } from './program.ts';

describe('which source kinds carry audio (the mixer shows a strip for these only)', () => {
  it('live inputs, media files and test patterns have audio; images, colours and texts do not', () => {
    const kinds = sourceConfigSchema.options.map((option) => option.shape.kind.value as SourceKind);
    const withAudio = kinds.filter(sourceKindHasAudio).sort();
    expect(withAudio).toEqual(['media', 'rtmp', 'test_pattern']);
    expect(kinds.filter((kind) => !sourceKindHasAudio(kind)).sort()).toEqual(['color', 'image', 'text']);
  });
});
