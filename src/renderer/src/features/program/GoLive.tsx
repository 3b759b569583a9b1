import { useStudio } from '../../store/context.tsx';
import { connectionSelectors } from '../../store/slices/connection.ts';
import { programSelectors } from '../../store/slices/program.ts';

/** Go Live / Stop for the whole program (compose, encode, outputs), with its state and any error. */
export function GoLive() {
  const running = useStudio(programSelectors.running);
  const known = useStudio((s) => s.programStatus !== null);
  const action = useStudio(programSelectors.action);
  const error = useStudio(programSelectors.error);
  const connected = useStudio(connectionSelectors.isOpen);
  const startProgram = useStudio((s) => s.startProgram);
  const stopProgram = useStudio((s) => s.stopProgram);

  const state = action ?? (running ? 'live' : 'stopped');
  const label = { starting: 'Starting…', stopping: 'Stopping…', live: 'On air', stopped: 'Off air' }[state];

  return (
    <div className="go-live">
      <span className={`program-state program-state--${state}`} data-testid="program-state" data-state={known ? state : 'unknown'}>
        {known ? label : '…'}
      </span>
      {running ? (
        <button
          type="button"
          className="button button--danger"
          data-testid="program-stop"
          disabled={!connected || action !== null}
          onClick={() => void stopProgram()}
        >
          Stop
        </button>
      ) : (
        <button
          type="button"
          className="button button--live"
          data-testid="program-go-live"
          disabled={!connected || action !== null || !known}
          onClick={() => void startProgram()}
        >
          Go Live
        </button>
      )}
      {error ? (
        <span className="go-live__error" role="alert" data-testid="program-error" title={error}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
