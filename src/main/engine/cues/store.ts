// What the deck and the alert keep in SQLite. The store's CuesRepository implements it; the host
// hands it in, so this capability does not depend on the store.
import type { AlertLogRow, AlertStyle, AsRunOutcome, AsRunRow, CueSettings, FramePoint, SignalStyle } from '../../../shared/cues.ts';

export interface NewBreakRow {
  signalStyle: SignalStyle;
  requestedAt: string;
  durationSecondsRequested: number;
  durationSecondsPlanned: number;
  fps: number;
  plannedSplice: FramePoint;
  plannedReturn: FramePoint;
}

export interface CueStore {
  /** Takes the next event id and writes the break's 'pending' row, in one transaction; returns the id. */
  beginBreak(row: NewBreakRow): number;
  /** Adds a section queued for the break (its bytes find its copies in the SCTE-35 log). */
  addSection(eventId: number, section: Uint8Array): void;
  recordSplice(eventId: number, splice: FramePoint): void;
  /** The break's end: its outcome, and the return that aired (null: it never spliced). */
  finishBreak(eventId: number, outcome: Exclude<AsRunOutcome, 'pending'>, actualReturn: FramePoint | null): void;
  /** Marks every break still 'pending' as interrupted_by_crash (the host died mid-break); returns their ids. */
  interruptPendingBreaks(): number[];
  asRun(limit: number): AsRunRow[];
  loadSettings(): CueSettings | null;
  saveSettings(settings: CueSettings): void;

  beginAlert(row: { text: string; style: AlertStyle; startedAt: string; startFrame: number; interruptedEventId: number | null }): number;
  /** Sets the frame the alert ends, once it is known (a timed alert, or a stop). */
  endAlert(id: number, end: { endedAt: string; endFrame: number | null; endedBy: string }): void;
  /** Alerts still open at start (the host died while one was on air) end by 'crash'. */
  interruptOpenAlerts(now: string): number;
  alertLog(limit: number): AlertLogRow[];
}
