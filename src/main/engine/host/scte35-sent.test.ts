import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildCancel, buildCueOut, buildSpliceNull, encodeSection } from '../scte35/index.ts';
import { migrations } from '../store/migrations.ts';
import { Scte35Log } from '../store/scte35-log.ts';
import { breakCancelSection, breakStartSection } from '../cues/index.ts';
import { describeCueSent } from './scte35-sent.ts';

const NOW = new Date('2026-03-04T05:06:07.000Z');
const cueOut = encodeSection(buildCueOut({ eventId: 77, ptsTime: 900_000, durationTicks: 30 * 90_000 }));

describe('describeCueSent', () => {
  it('decodes what went out into the event clients see', () => {
    const { event } = describeCueSent({ section: cueOut, splicePts: 900_000, clockPts: 899_000, heartbeat: false, copy: 1 }, NOW);
    expect(event).toEqual({
      hex: Buffer.from(cueOut).toString('hex'),
      spliceCommandType: 5,
      eventId: 77,
      outOfNetwork: true,
      splicePts: 900_000,
      clockPts: 899_000,
      heartbeat: false,
      copy: 1,
      sentAt: NOW.toISOString(),
    });
  });

  it('names each outcome the log records: first copy, later copy, cancel, heartbeat', () => {
    const outcome = (section: Uint8Array, copy: number, heartbeat = false) =>
      describeCueSent({ section, splicePts: null, clockPts: 0, heartbeat, copy }, NOW).outcome;
    expect(outcome(cueOut, 1)).toBe('sent');
    expect(outcome(cueOut, 3)).toBe('repeated');
    expect(outcome(encodeSection(buildCancel({ eventId: 77 })), 1)).toBe('cancel sent');
    expect(outcome(encodeSection(buildSpliceNull()), 1, true)).toBe('heartbeat');
  });

  it('a time_signal is logged with its segmentation_event_id; its segmentation cancel as a cancel', () => {
    const start = breakStartSection({ style: 'time_signal_placement_opportunity', eventId: 88, upid: { type: 'none' } }, 900_000, 90_000);
    const described = describeCueSent({ section: start, splicePts: 900_000, clockPts: 0, heartbeat: false, copy: 1 }, NOW);
    expect(described.event).toMatchObject({ spliceCommandType: 6, eventId: 88 });
    expect(described.outcome).toBe('sent');
    const cancel = breakCancelSection({ style: 'time_signal_advertisement', eventId: 88, upid: { type: 'none' } });
    expect(describeCueSent({ section: cancel, splicePts: null, clockPts: 0, heartbeat: false, copy: 1 }, NOW)).toMatchObject({
      event: { eventId: 88 },
      outcome: 'cancel sent',
    });
  });

  it('is what the SCTE-35 log writes and reads back', () => {
    const db = new Database(':memory:');
    for (const migration of migrations) migration.up(db);
    const log = new Scte35Log(db);
    const { event, outcome } = describeCueSent({ section: cueOut, splicePts: 900_000, clockPts: 899_000, heartbeat: false, copy: 2 }, NOW);
    log.record(event, outcome);
    expect(log.recent()).toEqual([{ sentAt: NOW.toISOString(), eventId: 77, commandType: 5, pts: 900_000, hex: event.hex, outcome: 'repeated' }]);
    expect(db.prepare('SELECT detail FROM scte35_log').pluck().get()).toBe('copy 2, clock 899000');
    db.close();
  });
});
