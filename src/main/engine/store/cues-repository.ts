// The cue deck's rows: the as-run log (one row per break), the event id counter, the cue settings
// and the alert log. Each write is one statement or one transaction, committed before the command
// that made it is answered.
import type { Database } from 'better-sqlite3';
import type { AlertLogRow, AlertStyle, AsRunOutcome, AsRunRow, CueSettings, FramePoint, SignalStyle } from '../../../shared/cues.ts';

interface AsRunDbRow {
  event_id: number;
  signal_style: string;
  requested_at: string;
  duration_requested: number;
  duration_planned: number;
  fps: number;
  planned_splice_frame: number;
  planned_splice_pts: number | null;
  planned_splice_at: string;
  planned_return_frame: number;
  planned_return_pts: number | null;
  planned_return_at: string;
  actual_splice_frame: number | null;
  actual_splice_pts: number | null;
  actual_splice_at: string | null;
  actual_return_frame: number | null;
  actual_return_pts: number | null;
  actual_return_at: string | null;
  outcome: string;
  sections_hex: string;
}

interface AlertDbRow {
  id: number;
  text: string;
  style: string;
  started_at: string;
  ended_at: string | null;
  start_frame: number | null;
  end_frame: number | null;
  ended_by: string | null;
  interrupted_event_id: number | null;
}

/** Copies of a break's sections go out until its return at the latest; 10 minutes of slack on top. */
const LOG_WINDOW_SLACK_MS = 10 * 60 * 1000;

function logWindowEnd(row: AsRunDbRow): string {
  const lastReturn = Math.max(Date.parse(row.planned_return_at), row.actual_return_at === null ? 0 : Date.parse(row.actual_return_at));
  return new Date(lastReturn + LOG_WINDOW_SLACK_MS).toISOString();
}

