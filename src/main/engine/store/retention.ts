// Retention of stored history: analytics samples by age, the SCTE-35 log by age and by count.
// Pruned at start and then hourly, in small batches of deletes, each its own short transaction,
// with a turn of the event loop between them: a large backlog never holds the engine (or the
// write lock a cue needs) for more than one batch.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { RETENTION_SETTINGS, type RetentionSettingKey, type Settings } from '../../../shared/contract.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';

export interface RetentionPolicy {
  analyticsDays: number;
  scte35LogDays: number;
  scte35LogMaxRows: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
export const DEFAULT_PRUNE_BATCH_ROWS = 500;

/** The policy the settings say, with each missing or out-of-range value at its default. */
export function retentionPolicyFrom(settings: Settings): RetentionPolicy {
  const value = (key: RetentionSettingKey): number => {
    const rule = RETENTION_SETTINGS[key];
    const stored = settings[key];
    return typeof stored === 'number' && Number.isInteger(stored) && stored >= rule.min && stored <= rule.max ? stored : rule.default;
  };
  return {
    analyticsDays: value('retention.analyticsDays'),
    scte35LogDays: value('retention.scte35LogDays'),
    scte35LogMaxRows: value('retention.scte35LogMaxRows'),
  };
}

export interface PruneResult {
  analyticsSamples: number;
  scte35Log: number;
  batches: number;
}

/**
 * One batch: deletes at most `limit` rows of what the policy no longer keeps, the oldest first.
 * Returns how many rows of each table went; 0 and 0 means nothing is left to prune.
 */
export function pruneBatch(db: Database, policy: RetentionPolicy, now: Date, limit: number): { analyticsSamples: number; scte35Log: number } {
  const cutoff = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const analyticsSamples = db
    .prepare('DELETE FROM analytics_samples WHERE id IN (SELECT id FROM analytics_samples WHERE sampled_at < ? ORDER BY sampled_at LIMIT ?)')
    .run(cutoff(policy.analyticsDays), limit).changes;
  let scte35Log = db
    .prepare('DELETE FROM scte35_log WHERE id IN (SELECT id FROM scte35_log WHERE sent_at < ? ORDER BY sent_at LIMIT ?)')
    .run(cutoff(policy.scte35LogDays), limit).changes;
  if (scte35Log < limit) {
    const { n } = db.prepare('SELECT count(*) AS n FROM scte35_log').get() as { n: number };
    const excess = Math.min(n - policy.scte35LogMaxRows, limit - scte35Log);
    if (excess > 0) scte35Log += db.prepare('DELETE FROM scte35_log WHERE id IN (SELECT id FROM scte35_log ORDER BY id LIMIT ?)').run(excess).changes;
  }
  return { analyticsSamples, scte35Log };
}

export interface RetentionPrunerOptions {
  db: Database;
  /** Read at every pass, so a changed setting applies at the next one. */
  policy: () => RetentionPolicy;
  log: Logger;
  intervalMs?: number;
  batchRows?: number;
  now?: () => Date;
}

export class RetentionPruner {
  readonly #options: RetentionPrunerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PruneResult> | undefined;
  #closed = false;

  constructor(options: RetentionPrunerOptions) {
    this.#options = options;
  }

  /** Prunes now and then every interval; the timer never keeps the process alive. */
  start(): void {
    if (this.#timer || this.#closed) return;
    void this.pruneNow();
    this.#timer = setInterval(() => void this.pruneNow(), this.#options.intervalMs ?? DEFAULT_PRUNE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** One pass to the end of what there is to prune; a pass already running is shared. */
  pruneNow(): Promise<PruneResult> {
    this.#running ??= this.#pass().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Stops the timer and waits for a running pass to stop at its next batch. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #pass(): Promise<PruneResult> {
    const result: PruneResult = { analyticsSamples: 0, scte35Log: 0, batches: 0 };
    const { db, log } = this.#options;
    const limit = this.#options.batchRows ?? DEFAULT_PRUNE_BATCH_ROWS;
    try {
      const policy = this.#options.policy();
      const now = this.#options.now?.() ?? new Date();
      while (!this.#closed) {
        const batch = pruneBatch(db, policy, now, limit);
        if (batch.analyticsSamples === 0 && batch.scte35Log === 0) break;
        result.analyticsSamples += batch.analyticsSamples;
        result.scte35Log += batch.scte35Log;
        result.batches++;
        await nextTurn(); // let frames, cues and requests run between batches
      }
    } catch (error) {
      log.error('pruning stored history failed; trying again at the next pass', { error: errorMessage(error) });
    }
    if (result.batches > 0) log.info('pruned stored history', { ...result });
    return result;
  }
}
