import { useState } from 'react';
import type { OutputState, OutputStatus, PublicOutputSettings } from '../../../../shared/outputs.ts';
import { describeError } from '../../api/errors.ts';
import { FormError } from '../../components/Field.tsx';
import { formatBytes, formatKbps, OUTPUT_STATE_LEVEL } from '../../components/format.ts';
import { ConfirmRemove } from '../../components/ConfirmRemove.tsx';
import { Panel } from '../../components/Panel.tsx';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { ACTIVE_OUTPUT_STATES, outputFigures, outputsSelectors, shownOutputState } from '../../store/slices/outputs.ts';
import { programSelectors } from '../../store/slices/program.ts';
import { AddOutputForm } from './AddOutputForm.tsx';
import { OutputEditButton } from '../output-editor/OutputEditorDialog.tsx';

const KIND_LABEL = { srt: 'SRT', hls: 'HLS', recording: 'Recording', rtmp: 'RTMP' } as const;

/** Where an output goes, from its settings (before it has a live status that says so). */
function targetOf(settings: PublicOutputSettings): string {
  switch (settings.kind) {
    case 'srt':
      return `${settings.url} (${settings.mode})`;
    case 'rtmp':
      return settings.url;
    case 'recording':
      return settings.folder;
    case 'hls':
      return settings.folder ?? 'preview only';
  }
}

export function OutputsPanel() {
  const ids = useStudioShallow(outputsSelectors.ids);
  const loaded = useStudio(outputsSelectors.loaded);
  const error = useStudio(outputsSelectors.error);
  const running = useStudio(programSelectors.running);
  const startAll = useStudio((s) => s.startAllOutputs);
  const stopAll = useStudio((s) => s.stopAllOutputs);
  const [adding, setAdding] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const run = (action: () => Promise<void>) => {
    setActionError(null);
    action().catch((err: unknown) => setActionError(describeError(err)));
  };

  return (
    <Panel
      title="Outputs"
      testId="dock-outputs"
      aside={
        <>
          <button type="button" className="button button--tiny" disabled={ids.length === 0} data-testid="outputs-start-all" onClick={() => run(startAll)}>
            Start all
          </button>
          <button type="button" className="button button--tiny" disabled={ids.length === 0} data-testid="outputs-stop-all" onClick={() => run(stopAll)}>
            Stop all
          </button>
          <button type="button" className="button button--tiny" data-testid="output-add-toggle" onClick={() => setAdding(!adding)}>
            {adding ? 'Close' : '+ Output'}
          </button>
        </>
      }
    >
      {!running ? <p className="panel__hint">The program is off air: outputs send once you Go Live.</p> : null}
      {adding ? <AddOutputForm onDone={() => setAdding(false)} /> : null}
      {error ? <p className="panel__error">Could not load outputs: {error}</p> : null}
      <FormError>{actionError}</FormError>
      {!loaded ? (
        <p className="panel__muted">Loading outputs…</p>
      ) : ids.length === 0 ? (
        <p className="panel__muted" data-testid="outputs-empty">
          No outputs yet. Add SRT to your distributor, a recording, HLS or an RTMP push.
        </p>
      ) : (
        <ul className="output-list" data-testid="output-list">
          {ids.map((id) => (
            <OutputCard key={id} id={id} />
          ))}
        </ul>
      )}
      <PreviewOutput />
    </Panel>
  );
}

