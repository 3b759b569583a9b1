import { useMemo, useState } from 'react';
import { latestCommitter } from '../../api/latest-commit.ts';
import { useStudio } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';
import { scenesSelectors } from '../../store/slices/scenes.ts';
import { QUICK_TRANSITIONS, TRANSITION_KINDS, transitionLabel, type TransitionChoice } from '../../store/transition-choice.ts';

/**
 * Between Preview and Program in Studio Mode, as in OBS: Transition takes the Preview scene to
 * Program with the Scene Transitions dock's transition; the quick transitions below it do the same
 * with their own. Afterwards the scenes swap: the old Program scene is in Preview (OBS's default).
 */
export function StudioTransition() {
  const previewId = useStudio(scenesSelectors.selectedId);
  const onAirId = useStudio(programSelectors.onAirSceneId);
  const transition = useStudio(programSelectors.transition);
  const takePreview = useStudio((s) => s.takePreview);
  const pending = previewId === null || previewId === onAirId;
  const take = (choice: TransitionChoice) => takePreview(choice);

  return (
    <div className="studio-transition" data-testid="studio-transition">
      <button
        type="button"
        className="button button--primary studio-transition__take"
        disabled={pending}
        onClick={() => void take(transition)}
        data-testid="transition-take"
        title={pending ? 'Pick another scene for Preview first' : `Take Preview to Program: ${transitionLabel(transition)}`}
      >
        Transition
      </button>
      <span className="studio-transition__current">{transitionLabel(transition)}</span>
      {/* A new Preview scene (after a completed transition, or picked by hand) starts from the bottom. */}
      <TBar key={previewId ?? 'none'} disabled={pending} />
      <fieldset className="studio-transition__quick" aria-label="Quick transitions">
        {QUICK_TRANSITIONS.map((choice) => (
          <button
            key={`${choice.kind}-${choice.durationMs}`}
            type="button"
            className="button button--small"
            disabled={pending}
            onClick={() => void take(choice)}
            data-testid={`quick-transition-${choice.kind}`}
            title={`Take Preview to Program: ${transitionLabel(choice)}`}
          >
            {TRANSITION_KINDS.find((k) => k.kind === choice.kind)?.label}
            {choice.kind === 'cut' ? null : <span className="studio-transition__ms">{choice.durationMs} ms</span>}
          </button>
        ))}
      </fieldset>
    </div>
  );
}

const TBAR_STEPS = 1000;

/**
 * OBS's T-bar: dragging mixes the Preview scene over Program where the hand is (the engine holds
 * it there); letting go at the end completes the transition, and at the start takes it back. Only
 * the newest position is sent while a call is out, so a fast drag never queues stale ones.
 */
function TBar({ disabled }: { disabled: boolean }) {
  const moveTbar = useStudio((s) => s.moveTbar);
  const [value, setValue] = useState(0);
  const committer = useMemo(
    () =>
      latestCommitter<number>(
        async (position) => void (await moveTbar(position)),
        () => {},
      ),
    [moveTbar],
  );

  const release = () => {
    if (value >= TBAR_STEPS) {
      committer.push(1);
      setValue(0);
    } else if (value <= 0) committer.push(0);
  };
  return (
    <label className="studio-transition__tbar">
      <span className="studio-transition__tbar-label">T-bar</span>
      <input
        type="range"
        min={0}
        max={TBAR_STEPS}
        step={1}
        value={value}
        disabled={disabled}
        aria-label="T-bar: drag to mix Preview into Program; let go at the end to complete"
        data-testid="tbar"
        data-position={value / TBAR_STEPS}
        onChange={(event) => {
          const next = Number(event.target.value);
          setValue(next);
          // Never completed mid-drag: the end is taken when the hand lets go there.
          committer.push(Math.min(next, TBAR_STEPS - 1) / TBAR_STEPS);
        }}
        onPointerUp={release}
        onKeyUp={release}
      />
    </label>
  );
}
