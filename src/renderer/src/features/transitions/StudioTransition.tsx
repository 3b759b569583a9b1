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