function OutputCard({ id }: { id: number }) {
  const output = useStudio(outputsSelectors.byId(id));
  const status = useStudio(outputsSelectors.status(id));
  const programRunning = useStudio(programSelectors.running);
  const startOutput = useStudio((s) => s.startOutput);
  const stopOutput = useStudio((s) => s.stopOutput);
  const removeOutput = useStudio((s) => s.removeOutput);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!output) return null;

  const state: OutputState = status?.state ?? 'idle';
  const active = ACTIVE_OUTPUT_STATES.has(state);
  const shown = shownOutputState(state, programRunning);
  const level = shown === 'ready' ? 'idle' : OUTPUT_STATE_LEVEL[state];
  /** Runs one action at a time; true when it succeeded, else the error shows on the card. */
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`output-card output-card--${level}`} data-testid="output-card" data-output-id={id} data-state={shown}>
      <div className="output-card__head">
        <span className="output-card__kind">{KIND_LABEL[output.settings.kind]}</span>
        <span className="output-card__name">{output.name}</span>
        <span
          className={`state-pill state-pill--${level}`}
          data-testid="output-state"
          title={shown === 'ready' ? 'Ready: it sends once you Go Live' : undefined}
        >
          {shown}
        </span>
      </div>
      <p className="output-card__target mono" title={status?.target ?? targetOf(output.settings)}>
        {status?.target ?? targetOf(output.settings)}
      </p>
      <OutputFigures status={status} />
      {status?.reason ? (
        <p className={`output-card__reason output-card__reason--${OUTPUT_STATE_LEVEL[state]}`} data-testid="output-reason">
          {status.reason}
          {state === 'backoff' && status.retryInMs !== undefined ? ` · retry in ${(status.retryInMs / 1000).toFixed(1)} s` : ''}
        </p>
      ) : null}
      {status?.warnings?.map((warning) => (
        <p key={warning} className="output-card__reason output-card__reason--warning" data-testid="output-warning">
          {warning}
        </p>
      ))}
      <div className="output-card__actions">
        {active ? (
          <button type="button" className="button button--tiny" disabled={busy} data-testid="output-stop" onClick={() => void run(() => stopOutput(id))}>
            Stop
          </button>
        ) : (
          <button type="button" className="button button--tiny" disabled={busy} data-testid="output-start" onClick={() => void run(() => startOutput(id))}>
            Start
          </button>
        )}
        <OutputEditButton outputId={id} outputName={output.name} disabled={busy} />
        <ConfirmRemove label={`Remove output ${output.name}`} trigger="Remove…" disabled={busy} onRemove={() => run(() => removeOutput(id))} />
      </div>
      <FormError>{error}</FormError>
    </li>
  );
}

/** The output's own counters as the engine pushes them (twice a second while live): no reload, nothing interpolated. */
function OutputFigures({ status }: { status: OutputStatus | null }) {
  const figures = outputFigures(status);
  if (!figures) return <p className="panel__muted">Not started.</p>;
  return (
    <>
      <dl className="figures">
        <div>
          <dt>Bitrate</dt>
          <dd data-testid="output-bitrate" data-kbps={figures.bitrateKbps ?? undefined}>
            {figures.bitrateKbps === null ? '—' : formatKbps(figures.bitrateKbps)}
          </dd>
        </div>
        <div>
          <dt>Sent</dt>
          <dd data-testid="output-sent" data-bytes={figures.bytesOut} title={`${figures.bytesOut} bytes`}>
            {formatBytes(figures.bytesOut)}
          </dd>
        </div>
        <div>
          <dt>Reconnects</dt>
          <dd data-testid="output-reconnects" className={figures.reconnects > 0 ? 'text-warn' : undefined}>
            {figures.reconnects}
          </dd>
        </div>
        <div>
          <dt>Dropped</dt>
          <dd data-testid="output-dropped" className={figures.droppedBytes > 0 ? 'text-warn' : undefined}>
            {formatBytes(figures.droppedBytes)}
          </dd>
        </div>
      </dl>
      {figures.recoveredError ? (
        <p className="output-card__reason output-card__reason--warning" data-testid="output-last-error" title={figures.recoveredError}>
          Last error (recovered): {figures.recoveredError}
        </p>
      ) : null}
    </>
  );
}

/** The built-in preview HLS (what the confidence monitor plays) runs whenever the program does. */
function PreviewOutput() {
  const status = useStudio(outputsSelectors.status('program'));
  const running = useStudio(programSelectors.running);
  if (!running || !status) return null;
  return (
    <p className="panel__hint" data-testid="preview-output">
      Preview HLS (confidence monitor): <span className={`state-pill state-pill--${OUTPUT_STATE_LEVEL[status.state]}`}>{status.state}</span>{' '}
      {formatKbps(status.bitrateKbps)}
    </p>
  );
}