export class CuesRepository {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  beginBreak(row: {
    signalStyle: SignalStyle;
    requestedAt: string;
    durationSecondsRequested: number;
    durationSecondsPlanned: number;
    fps: number;
    plannedSplice: FramePoint;
    plannedReturn: FramePoint;
  }): number {
    return this.#db.transaction(() => {
      const { last_event_id: last } = this.#db
        .prepare('UPDATE cue_event_counter SET last_event_id = last_event_id + 1 WHERE id = 1 RETURNING last_event_id')
        .get() as { last_event_id: number };
      this.#db
        .prepare(
          `INSERT INTO as_run (event_id, signal_style, requested_at, duration_requested, duration_planned, fps,
             planned_splice_frame, planned_splice_pts, planned_splice_at, planned_return_frame, planned_return_pts, planned_return_at, outcome)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
        )
        .run(
          last,
          row.signalStyle,
          row.requestedAt,
          row.durationSecondsRequested,
          row.durationSecondsPlanned,
          row.fps,
          row.plannedSplice.frame,
          row.plannedSplice.pts,
          row.plannedSplice.at,
          row.plannedReturn.frame,
          row.plannedReturn.pts,
          row.plannedReturn.at,
        );
      return last;
    })();
  }

  addSection(eventId: number, section: Uint8Array): void {
    this.#db
      .prepare("UPDATE as_run SET sections_hex = json_insert(sections_hex, '$[#]', ?) WHERE event_id = ?")
      .run(Buffer.from(section).toString('hex'), eventId);
  }

  recordSplice(eventId: number, splice: FramePoint): void {
    this.#db
      .prepare('UPDATE as_run SET actual_splice_frame = ?, actual_splice_pts = ?, actual_splice_at = ? WHERE event_id = ?')
      .run(splice.frame, splice.pts, splice.at, eventId);
  }

  finishBreak(eventId: number, outcome: Exclude<AsRunOutcome, 'pending'>, actualReturn: FramePoint | null): void {
    this.#db
      .prepare('UPDATE as_run SET outcome = ?, actual_return_frame = ?, actual_return_pts = ?, actual_return_at = ? WHERE event_id = ?')
      .run(outcome, actualReturn?.frame ?? null, actualReturn?.pts ?? null, actualReturn?.at ?? null, eventId);
  }

  interruptPendingBreaks(): number[] {
    const rows = this.#db.prepare("UPDATE as_run SET outcome = 'interrupted_by_crash' WHERE outcome = 'pending' RETURNING event_id").all() as Array<{
      event_id: number;
    }>;
    return rows.map((row) => row.event_id).sort((a, b) => a - b);
  }

  asRun(limit: number): AsRunRow[] {
    const rows = this.#db.prepare('SELECT * FROM as_run ORDER BY event_id DESC LIMIT ?').all(limit) as AsRunDbRow[];
    // The section copies in the SCTE-35 log: the same bytes, sent from the request until the break's
    // last return (planned or actual) plus a margin for the wall clock against the frame clock. The
    // window keeps the lookup on the log's time index, however long the log.
    const logIds = this.#db.prepare('SELECT id FROM scte35_log WHERE sent_at BETWEEN ? AND ? AND section_hex IN (SELECT value FROM json_each(?)) ORDER BY id');
    return rows.map((row) => {
      const actualDuration =
        row.actual_splice_frame !== null && row.actual_return_frame !== null ? (row.actual_return_frame - row.actual_splice_frame) / row.fps : null;
      return {
        eventId: row.event_id,
        signalStyle: row.signal_style as SignalStyle,
        requestedAt: row.requested_at,
        durationSecondsRequested: row.duration_requested,
        durationSecondsPlanned: row.duration_planned,
        plannedSpliceFrame: row.planned_splice_frame,
        plannedSplicePts: row.planned_splice_pts,
        plannedSpliceAt: row.planned_splice_at,
        plannedReturnFrame: row.planned_return_frame,
        plannedReturnPts: row.planned_return_pts,
        plannedReturnAt: row.planned_return_at,
        actualSpliceFrame: row.actual_splice_frame,
        actualSplicePts: row.actual_splice_pts,
        actualSpliceAt: row.actual_splice_at,
        actualReturnFrame: row.actual_return_frame,
        actualReturnPts: row.actual_return_pts,
        actualReturnAt: row.actual_return_at,
        durationSecondsActual: actualDuration,
        outcome: row.outcome as AsRunOutcome,
        scte35LogIds: (logIds.all(row.requested_at, logWindowEnd(row), row.sections_hex) as Array<{ id: number }>).map((r) => r.id),
      };
    });
  }

  loadSettings(): CueSettings | null {
    const row = this.#db.prepare('SELECT value FROM cue_settings WHERE id = 1').get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as CueSettings) : null;
  }

  saveSettings(settings: CueSettings): void {
    this.#db
      .prepare(
        `INSERT INTO cue_settings (id, value, updated_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(JSON.stringify(settings), new Date().toISOString());
  }

  beginAlert(row: { text: string; style: AlertStyle; startedAt: string; startFrame: number; interruptedEventId: number | null }): number {
    const result = this.#db
      .prepare('INSERT INTO alert_log (text, style, started_at, start_frame, interrupted_event_id) VALUES (?, ?, ?, ?, ?)')
      .run(row.text, row.style, row.startedAt, row.startFrame, row.interruptedEventId);
    return Number(result.lastInsertRowid);
  }

  endAlert(id: number, end: { endedAt: string; endFrame: number | null; endedBy: string }): void {
    this.#db.prepare('UPDATE alert_log SET ended_at = ?, end_frame = ?, ended_by = ? WHERE id = ?').run(end.endedAt, end.endFrame, end.endedBy, id);
  }

  interruptOpenAlerts(now: string): number {
    return this.#db.prepare("UPDATE alert_log SET ended_at = ?, ended_by = 'crash' WHERE ended_at IS NULL").run(now).changes;
  }

  alertLog(limit: number): AlertLogRow[] {
    return (this.#db.prepare('SELECT * FROM alert_log ORDER BY id DESC LIMIT ?').all(limit) as AlertDbRow[]).map((row) => ({
      id: row.id,
      text: row.text,
      style: row.style as AlertStyle,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      startFrame: row.start_frame,
      endFrame: row.end_frame,
      endedBy: row.ended_by,
      interruptedEventId: row.interrupted_event_id,
    }));
  }
}
