import { useEffect, useState } from 'react';
import type { AsRunRow } from '../../../../shared/cues.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { describeError } from '../../api/errors.ts';
import { useStudio } from '../../store/context.tsx';
import { cuesSelectors } from '../../store/slices/cues.ts';
import { asRunFileName, formatDurationSeconds, OUTCOME_LABEL, OUTCOME_LEVEL } from './deck-logic.ts';

/** Rows the CSV export asks for: the whole log the API gives in one answer. */
const EXPORT_LIMIT = 10_000;

const time = (iso: string | null) => {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString(undefined, { hour12: false });
};

/** Saves text as a file from the page: an <a download> works in browsers and in Electron alike. */
function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The as-run log: one row per break, newest first, live as breaks arm, air and end. */
export function AsRunDialog({ onClose }: { onClose: () => void }) {
  const rows = useStudio(cuesSelectors.asRun);
  const loaded = useStudio(cuesSelectors.asRunLoaded);
  const error = useStudio(cuesSelectors.asRunError);
  const loadAsRun = useStudio((s) => s.loadAsRun);
  const exportAsRun = useStudio((s) => s.exportAsRun);
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  useEffect(() => {
    void loadAsRun();
  }, [loadAsRun]);

  async function exportCsv() {
    setExporting(true);
    setExportError(null);
    try {
      const [all, { asRunToCsv }] = await Promise.all([exportAsRun(EXPORT_LIMIT), import('../../../../shared/cues.ts')]);
      download(asRunToCsv(all), asRunFileName(new Date()));
    } catch (failure) {
      setExportError(describeError(failure));
    } finally {
      setExporting(false);
    }
  }

  const sorted = [...rows].sort((a, b) => b.eventId - a.eventId);
  return (
    <Dialog
      title="As-run log"
      onClose={onClose}
      testId="as-run-dialog"
      className="dialog--wide"
      actions={
        <button
          type="button"
          className="button button--small button--primary"
          onClick={() => void exportCsv()}
          disabled={exporting}
          data-testid="as-run-export"
        >
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      }
    >
      {exportError ? (
        <p className="panel__error" role="alert" data-testid="as-run-export-error">
          Export failed: {exportError}
        </p>
      ) : null}
      {error ? (
        <p className="panel__error" role="alert">
          {error}
        </p>
      ) : null}
      {loaded && sorted.length === 0 ? (
        <p className="panel__muted">No breaks yet. Each break the deck cues gets a row here, written before the engine answers.</p>
      ) : null}
      {sorted.length > 0 ? (
        <div className="as-run__scroll">
          <table className="as-run" data-testid="as-run-table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Outcome</th>
                <th scope="col">Signal</th>
                <th scope="col">Requested</th>
                <th scope="col" title="Planned splice frame, and the actual one when it aired">
                  Splice
                </th>
                <th scope="col" title="Planned return frame, and the actual one">
                  Return
                </th>
                <th scope="col" title="Asked for · planned on the GOP grid · actual">
                  Duration: asked · planned · actual
                </th>
                <th scope="col" title="Section copies logged in the SCTE-35 log">
                  Sections
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((row) => (
                <AsRunTableRow key={row.eventId} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Dialog>
  );
}

function FramePair({ planned, actual, at }: { planned: number; actual: number | null; at: string | null }) {
  return (
    <>
      <span className="mono">{planned}</span>
      {actual !== null && actual !== planned ? <span className="mono as-run__actual"> → {actual}</span> : null}
      <span className="as-run__time">{actual !== null ? time(at) : 'planned'}</span>
    </>
  );
}

function AsRunTableRow({ row }: { row: AsRunRow }) {
  return (
    <tr data-testid="as-run-row" data-event-id={row.eventId} data-outcome={row.outcome}>
      <td className="mono">#{row.eventId}</td>
      <td>
        <span className={`state-pill state-pill--${OUTCOME_LEVEL[row.outcome]}`} data-testid="as-run-outcome">
          {OUTCOME_LABEL[row.outcome]}
        </span>
      </td>
      <td className="as-run__style">{row.signalStyle}</td>
      <td>{time(row.requestedAt)}</td>
      <td>
        <FramePair planned={row.plannedSpliceFrame} actual={row.actualSpliceFrame} at={row.actualSpliceAt} />
      </td>
      <td>
        <FramePair planned={row.plannedReturnFrame} actual={row.actualReturnFrame} at={row.actualReturnAt} />
      </td>
      <td className="mono">
        {formatDurationSeconds(row.durationSecondsRequested)} · {formatDurationSeconds(row.durationSecondsPlanned)} ·{' '}
        {row.durationSecondsActual === null ? '–' : formatDurationSeconds(row.durationSecondsActual)}
      </td>
      <td className="mono">{row.scte35LogIds.length}</td>
    </tr>
  );
}
