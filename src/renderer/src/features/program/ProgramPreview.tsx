import { useStudio } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';
import { scenesSelectors } from '../../store/slices/scenes.ts';
import { SceneEditor } from '../scene-editor/SceneEditor.tsx';
import { StudioTransition } from '../transitions/StudioTransition.tsx';
import { ProgramMonitorView, ScenePicture } from './PictureMonitor.tsx';

/**
 * The selected scene on the left (its picture, with the editor's outlines and handles over it), the
 * program on the right (composed, or encoded: the confidence monitor); in Studio Mode the left is
 * Preview, with the Transition controls between the two, as in OBS.
 */
export function ProgramPreview() {
  const studioMode = useStudio(programSelectors.studioMode);
  return (
    <section className={`program-preview${studioMode ? ' program-preview--studio' : ''}`} aria-label="Scene and Program">
      <figure className="monitor">
        <figcaption className="monitor__label">
          <SelectedSceneCaption />
        </figcaption>
        <div className="monitor__screen monitor__screen--layout" data-testid="monitor-preview">
          <SceneEditor>
            <SelectedScenePicture />
          </SceneEditor>
        </div>
      </figure>
      {studioMode ? <StudioTransition /> : null}
      <figure className="monitor">
        <figcaption className="monitor__label">Program</figcaption>
        <div className="monitor__screen monitor__screen--program" data-testid="monitor-program">
          <ProgramMonitorView />
        </div>
      </figure>
    </section>
  );
}

/** The selected scene's picture, under the editor. */
function SelectedScenePicture() {
  const scene = useStudio(scenesSelectors.selected);
  return <ScenePicture sceneId={scene?.id} />;
}

function SelectedSceneCaption() {
  const scene = useStudio(scenesSelectors.selected);
  const onAir = useStudio(programSelectors.onAirSceneId);
  const studioMode = useStudio(programSelectors.studioMode);
  const title = studioMode ? 'Preview' : 'Scene';
  if (!scene) return <>{title}</>;
  return (
    <>
      {title} · {scene.name}
      {onAir === scene.id ? <span className="on-air-badge">on air</span> : null}
    </>
  );
}
