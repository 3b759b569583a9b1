import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileUnderRoot } from './path-under.ts';

const root = path.resolve('/srv/studio/renderer');
const inside = (file: string | null): boolean => file === null || file === root || file.startsWith(root + path.sep);

describe('fileUnderRoot', () => {
  it('resolves paths inside root, root itself included', () => {
    expect(fileUnderRoot(root, '/index.html')).toBe(path.join(root, 'index.html'));
    expect(fileUnderRoot(root, '/assets/../assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(fileUnderRoot(root, '/')).toBe(root);
  });

  it('never names a file outside root, however the path climbs', () => {
    for (const climb of ['/../secret', '/../../../etc/passwd', '../renderer-other/x', '/a/../../b', '..', '//etc/passwd']) {
      expect(inside(fileUnderRoot(root, climb)), climb).toBe(true);
    }
    const segment = fc.constantFrom('..', '.', 'a', '', 'renderer', '...', 'etc');
    fc.assert(
      fc.property(fc.boolean(), fc.array(segment, { maxLength: 12 }), (absolute, segments) =>
        inside(fileUnderRoot(root, (absolute ? '/' : '') + segments.join('/'))),
      ),
      { numRuns: 2000 },
    );
  });
});
