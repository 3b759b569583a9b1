import { describe, expect, it } from 'vitest';
import { AS_RUN_CSV_COLUMNS, asRunToCsv, type AsRunRow } from './cues.ts';

const row = (overrides: Partial<AsRunRow> = {}): AsRunRow => ({
  eventId: 12,
  signalStyle: 'splice_insert',
  requestedAt: '2026-01-05T14:30:00.000Z',
  durationSecondsRequested: 30,
  durationSecondsPlanned: 30,
  plannedSpliceFrame: 600,
  plannedSplicePts: 126000,
  plannedSpliceAt: '2026-01-05T14:30:04.100Z',
  plannedReturnFrame: 1500,
  plannedReturnPts: 207000,
  plannedReturnAt: '2026-01-05T14:30:34.100Z',
  actualSpliceFrame: 600,
  actualSplicePts: 126000,
  actualSpliceAt: '2026-01-05T14:30:04.100Z',
  actualReturnFrame: null,
  actualReturnPts: null,
  actualReturnAt: null,
  durationSecondsActual: null,
  outcome: 'pending',
  scte35LogIds: [4, 5, 6],
  ...overrides,
});

/** A small RFC 4180 reader, to check the writer by reading back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      rows.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('asRunToCsv', () => {
  it('writes the header and one line per row, CRLF-ended, empty cells for nulls and ids joined by ;', () => {
    const csv = asRunToCsv([row()]);
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, line] = parseCsv(csv);
    expect(header).toEqual([...AS_RUN_CSV_COLUMNS]);
    expect(line![AS_RUN_CSV_COLUMNS.indexOf('eventId')]).toBe('12');
    expect(line![AS_RUN_CSV_COLUMNS.indexOf('actualReturnFrame')]).toBe('');
    expect(line![AS_RUN_CSV_COLUMNS.indexOf('scte35LogIds')]).toBe('4;5;6');
    expect(line).toHaveLength(AS_RUN_CSV_COLUMNS.length);
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and reads back the same text', () => {
    const tricky = 'a,"b"\r\nc';
    const csv = asRunToCsv([row({ requestedAt: tricky })]);
    expect(csv).toContain('"a,""b""\r\nc"');
    expect(parseCsv(csv)[1]![AS_RUN_CSV_COLUMNS.indexOf('requestedAt')]).toBe(tricky);
  });

  it('defuses text a spreadsheet would run as a formula, and leaves numbers alone', () => {
    for (const formula of ['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)', '\tcmd']) {
      const cell = parseCsv(asRunToCsv([row({ requestedAt: formula })]))[1]![AS_RUN_CSV_COLUMNS.indexOf('requestedAt')];
      expect(cell).toBe(`'${formula}`);
    }
    expect(parseCsv(asRunToCsv([row({ plannedSplicePts: -5 })]))[1]![AS_RUN_CSV_COLUMNS.indexOf('plannedSplicePts')]).toBe('-5');
  });

  it('writes only the header for an empty log', () => {
    expect(asRunToCsv([])).toBe(`${AS_RUN_CSV_COLUMNS.join(',')}\r\n`);
  });
});
