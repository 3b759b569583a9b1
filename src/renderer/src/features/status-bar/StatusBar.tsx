import { useState } from 'react';
import type { ConnectionState } from '../../api/client.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { connectionSelectors } from '../../store/slices/connection.ts';
import { REQUIRED_CAPABILITIES, engineSelectors, formatUptime } from '../../store/slices/engine.ts';

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  open: 'Connected',
  connecting: 'Connecting…',
  closed: 'Disconnected',
};

/** Live health of the engine, from what it pushes; always visible at the bottom. */
export function StatusBar({ onReconnect }: { onReconnect?: (() => void) | undefined }) {
  // While disconnected the figures are the last ones received: dimmed, so nobody reads them as live.
  const stale = useStudio((s) => s.connection !== 'open' && s.engineStatus !== null);
  return (
    <footer
      role="contentinfo"
      className={`status-bar ${stale ? 'status-bar--stale' : ''}`}
      aria-label="Engine status"
      title={stale ? 'Last known engine status: not connected' : undefined}
    >
      <ConnectionIndicator onReconnect={onReconnect} />
      <Version />
      <Ffmpeg />
      <DataDir />
      <StoreWarnings />
      <Uptime />
    </footer>
  );
}

function ConnectionIndicator({ onReconnect }: { onReconnect?: (() => void) | undefined }) {
  const connection = useStudio(connectionSelectors.state);
  const transport = useStudio(connectionSelectors.transport);
  return (
    <div className="status-bar__item">
      <span
        className={`status-dot status-dot--${connection}`}
        data-testid="status-connection"
        data-state={connection}
        title={transport === 'ipc' ? 'Desktop app (IPC)' : 'WebSocket to studio serve'}
      >
        {CONNECTION_LABEL[connection]}
      </span>
      {connection === 'closed' && onReconnect && transport === 'websocket' ? (
        <button type="button" className="button button--tiny" onClick={onReconnect}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}

function Version() {
  const version = useStudio(engineSelectors.version);
  const error = useStudio(engineSelectors.error);
  return (
    <div className="status-bar__item" data-testid="status-version">
      {error && !version ? (
        <span className="text-danger" title={error}>
          Engine status unavailable
        </span>
      ) : (
        <>
          <span className="status-bar__label">Studio</span>
          <span className="mono">{version ? `v${version}` : '…'}</span>
        </>
      )}
    </div>
  );
}

function Ffmpeg() {
  const known = useStudio((s) => s.engineStatus !== null);
  const ffmpeg = useStudio(engineSelectors.ffmpeg);
  const ffmpegError = useStudio(engineSelectors.ffmpegError);
  const capabilities = useStudioShallow(engineSelectors.capabilities);

  if (!known) {
    return (
      <div className="status-bar__item" data-testid="status-ffmpeg">
        <span className="status-bar__label">FFmpeg</span>
        <span>…</span>
      </div>
    );
  }
  if (!ffmpeg) {
    return (
      <div className="status-bar__item status-bar__item--shrink" data-testid="status-ffmpeg" data-ffmpeg="missing">
        <span className="status-bar__label">FFmpeg</span>
        <span className="text-danger status-bar__ellipsis" title={ffmpegError ?? undefined}>
          {ffmpegError ?? 'not found'}
        </span>
      </div>
    );
  }
  return (
    <div className="status-bar__item status-bar__item--shrink" data-testid="status-ffmpeg" data-ffmpeg="present">
      <span className="status-bar__label">FFmpeg</span>
      <span className="mono">{ffmpeg.version}</span>
      <span className="badges">
        {REQUIRED_CAPABILITIES.map(({ name, kind }) => {
          const present = capabilities[name] === true;
          return (
            <span
              key={name}
              className={`badge ${present ? 'badge--ok' : 'badge--missing'}`}
              data-capability={name}
              data-present={present}
              title={`${kind} ${name}: ${present ? 'present' : 'missing'}`}
            >
              {present ? '✓' : '✗'} {name}
            </span>
          );
        })}
      </span>
      <span className="mono status-bar__ellipsis status-bar__path" title={`${ffmpeg.path} (from ${ffmpeg.source})`}>
        {ffmpeg.path}
      </span>
    </div>
  );
}

function DataDir() {
  const dataDir = useStudio(engineSelectors.dataDir);
  return (
    <div className="status-bar__item status-bar__item--datadir" data-testid="status-datadir">
      <span className="status-bar__label">Data</span>
      <span className="mono status-bar__ellipsis" title={dataDir ?? undefined}>
        {dataDir ?? '…'}
      </span>
    </div>
  );
}

/**
 * What the store found wrong at start and worked around (a damaged WAL backed up and recovered, say):
 * the studio runs, but the creator must know, so it stays in the status bar until the next start.
 */
function StoreWarnings() {
  const warnings = useStudioShallow((s) => s.engineStatus?.store.warnings ?? []);
  const [open, setOpen] = useState(false);
  if (warnings.length === 0) return null;
  return (
    <div className="status-bar__item">
      <button type="button" className="button button--tiny status-bar__warning" onClick={() => setOpen(true)} data-testid="status-store-warnings">
        ⚠ {warnings.length === 1 ? '1 data warning' : `${warnings.length} data warnings`}
      </button>
      {open ? (
        <Dialog title="Found at start" onClose={() => setOpen(false)} testId="store-warnings-dialog" className="store-warnings-dialog">
          <p className="panel__muted">The studio started, working around what it found. Nothing was lost that the messages do not name.</p>
          <ul className="store-warnings">
            {warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </Dialog>
      ) : null}
    </div>
  );
}

function Uptime() {
  const uptime = useStudio(engineSelectors.uptimeSeconds);
  return (
    <div className="status-bar__item status-bar__item--end" data-testid="status-uptime" data-seconds={uptime ?? undefined}>
      <span className="status-bar__label">Uptime</span>
      <span className="mono">{uptime === null ? '…' : formatUptime(uptime)}</span>
    </div>
  );
}
