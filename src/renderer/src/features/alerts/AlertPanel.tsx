import { useState, type FormEvent } from 'react';
import type { AlertStyle } from '../../../../shared/cues.ts';
import { Field, FormError, fieldErrorText } from '../../components/Field.tsx';
import { Panel } from '../../components/Panel.tsx';
import { useStudio } from '../../store/context.tsx';
import { connectionSelectors } from '../../store/slices/connection.ts';
import { cuesSelectors } from '../../store/slices/cues.ts';
import { programSelectors } from '../../store/slices/program.ts';
import { formatClock } from '../cue-deck/deck-logic.ts';

/** ALERT_TEXT_MAX in cues.ts. */
const ALERT_TEXT_MAX = 500;

const STYLE_LABEL: Record<AlertStyle, string> = { fullscreen: 'Full screen', crawl: 'Crawl (lower third)' };

/**
 * Emergency alert override: text, style and an optional duration. It takes the program above
 * everything; a break on air returns first. Its state (time left) is the engine's `alerts.state`.
 */
export function AlertPanel() {
  const alert = useStudio(cuesSelectors.alert);
  const error = useStudio(cuesSelectors.alertError);
  const connected = useStudio(connectionSelectors.isOpen);
  const running = useStudio(programSelectors.running);
  const startAlert = useStudio((s) => s.startAlert);
  const stopAlert = useStudio((s) => s.stopAlert);
  const clearError = useStudio((s) => s.clearAlertError);
  const [text, setText] = useState('');
  const [style, setStyle] = useState<AlertStyle>('fullscreen');
  const [duration, setDuration] = useState('');
  const [busy, setBusy] = useState(false);

  const active = alert?.active === true;
  const errorFor = (field: string) => (error && error.field === field ? fieldErrorText(error.message, field) : null);
  const otherError = error && !['text', 'style', 'durationSeconds'].includes(error.field ?? '') ? error.message : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const seconds = duration.trim() === '' ? undefined : Number(duration);
      await startAlert({ text, style, ...(seconds === undefined ? {} : { durationSeconds: seconds }) });
    } finally {
      setBusy(false);
    }
  }

  async function stop() {
    setBusy(true);
    try {
      await stopAlert();
    } finally {
      setBusy(false);
    }
  }

  return (
    <Panel title="Emergency alert" testId="dock-alert" className={`alert-panel ${active ? 'alert-panel--active' : ''}`}>
      {active && alert ? (
        <div className="alert-panel__live" data-testid="alert-state" data-active="true">
          <div className="alert-panel__status">
            <span className="alert-panel__tag">Alert on air</span>
            <span className="alert-panel__style">{alert.style ? STYLE_LABEL[alert.style] : ''}</span>
            <span className="alert-panel__left mono" data-testid="alert-time-left">
              {alert.secondsLeft === null ? 'until stopped' : `${formatClock(alert.secondsLeft)} left`}
            </span>
          </div>
          <p className="alert-panel__text" data-testid="alert-text">
            {alert.text}
          </p>
          <button type="button" className="button button--danger" onClick={() => void stop()} disabled={!connected || busy} data-testid="alert-stop">
            Stop alert
          </button>
        </div>
      ) : (
        <form className="alert-panel__form" onSubmit={(event) => void submit(event)} noValidate data-testid="alert-form">
          <Field label="Alert text" error={errorFor('text')} errorTestId="alert-error-text">
            {(props) => (
              <input
                {...props}
                className="input"
                maxLength={ALERT_TEXT_MAX}
                value={text}
                placeholder="What viewers must know"
                onChange={(e) => {
                  setText(e.target.value);
                  clearError();
                }}
                data-testid="alert-text-input"
              />
            )}
          </Field>
          <div className="alert-panel__row">
            <Field label="Style" error={errorFor('style')} className="alert-panel__style-field">
              {(props) => (
                <select {...props} className="input" value={style} onChange={(e) => setStyle(e.target.value as AlertStyle)} data-testid="alert-style">
                  <option value="fullscreen">{STYLE_LABEL.fullscreen}</option>
                  <option value="crawl">{STYLE_LABEL.crawl}</option>
                </select>
              )}
            </Field>
            <Field label="Duration (s)" error={errorFor('durationSeconds')} errorTestId="alert-error-durationSeconds" className="alert-panel__duration-field">
              {(props) => (
                <input
                  {...props}
                  className="input"
                  type="number"
                  min={1}
                  step={1}
                  value={duration}
                  placeholder="optional"
                  onChange={(e) => {
                    setDuration(e.target.value);
                    clearError();
                  }}
                  data-testid="alert-duration"
                />
              )}
            </Field>
            <button type="submit" className="button button--danger alert-panel__start" disabled={!connected || busy || !running} data-testid="alert-start">
              Start alert
            </button>
          </div>
          <FormError testId="alert-error">{otherError}</FormError>
          {!running ? <p className="panel__muted">Program stopped: an alert airs on the running program; Go Live first.</p> : null}
        </form>
      )}
    </Panel>
  );
}
