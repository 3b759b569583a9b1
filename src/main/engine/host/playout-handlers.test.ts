// playout.setEnabled and playout.status through a real Engine (a real SQLite file, no program
// running): the switch is stored as the setting playout.enabled, both doors turn it, it survives a
// restart, and the status and its event say so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlayoutStatus } from '../../../shared/schedule.ts';
import { Logger } from '../log.ts';
import { Engine } from './engine.ts';

const trusted = { trusted: true };
const quiet = new Logger({ sink: () => {} });
let work: string;
let engine: Engine;
const statuses: PlayoutStatus[] = [];

const open = () => Engine.create({ dataDir: path.join(work, 'data'), version: 'test', host: 'headless', log: quiet, rtmp: null, statusIntervalMs: 60_000 });

async function run(on: Engine, command: string, args: unknown = {}): Promise<unknown> {
  const envelope = await on.dispatch(command, args, trusted);
  if (!('result' in envelope)) throw new Error(`${command} failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'playout-handlers-'));
  engine = await open();
  engine.events.subscribe('playout.status', (status) => statuses.push(status));
}, 30_000);

afterAll(async () => {
  await engine?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('playout commands', () => {
  it('starts off: the operator has the program', async () => {
    expect(await run(engine, 'playout.status')).toEqual({ enabled: false, state: 'off', now: null, next: null, driftMs: null, message: null });
  });

  it('setEnabled turns it on (idle while the program is stopped), stores it, and tells the clients', async () => {
    expect(await run(engine, 'playout.setEnabled', { enabled: true })).toMatchObject({ enabled: true, state: 'idle' });
    expect(statuses.at(-1)).toMatchObject({ enabled: true, state: 'idle' });
    expect(await run(engine, 'settings.list')).toMatchObject({ 'playout.enabled': true });
    const refused = await engine.dispatch('playout.setEnabled', { enabled: 'yes' }, trusted);
    expect(refused).toMatchObject({ error: { code: 'BAD_ARGUMENT', field: 'enabled' } });
  });

  it('survives a restart, and settings.set turns it too', async () => {
    await engine.close();
    engine = await open();
    expect(engine.playout.status()).toMatchObject({ enabled: true, state: 'idle' });
    await run(engine, 'settings.set', { key: 'playout.enabled', value: false });
    expect(await run(engine, 'playout.status')).toMatchObject({ enabled: false, state: 'off' });
  });
});
