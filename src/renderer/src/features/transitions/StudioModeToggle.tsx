import { useStudio } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';

/** OBS's Studio Mode switch: on, picking a scene puts it in Preview and only Transition takes it to Program. */
export function StudioModeToggle() {
  const studioMode = useStudio(programSelectors.studioMode);
  const setStudioMode = useStudio((s) => s.setStudioMode);
  return (
    <button
      type="button"
      className="button button--small top-bar__studio-mode"
      aria-pressed={studioMode}
      onClick={() => setStudioMode(!studioMode)}
      data-testid="studio-mode-toggle"
      title="Studio Mode: pick scenes into Preview, take them to Program with Transition"
    >
      Studio Mode
    </button>
  );
}
