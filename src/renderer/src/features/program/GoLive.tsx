import { useEffect, useRef } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
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
  // Stopping ends every output at once: while on air it is asked for, never done by one stray click
  // (or key: the Stop hotkey opens the same question).
  const confirmingStop = useStudio(programSelectors.stopConfirmOpen);
  const askToStop = useStudio((s) => s.askToStop);
  const closeStopConfirm = useStudio((s) => s.closeStopConfirm);
  const stayOnAirRef = useRef<HTMLButtonElement>(null);
  // Focus lands on the safe choice, so Enter alone never ends the show. After the Dialog's own effect
  // (showModal moves focus to its first button), since a parent's effects run after its children's.
  useEffect(() => {
    if (confirmingStop) stayOnAirRef.current?.focus();
  }, [confirmingStop]);

  const state = action ?? (running ? 'live' : 'stopped');
  const label = { starting: 'Starting…', stopping: 'Stopping…', live: 'On air', stopped: 'Off air' }[state];

  return (
    <div className="go-live">
      <span className={`program-state program-state--${state}`} data-testid="program-state" data-state={known ? state : 'unknown'}>
        {known ? label : '…'}
      </span>
      {running ? (
        <button type="button" className="button button--danger" data-testid="program-stop" disabled={!connected || action !== null} onClick={askToStop}>
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
      {confirmingStop && running ? (
        <Dialog title="Stop the program?" onClose={closeStopConfirm} testId="program-stop-dialog">
          <p>Every output stops: viewers see the stream end.</p>
          <div className="dialog__footer">
            <button type="button" className="button" ref={stayOnAirRef} onClick={closeStopConfirm} data-testid="program-stop-cancel">
              Stay on air
            </button>
            <button
              type="button"
              className="button button--danger"
              data-testid="program-stop-confirm"
              onClick={() => {
                closeStopConfirm();
                void stopProgram();
              }}
            >
              Stop program
            </button>
          </div>
        </Dialog>
      ) : null}
      {error ? (
        <span className="go-live__error" role="alert" data-testid="program-error" title={error}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
