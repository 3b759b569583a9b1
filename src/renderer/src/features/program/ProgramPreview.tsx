import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';
import { scenesSelectors } from '../../store/slices/scenes.ts';
import { StudioTransition } from '../transitions/StudioTransition.tsx';
import { ProgramMonitorView, ScenePicture } from './PictureMonitor.tsx';

/**
 * The selected scene's layout on the left, the encoded program (confidence monitor) on the right; in
 * Studio Mode the left is Preview, with the Transition button between the two, as in OBS.
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
          <SelectedScenePicture />
          <SceneLayout />
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

/** The selected scene's picture, behind its layout. */
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

/** Where each layer of the selected scene sits in the program frame (a wireframe, not pixels). */
function SceneLayout() {
  const scene = useStudio(scenesSelectors.selected);
  const format = useStudio(programSelectors.format);
  const sources = useStudioShallow((s) => s.sources);
  if (!scene) return <p className="monitor__idle-detail">No scene yet: add one in the Scenes dock.</p>;
  if (!format) return null;
  if (scene.layers.length === 0) return <p className="monitor__idle-detail">“{scene.name}” has no layers: add sources to it in the Sources dock.</p>;
  return (
    <div className="layout" style={{ aspectRatio: `${format.width} / ${format.height}` }}>
      {scene.layers.map((layer, index) => {
        const source = sources.find((s) => s.id === layer.sourceId);
        const width = source?.config.width ?? format.width;
        const height = source?.config.height ?? format.height;
        return (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: a layer is its place in the scene (bottom first); the same source may sit in two
            key={`${layer.sourceId}-${index}`}
            className={`layout__layer ${layer.visible ? '' : 'layout__layer--hidden'}`}
            style={{
              left: `${(layer.x / format.width) * 100}%`,
              top: `${(layer.y / format.height) * 100}%`,
              width: `${(width / format.width) * 100}%`,
              height: `${(height / format.height) * 100}%`,
              opacity: layer.visible ? Math.max(0.35, layer.opacity) : 0.2,
              zIndex: index,
            }}
            title={`${source?.name ?? `source ${layer.sourceId}`}: ${width}×${height} at ${layer.x},${layer.y}`}
          >
            <span className="layout__name">{source?.name ?? `#${layer.sourceId}`}</span>
          </div>
        );
      })}
    </div>
  );
}
