// The SCTE-35 log: every copy of every section that went out on the program's PID, committed as
// it is sent (wall time, event id, splice PTS, the bytes as hex, and what it was).
import type { Database } from 'better-sqlite3';
import type { Scte35SentEvent } from '../../../shared/contract.ts';
import type { CueSent } from '../program/program.ts';
import { decodeSection } from '../scte35/index.ts';

export class Scte35Log {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  /** Writes one row and returns the event clients are told. */
  record(sent: CueSent, now = new Date()): Scte35SentEvent {
    const section = decodeSection(sent.section);
    const command = section.splice_command as { splice_event_id?: number; out_of_network_indicator?: boolean; splice_event_cancel_indicator?: boolean } | null;
    const event: Scte35SentEvent = {
      hex: Buffer.from(sent.section).toString('hex'),
      spliceCommandType: section.splice_command_type ?? -1,
      eventId: command?.splice_event_id ?? null,
      outOfNetwork: command?.out_of_network_indicator ?? null,
      splicePts: sent.splicePts,
      clockPts: sent.clockPts,
      heartbeat: sent.heartbeat,
      copy: sent.copy,
      sentAt: now.toISOString(),
    };
    const outcome = sent.heartbeat ? 'heartbeat' : command?.splice_event_cancel_indicator ? 'cancel sent' : sent.copy === 1 ? 'sent' : 'repeated';
    this.#db
      .prepare('INSERT INTO scte35_log (sent_at, event_id, splice_command_type, pts, section_hex, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(event.sentAt, event.eventId, event.spliceCommandType, event.splicePts, event.hex, outcome, `copy ${sent.copy}, clock ${sent.clockPts}`);
    return event;
  }

  recent(limit = 100): Array<{ sentAt: string; eventId: number | null; commandType: number; pts: number | null; hex: string; outcome: string }> {
    return (
      this.#db.prepare('SELECT sent_at, event_id, splice_command_type, pts, section_hex, outcome FROM scte35_log ORDER BY id DESC LIMIT ?').all(limit) as Array<{
        sent_at: string;
        event_id: number | null;
        splice_command_type: number;
        pts: number | null;
        section_hex: string;
        outcome: string;
      }>
    ).map((row) => ({ sentAt: row.sent_at, eventId: row.event_id, commandType: row.splice_command_type, pts: row.pts, hex: row.section_hex, outcome: row.outcome }));
  }
}
