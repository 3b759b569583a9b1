import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outputSettings } from '../../../shared/outputs.ts';
import { openStore, type Store } from './database.ts';
import { OutputsRepository, publicStoredOutput } from './outputs-repository.ts';

let dir: string;
let store: Store;
let outputs: OutputsRepository;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-outputs-'));
  store = openStore(dir);
  outputs = new OutputsRepository(store.db);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('outputs repository', () => {
  it('round-trips every kind, keeping secrets in the secrets table only', () => {
    const srt = outputSettings.parse({
      kind: 'srt',
      name: 'Distributor',
      url: 'srt://ingest.example:9000',
      mode: 'caller',
      latencyMs: 250,
      passphrase: 'a long secret phrase',
      pbkeylen: 32,
      streamId: 'ch7',
    });
    const rtmp = outputSettings.parse({ kind: 'rtmp', url: 'rtmp://live.example/app', streamKey: 'sk_live_123456' });
    const hls = outputSettings.parse({ kind: 'hls', folder: '/srv/hls', segmentSeconds: 6, markers: ['cue', 'daterange'] });
    const recording = outputSettings.parse({ kind: 'recording', folder: '/srv/rec', rotateMinutes: 60 });
    const created = [srt, rtmp, hls, recording].map((settings) => outputs.create(settings));
    expect(outputs.list().map((output) => output.settings)).toEqual([
      srt,
      { ...rtmp, name: 'RTMP 1' },
      { ...hls, name: 'HLS 1' },
      { ...recording, name: 'RECORDING 1' },
    ]);
    expect(store.db.prepare('SELECT srt_latency_us FROM outputs WHERE id = ?').get(created[0]!.id)).toEqual({ srt_latency_us: 250_000 });

    const rows = JSON.stringify(store.db.prepare('SELECT * FROM outputs').all());
    expect(rows).not.toContain('a long secret phrase');
    expect(rows).not.toContain('sk_live_123456');
    expect(outputs.secrets().sort()).toEqual(['a long secret phrase', 'sk_live_123456']);
    const shown = JSON.stringify(outputs.list().map(publicStoredOutput));
    expect(shown).not.toContain('a long secret phrase');
    expect(shown).toContain('"passphraseSet":true');

    const { passphrase: _dropped, pbkeylen: _keylen, ...withoutPassphrase } = srt as Extract<typeof srt, { kind: 'srt' }>;
    outputs.update(created[0]!.id, withoutPassphrase);
    expect(outputs.get(created[0]!.id).settings).not.toHaveProperty('passphrase');
    expect(outputs.secrets()).toEqual(['sk_live_123456']);
    expect(outputs.remove(created[1]!.id)).toBe(true);
    expect(outputs.secrets()).toEqual([]);
  });

  it('refuses a duplicate name and a change of kind, naming the field', () => {
    const recording = outputSettings.parse({ kind: 'recording', name: 'Archive', folder: '/srv/rec' });
    const { id } = outputs.create(recording);
    expect(() => outputs.create(recording)).toThrow(expect.objectContaining({ code: 'CONFLICT', field: 'name' }));
    expect(() => outputs.update(id, outputSettings.parse({ kind: 'hls' }))).toThrow(expect.objectContaining({ field: 'kind' }));
  });
});
