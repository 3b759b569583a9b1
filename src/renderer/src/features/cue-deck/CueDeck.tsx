import { useEffect, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { CueAction, CueState, SignalStyle } from '../../../../shared/cues.ts';
import { Panel } from '../../components/Panel.tsx';
import { useStudio } from '../../store/context.tsx';
import { connectionSelectors } from '../../store/slices/connection.ts';
import { cuesSelectors } from '../../store/slices/cues.ts';
import { AsRunDialog } from './AsRunDialog.tsx';
import { CueSettingsDialog } from './CueSettingsDialog.tsx';
import { ACTION_LABEL, BREAK_ACTION_SECONDS, formatClock, formatDurationSeconds, formatSecondsToSplice, OUTCOME_LABEL, OUTCOME_LEVEL } from './deck-logic.ts';
import { ariaKeyShortcut, hotkeyLabel } from '../../hotkeys/hotkey-text.ts';
import { useDeckHotkeys } from './useDeckHotkeys.ts';

/** The custom break's limits (BREAK_DURATION_LIMITS in cues.ts). */
const CUSTOM_MIN = 1;
const CUSTOM_MAX = 3600;

type View = 'settings' | 'asRun' | null;

/** The engine's message without the command it names first ("cues.startBreak: …"): the deck says what was asked. */
const withoutCommandName = (message: string) => message.replace(/^(cues|alerts)\.\w+: /, '');

/** Why the deck cannot cue a break now, or null when it can. */
function whyNoBreak(connected: boolean, state: CueState | null, alertActive: boolean, loadError: string | null): string | null {
  if (!connected) return 'Not connected to the studio engine.';
  if (!state) return loadError ? `The cue deck is unavailable: ${loadError}` : 'Loading the cue deck…';
  if (!state.programRunning) return 'Program stopped: Go Live to cue breaks.';
  if (alertActive) return 'An emergency alert holds the program: breaks wait until it ends.';
  return null;
}

/**
 * The ad-cue deck: one-click breaks, a custom one, Return now and Cancel, each with its hotkey.
 * Every figure (time to the splice, time left, the real duration) is the engine's `cues.state`,
 * made from the frame clock; the deck only formats it.
 */
export function CueDeck() {
  const connected = useStudio(connectionSelectors.isOpen);
  const state = useStudio(cuesSelectors.state);
  const settings = useStudio(cuesSelectors.settings);
  const loadError = useStudio(cuesSelectors.error);
  const alertActive = useStudio(cuesSelectors.alertActive);
  const refusal = useStudio(cuesSelectors.refusal);
  const pending = useStudio(cuesSelectors.pending);
  const startBreak = useStudio((s) => s.startBreak);
  const returnNow = useStudio((s) => s.returnNow);
  const cancelBreak = useStudio((s) => s.cancelBreak);
  const dismissRefusal = useStudio((s) => s.dismissRefusal);
  const saveCueSettings = useStudio((s) => s.saveCueSettings);
  const [view, setView] = useState<View>(null);

  // The custom length as typed; it follows the saved setting until the operator edits it.
  const savedCustom = settings?.customDurationSeconds ?? null;
  const [customText, setCustomText] = useState('');
  useEffect(() => {
    if (savedCustom !== null) setCustomText(String(savedCustom));
  }, [savedCustom]);
  const customSeconds = Number(customText);
  const customValid = customText.trim() !== '' && Number.isInteger(customSeconds) && customSeconds >= CUSTOM_MIN && customSeconds <= CUSTOM_MAX;

  const phase = state?.phase ?? 'idle';
  const current = state?.current ?? null;
  const blocked = whyNoBreak(connected, state, alertActive, loadError);
  const hotkeys = settings?.hotkeys ?? null;

  function fire(action: CueAction) {
    switch (action) {
      case 'returnNow':
        void returnNow();
        return;
      case 'cancel':
        void cancelBreak();
        return;
      case 'breakCustom': {
        // An invalid custom length still goes to the engine, whose refusal names the field.
        const seconds = customValid ? customSeconds : Number.NaN;
        if (customValid && seconds !== savedCustom) void saveCueSettings({ customDurationSeconds: seconds });
        void startBreak(seconds, `${customValid ? seconds : customText || '?'} s break`);
        return;
      }
      default:
        void startBreak(BREAK_ACTION_SECONDS[action]!, ACTION_LABEL[action]);
    }
  }
  // Hotkeys always ask the engine, whatever the buttons show: the engine judges, and its refusal
  // (e.g. "break 12 is armed") shows at the deck instead of a key doing nothing.
  useDeckHotkeys(hotkeys, fire);

  const breakDisabled = blocked !== null || pending !== null;
  const onCustomKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      fire('breakCustom');
    }
  };

  return (
    <Panel
      title="Ad cues"
      testId="dock-cue-deck"
      className="cue-deck-panel"
      aside={
        <>
          <button type="button" className="button button--tiny" onClick={() => setView('asRun')} data-testid="cue-deck-open-as-run">
            As-run
          </button>
          <button type="button" className="button button--tiny" onClick={() => setView('settings')} data-testid="cue-deck-open-settings" disabled={!settings}>
            Settings
          </button>
        </>
      }
    >
      <DeckStatus state={state} blocked={blocked} prerollSeconds={settings?.prerollSeconds ?? null} signalStyle={settings?.signalStyle ?? null} />
      {/* biome-ignore lint/a11y/useSemanticElements: a group of buttons, not form fields; a fieldset would bring a form's semantics and styles */}
      <div className="cue-deck" role="group" aria-label="Cue an ad break" data-testid="cue-deck" data-phase={blocked ? 'blocked' : phase}>
        {(['break30', 'break60', 'break90', 'break120'] as const).map((action) => (
          <DeckButton
            key={action}
            action={action}
            label={`${BREAK_ACTION_SECONDS[action]} s`}
            hotkey={hotkeys?.[action]}
            className="cue-deck__break"
            disabled={breakDisabled}
            reason={blocked}
            onFire={fire}
          />
        ))}
        <div className="cue-deck__custom">
          <label className="cue-deck__custom-label">
            <span className="visually-hidden">Custom break length in seconds</span>
            <input
              className={`input input--small cue-deck__custom-input ${customText !== '' && !customValid ? 'input--invalid' : ''}`}
              type="number"
              inputMode="numeric"
              min={CUSTOM_MIN}
              max={CUSTOM_MAX}
              step={1}
              value={customText}
              onChange={(event) => setCustomText(event.target.value)}
              onKeyDown={onCustomKey}
              aria-invalid={customText !== '' && !customValid ? true : undefined}
              data-testid="cue-deck-custom-seconds"
              disabled={!settings}
            />
            <span className="cue-deck__unit">s</span>
          </label>
          <DeckButton
            action="breakCustom"
            label="Custom"
            hotkey={hotkeys?.breakCustom}
            className="cue-deck__custom-go"
            disabled={breakDisabled || !customValid}
            reason={blocked ?? (customValid ? null : `A custom break lasts ${CUSTOM_MIN} to ${CUSTOM_MAX} s.`)}
            onFire={fire}
          />
        </div>
        <DeckButton
          action="returnNow"
          label="Return now"
          hotkey={hotkeys?.returnNow}
          className="cue-deck__return"
          disabled={!connected || phase !== 'onBreak' || pending !== null || current?.returningEarly === true}
          reason={phase !== 'onBreak' ? 'Return now ends a break on air.' : current?.returningEarly ? 'The return is already cued.' : null}
          onFire={fire}
        />
        <DeckButton
          action="cancel"
          label="Cancel"
          hotkey={hotkeys?.cancel}
          className="cue-deck__cancel"
          disabled={!connected || phase !== 'armed' || pending !== null}
          reason={phase !== 'armed' ? 'Cancel withdraws a break before its splice.' : null}
          onFire={fire}
        />
      </div>
      {refusal ? (
        <div className="cue-deck__refusal" role="alert" data-testid="cue-deck-refusal" key={refusal.at}>
          <p>
            <strong>{refusal.action} refused:</strong> {withoutCommandName(refusal.message)}
          </p>
          <button type="button" className="button button--tiny button--ghost" onClick={dismissRefusal} aria-label="Dismiss">
            ×
          </button>
        </div>
      ) : null}
      {view === 'settings' ? <CueSettingsDialog onClose={() => setView(null)} /> : null}
      {view === 'asRun' ? <AsRunDialog onClose={() => setView(null)} /> : null}
    </Panel>
  );
}

