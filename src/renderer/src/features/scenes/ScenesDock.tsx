import { useState, type FormEvent } from 'react';
import { describeError } from '../../api/errors.ts';
import { Field, FormError, fieldErrorText } from '../../components/Field.tsx';
import { ConfirmRemove } from '../../components/ConfirmRemove.tsx';
import { Panel } from '../../components/Panel.tsx';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';
import { scenesSelectors } from '../../store/slices/scenes.ts';

/**
 * Scenes as in OBS: click one to select it (and edit it). While on air, that also takes the program to
 * it with the dock's transition, unless Studio Mode is on: then it goes to Preview only.
 */
export function ScenesDock() {
  const ids = useStudioShallow((s) => s.scenes.map((scene) => scene.id));
  const loaded = useStudio(scenesSelectors.loaded);
  const error = useStudio(scenesSelectors.error);
  const switchError = useStudio(programSelectors.switchError);
  const [adding, setAdding] = useState(false);

  return (
    <Panel
      title="Scenes"
      testId="dock-scenes"
      aside={
        <button type="button" className="button button--tiny" data-testid="scene-add-toggle" onClick={() => setAdding(!adding)}>
          {adding ? 'Close' : '+ Scene'}
        </button>
      }
    >
      {adding ? <AddSceneForm onDone={() => setAdding(false)} /> : null}
      {error ? <p className="panel__error">Could not load scenes: {error}</p> : null}
      {!loaded ? (
        <p className="panel__muted">Loading scenes…</p>
      ) : ids.length === 0 ? (
        <p className="panel__muted">No scenes yet. Add one, then put sources in it.</p>
      ) : (
        <ul className="item-list scene-list" aria-label="Scenes" data-testid="scene-list">
          {ids.map((id) => (
            <SceneRow key={id} id={id} />
          ))}
        </ul>
      )}
      <FormError testId="scene-switch-error">{switchError}</FormError>
    </Panel>
  );
}

function SceneRow({ id }: { id: number }) {
  const scene = useStudio(scenesSelectors.byId(id));
  const selected = useStudio((s) => s.selectedSceneId === id);
  const onAir = useStudio((s) => programSelectors.onAirSceneId(s) === id);
  const running = useStudio(programSelectors.running);
  const studioMode = useStudio(programSelectors.studioMode);
  const chooseScene = useStudio((s) => s.chooseScene);
  const removeScene = useStudio((s) => s.removeScene);
  const [error, setError] = useState<string | null>(null);
  if (!scene) return null;

  const choose = () => chooseScene(id);
  const remove = async () => {
    setError(null);
    try {
      await removeScene(id);
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    }
  };

  return (
    <li
      className={`item-row item-row--clickable ${selected ? 'item-row--selected' : ''} ${onAir ? 'item-row--on-air' : ''}`}
      data-testid="scene-row"
      data-scene-id={id}
      data-selected={selected}
      data-on-air={onAir}
    >
      <button
        type="button"
        className="item-row__main item-row__select"
        onClick={choose}
        title={studioMode ? 'Put this scene in Preview' : running ? 'Take the program to this scene' : 'Select this scene'}
      >
        <span className="item-row__name">{scene.name}</span>
        <span className="item-row__meta">
          {scene.layers.length} {scene.layers.length === 1 ? 'layer' : 'layers'}
        </span>
        {onAir ? <span className="on-air-badge">on air</span> : null}
        {studioMode && selected && !onAir ? <span className="preview-badge">preview</span> : null}
      </button>
      <span className="item-row__actions">
        <ConfirmRemove label={`Remove scene ${scene.name}`} onRemove={remove} />
      </span>
      {error ? <p className="field__error item-row__error">{error}</p> : null}
    </li>
  );
}

function AddSceneForm({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState('');
  const createScene = useStudio((s) => s.createScene);
  const createError = useStudio(scenesSelectors.createError);
  const clearError = useStudio((s) => s.clearSceneCreateError);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await createScene(name)) {
      setName('');
      onDone();
    }
  }

  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)} noValidate data-testid="scene-form">
      <Field label="Scene name" error={createError?.field === 'name' ? fieldErrorText(createError.message, 'name') : null} errorTestId="scene-name-error">
        {(props) => (
          <input
            {...props}
            className="input"
            value={name}
            placeholder="e.g. Main"
            autoComplete="off"
            data-testid="scene-name"
            onChange={(event) => {
              setName(event.target.value);
              clearError();
            }}
          />
        )}
      </Field>
      <button type="submit" className="button button--small button--primary">
        Add scene
      </button>
      <FormError>{createError && createError.field !== 'name' ? createError.message : null}</FormError>
    </form>
  );
}
