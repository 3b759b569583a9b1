// The SCTE-35 log: every copy of every section that went out on the program's PID, committed as
// it is sent (wall time, event id, splice PTS, the bytes as hex, and what it was).
import type { Database } from 'better-sqlite3';
import type { Scte35SentEvent } from '../../../shared/contract.ts';

/**
 * What a row records: the first copy of a section ('sent'), a later copy of it ('repeated'), a
 * splice_insert cancelling an event ('cancel sent'), or a heartbeat splice_null.
 */
export type Scte35Outcome = 'sent' | 'repeated' | 'cancel sent' | 'heartbeat';

export class Scte35Log {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  /** Writes one row: the section as clients are told of it, and what became of it. */
  record(event: Scte35SentEvent, outcome: Scte35Outcome): void {
    this.#db
      .prepare('INSERT INTO scte35_log (sent_at, event_id, splice_command_type, pts, section_hex, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(event.sentAt, event.eventId, event.spliceCommandType, event.splicePts, event.hex, outcome, `copy ${event.copy}, clock ${event.clockPts}`);
  }

  recent(limit = 100): Array<{ sentAt: string; eventId: number | null; commandType: number; pts: number | null; hex: string; outcome: string }> {
    return (
      this.#db
        .prepare('SELECT sent_at, event_id, splice_command_type, pts, section_hex, outcome FROM scte35_log ORDER BY id DESC LIMIT ?')
        .all(limit) as Array<{
        sent_at: string;
        event_id: number | null;
        splice_command_type: number;
        pts: number | null;
        section_hex: string;
        outcome: string;
      }>
    ).map((row) => ({
      sentAt: row.sent_at,
      eventId: row.event_id,
      commandType: row.splice_command_type,
      pts: row.pts,
      hex: row.section_hex,
      outcome: row.outcome,
    }));
  }
}
