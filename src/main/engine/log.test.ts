import { describe, expect, it } from 'vitest';
import { Logger, REDACTED } from './log.ts';

describe('logger', () => {
  it('never writes a registered secret or a secret-named field', () => {
    const lines: string[] = [];
    const log = new Logger({ sink: (line) => lines.push(line) });
    log.registerSecret('live_0123456789abcdef');
    log.child('ingest').info('publish with live_0123456789abcdef refused', { passphrase: 'hunter2hunter2', nested: { streamKey: 'k' }, port: 1935 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('live_0123456789abcdef');
    expect(lines[0]).not.toContain('hunter2hunter2');
    expect(lines[0]).toContain(REDACTED);
    expect(lines[0]).toContain('"port":1935');
    expect(lines[0]).toContain('ingest:');
  });

  it('drops lines below its level', () => {
    const lines: string[] = [];
    const log = new Logger({ sink: (line) => lines.push(line), level: 'warn' });
    log.info('quiet');
    log.warn('loud');
    expect(lines).toHaveLength(1);
  });
});
