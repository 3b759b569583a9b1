import { describe, expect, it } from 'vitest';
import { AS_RUN_CSV_COLUMNS, type AsRunRow, asRunToCsv, csvCell } from './cues.ts';

const row: AsRunRow = {
  eventId: 12,
  signalStyle: 'splice_insert',
  requestedAt: '2026-12-05T14:00:00.000Z',
  durationSecondsRequested: 45,
  durationSecondsPlanned: 46,
  plannedSpliceFrame: 240,
  plannedSplicePts: 846000,
  plannedSpliceAt: '2026-12-05T14:00:08.000Z',
  plannedReturnFrame: 1620,
  plannedReturnPts: 4986000,
  plannedReturnAt: '2026-12-05T14:00:54.000Z',
  actualSpliceFrame: 240,
  actualSplicePts: 846000,
  actualSpliceAt: '2026-12-05T14:00:08.000Z',
  actualReturnFrame: null,
  actualReturnPts: null,
  actualReturnAt: null,
  durationSecondsActual: null,
  outcome: 'interrupted_by_crash',
  scte35LogIds: [3, 4, 9],
};

describe('as-run CSV', () => {
  it('header of the contract’s columns, one line per row, CRLF, empty cells for nulls, log ids joined by ;', () => {
    const csv = asRunToCsv([row]);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines[0]).toBe(AS_RUN_CSV_COLUMNS.join(','));
    const cells = lines[1]!.split(',');
    expect(cells).toHaveLength(AS_RUN_CSV_COLUMNS.length);
    const at = (column: (typeof AS_RUN_CSV_COLUMNS)[number]) => cells[AS_RUN_CSV_COLUMNS.indexOf(column)];
    expect(at('eventId')).toBe('12');
    expect(at('outcome')).toBe('interrupted_by_crash');
    expect(at('actualReturnFrame')).toBe('');
    expect(at('scte35LogIds')).toBe('3;4;9');
    expect(asRunToCsv([])).toBe(`${AS_RUN_CSV_COLUMNS.join(',')}\r\n`);
  });

  it('quotes per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(null)).toBe('');
    expect(csvCell('plain')).toBe('plain');
  });
});