function DeckButton({
  action,
  label,
  hotkey,
  className,
  disabled,
  reason,
  onFire,
}: {
  action: CueAction;
  label: string;
  hotkey: string | null | undefined;
  className: string;
  disabled: boolean;
  reason: string | null;
  onFire: (action: CueAction) => void;
}) {
  const key = hotkeyLabel(hotkey);
  const tip = `${ACTION_LABEL[action]}${key ? ` (${key})` : ''}${disabled && reason ? `: ${reason}` : ''}`;
  return (
    <button
      type="button"
      className={`button cue-deck__button ${className}`}
      disabled={disabled}
      title={tip}
      onClick={() => onFire(action)}
      data-testid={`cue-deck-${action}`}
      aria-keyshortcuts={ariaKeyShortcut(hotkey)}
    >
      <span className="cue-deck__label">{label}</span>
      {key ? (
        <kbd className="cue-deck__key" data-testid={`cue-deck-${action}-key`}>
          {key}
        </kbd>
      ) : null}
    </button>
  );
}

/** The deck's state line: armed and counting to the splice, on break with the time left, or ready. */
function DeckStatus({
  state,
  blocked,
  prerollSeconds,
  signalStyle,
}: {
  state: CueState | null;
  blocked: string | null;
  prerollSeconds: number | null;
  signalStyle: SignalStyle | null;
}) {
  const current = state?.current ?? null;
  const phase = state?.phase ?? 'idle';
  if (current && phase === 'armed') {
    return (
      <div className="cue-status cue-status--armed" data-testid="cue-status" data-phase="armed" data-event-id={current.eventId}>
        <div className="cue-status__main">
          <span className="cue-status__tag">Armed</span>
          <span className="cue-status__figure" data-testid="cue-status-figure">
            Break in {formatSecondsToSplice(current.secondsToSplice)}
          </span>
        </div>
        <BreakFacts current={current} />
      </div>
    );
  }
  if (current && phase === 'onBreak') {
    const percent = Math.round(Math.min(1, Math.max(0, current.progress)) * 1000) / 10;
    return (
      <div className="cue-status cue-status--on-break" data-testid="cue-status" data-phase="onBreak" data-event-id={current.eventId}>
        <div className="cue-status__main">
          <span className="cue-status__tag">On break</span>
          <span className="cue-status__figure" data-testid="cue-status-figure">
            {formatClock(current.secondsLeft)} left
          </span>
          {current.returningEarly ? <span className="cue-status__note">returning early</span> : null}
        </div>
        <div
          className="cue-status__progress"
          role="progressbar"
          aria-label="Break done"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          data-testid="cue-status-progress"
        >
          <div className="cue-status__progress-bar" style={{ width: `${percent}%` }} />
        </div>
        <BreakFacts current={current} />
      </div>
    );
  }
  const last = state?.last ?? null;
  return (
    <div className={`cue-status ${blocked ? 'cue-status--blocked' : 'cue-status--ready'}`} data-testid="cue-status" data-phase={blocked ? 'blocked' : 'idle'}>
      <div className="cue-status__main">
        <span className="cue-status__tag">{blocked ? 'Unavailable' : 'Ready'}</span>
        <span className="cue-status__reason" data-testid="cue-status-reason">
          {blocked ?? 'No break armed.'}
        </span>
      </div>
      <p className="cue-status__facts">
        {prerollSeconds !== null && signalStyle !== null ? (
          <span title="From the settings: the splice is the first IDR at least this long after the request">
            {prerollSeconds === 0 ? 'next IDR' : `preroll ${prerollSeconds} s`} · {signalStyle}
          </span>
        ) : null}
        {last ? (
          <span data-testid="cue-status-last">
            last #{last.eventId} <span className={`state-pill state-pill--${OUTCOME_LEVEL[last.outcome]}`}>{OUTCOME_LABEL[last.outcome]}</span>
          </span>
        ) : null}
      </p>
    </div>
  );
}

function BreakFacts({ current }: { current: NonNullable<CueState['current']> }) {
  return (
    <p className="cue-status__facts">
      <span data-testid="cue-status-event">#{current.eventId}</span>
      <span title="The real duration: splice to return on the encoder's GOP grid" data-testid="cue-status-duration">
        {formatDurationSeconds(current.durationSeconds)}
      </span>
      <span title="Splice frame → return frame">
        frames {current.splice.frame}→{current.return.frame}
      </span>
    </p>
  );
}
