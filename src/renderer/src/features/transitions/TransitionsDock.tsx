import { useEffect, useState } from 'react';
import { Field } from '../../components/Field.tsx';
import { Panel } from '../../components/Panel.tsx';
import { useStudio } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';
import { parseDurationMs, TRANSITION_KINDS, type TransitionKind } from '../../store/transition-choice.ts';

/** OBS's Scene Transitions dock: the transition every scene change uses (Studio Mode's switch is in the top bar). */
export function TransitionsDock() {
  const studioMode = useStudio(programSelectors.studioMode);
  const transition = useStudio(programSelectors.transition);
  const setTransition = useStudio((s) => s.setTransition);
  const [durationText, setDurationText] = useState(String(transition.durationMs));
  const [durationError, setDurationError] = useState<string | null>(null);
  useEffect(() => setDurationText(String(transition.durationMs)), [transition.durationMs]);

  const commitDuration = () => {
    const parsed = parseDurationMs(durationText);
    if ('error' in parsed) {
      setDurationError(parsed.error);
      return;
    }
    setDurationError(null);
    if (parsed.value !== transition.durationMs) setTransition({ ...transition, durationMs: parsed.value });
  };

  return (
    <Panel title="Scene Transitions" testId="dock-transitions">
      <div className="transitions-dock">
        <Field label="Transition" error={null}>
          {(props) => (
            <select
              {...props}
              className="input"
              value={transition.kind}
              onChange={(event) => setTransition({ ...transition, kind: event.target.value as TransitionKind })}
              data-testid="transition-kind"
            >
              {TRANSITION_KINDS.map(({ kind, label }) => (
                <option key={kind} value={kind}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Duration (ms)" error={durationError} errorTestId="transition-duration-error">
          {(props) => (
            <input
              {...props}
              className="input"
              inputMode="numeric"
              value={durationText}
              disabled={transition.kind === 'cut'}
              onChange={(event) => {
                setDurationText(event.target.value);
                setDurationError(null);
              }}
              onBlur={commitDuration}
              onKeyDown={(event) => {
                if (event.key === 'Enter') commitDuration();
              }}
              data-testid="transition-duration"
            />
          )}
        </Field>
        <p className="panel__muted transitions-dock__hint">
          {studioMode
            ? 'Studio Mode: clicking a scene puts it in Preview; Transition takes it to Program.'
            : 'Clicking a scene while live takes the program to it with this transition.'}
        </p>
      </div>
    </Panel>
  );
}
