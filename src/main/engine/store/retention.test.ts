// Retention with a real SQLite file: what goes, what stays, batches that let the event loop run,
// the settings that set it, and the pruner's timer that never holds the process.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateCommandArgs } from '../../../shared/contract.ts';
import { capturingLogger } from '../../../../tests/support/outputs.ts';
import { openStore, type Store } from './database.ts';
import { pruneBatch, RetentionPruner, retentionPolicyFrom, type RetentionPolicy } from './retention.ts';
import { SettingsRepository } from './settings-repository.ts';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

let dataDir: string;
let store: Store;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-retention-'));
  store = openStore(dataDir);
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function addAnalytics(ages: number[]): void {
  const insert = store.db.prepare('INSERT INTO analytics_samples (sampled_at, metrics) VALUES (?, ?)');
  store.db.transaction(() => {
    for (const age of ages) insert.run(daysAgo(age), '{}');
  })();
}

function addCues(ages: number[]): void {
  const insert = store.db.prepare("INSERT INTO scte35_log (sent_at, splice_command_type, section_hex, outcome) VALUES (?, 5, 'fc', 'sent')");
  store.db.transaction(() => {
    for (const age of ages) insert.run(daysAgo(age));
  })();
}

const count = (table: string) => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const oldest = (table: string, column: string) => (store.db.prepare(`SELECT min(${column}) AS t FROM ${table}`).get() as { t: string }).t;

function pruner(policy: Partial<RetentionPolicy>, batchRows = 500) {
  const { logger, lines } = capturingLogger();
  const full = { ...retentionPolicyFrom({}), ...policy };
  return { pruner: new RetentionPruner({ db: store.db, policy: () => full, log: logger, batchRows, now: () => NOW }), lines };
}

describe('retention', () => {
  it('defaults: analytics 90 days, the SCTE-35 log 365 days and 100,000 rows', () => {
    expect(retentionPolicyFrom({})).toEqual({ analyticsDays: 90, scte35LogDays: 365, scte35LogMaxRows: 100_000 });
    expect(retentionPolicyFrom({ 'retention.analyticsDays': 7, 'retention.scte35LogMaxRows': 2.5 })).toEqual({
      analyticsDays: 7,
      scte35LogDays: 365,
      scte35LogMaxRows: 100_000,
    });
  });

  it('deletes analytics samples older than the policy and keeps the rest', async () => {
    addAnalytics([200, 120, 91, 89, 30, 0]);
    const result = await pruner({}).pruner.pruneNow();
    expect(result.analyticsSamples).toBe(3);
    expect(count('analytics_samples')).toBe(3);
    expect(oldest('analytics_samples', 'sampled_at')).toBe(daysAgo(89));
  });

  it('keeps the SCTE-35 log within its age and its row count, newest kept', async () => {
    addCues([400, 366]);
    addCues(Array.from({ length: 1200 }, (_, i) => 10 - i / 1000)); // 1200 recent cues, oldest first
    const result = await pruner({ scte35LogMaxRows: 1000 }).pruner.pruneNow();
    expect(result.scte35Log).toBe(2 + 200);
    expect(count('scte35_log')).toBe(1000);
    expect(oldest('scte35_log', 'sent_at')).toBe(daysAgo(10 - 200 / 1000));
  });

  it('prunes a large backlog in small batches, letting the event loop and other writers run between them', async () => {
    addAnalytics(Array.from({ length: 5000 }, () => 100));
    const { pruner: small } = pruner({}, 100);
    const seenMidway: number[] = [];
    let written = 0;
    const insert = store.db.prepare('INSERT INTO scte35_log (sent_at, splice_command_type, section_hex, outcome) VALUES (?, 0, ?, ?)');
    const pass = small.pruneNow();
    const interleaved = (async () => {
      for (let i = 0; i < 20; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        seenMidway.push(count('analytics_samples'));
        insert.run(NOW.toISOString(), 'fc', 'heartbeat'); // a cue logged while pruning runs
        written++;
      }
    })();
    const result = await pass;
    await interleaved;
    expect(result).toMatchObject({ analyticsSamples: 5000, batches: 50 });
    // Other work ran while the pass was part way: it saw the table neither full nor empty.
    expect(seenMidway.some((n) => n > 0 && n < 5000)).toBe(true);
    expect(written).toBe(20);
    expect(count('analytics_samples')).toBe(0);
    expect(count('scte35_log')).toBe(20);
  });

  it('one batch deletes at most the batch size', () => {
    addAnalytics(Array.from({ length: 300 }, () => 100));
    expect(pruneBatch(store.db, retentionPolicyFrom({}), NOW, 120)).toEqual({ analyticsSamples: 120, scte35Log: 0 });
    expect(count('analytics_samples')).toBe(180);
  });

  it('prunes at start, and its hourly timer does not keep the process alive', async () => {
    addAnalytics([100, 1]);
    const { pruner: atStart, lines } = pruner({});
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    atStart.start();
    expect(timers()).toBe(before);
    await atStart.pruneNow(); // joins the pass start() began
    expect(count('analytics_samples')).toBe(1);
    expect(lines.some((line) => line.includes('pruned stored history'))).toBe(true);
    await atStart.close();
  });

  it('the settings that set it: stored through settings.set, validated as whole numbers in range', () => {
    expect(validateCommandArgs('settings.set', { key: 'retention.analyticsDays', value: 30 }).ok).toBe(true);
    for (const value of [0, -1, 2.5, '30', true, 100_000]) {
      const verdict = validateCommandArgs('settings.set', { key: 'retention.analyticsDays', value });
      expect(verdict, String(value)).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT', field: 'value' } });
    }
    expect(validateCommandArgs('settings.set', { key: 'retention.scte35LogMaxRows', value: 5000 }).ok).toBe(true);
    const settings = new SettingsRepository(store.db);
    settings.set('retention.analyticsDays', 30);
    settings.set('retention.scte35LogDays', 60);
    expect(retentionPolicyFrom(settings.list())).toEqual({ analyticsDays: 30, scte35LogDays: 60, scte35LogMaxRows: 100_000 });
  });
});
