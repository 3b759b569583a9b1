import { useState } from 'react';
import type { LayerSettings } from '../../../../shared/program.ts';
import { describeError } from '../../api/errors.ts';
import { FormError } from '../../components/Field.tsx';
import { ConfirmRemove } from '../../components/ConfirmRemove.tsx';
import { Panel } from '../../components/Panel.tsx';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { scenesSelectors } from '../../store/slices/scenes.ts';
import { sourcesSelectors } from '../../store/slices/sources.ts';
import { AddSourceForm, KIND_LABEL } from './AddSourceForm.tsx';
import { SourceEditButton } from '../source-editor/SourceEditorDialog.tsx';

/** The layers of the selected scene, then every source with its state (gain, mute and meters are in the Audio Mixer dock). */
export function SourcesDock() {
  const [adding, setAdding] = useState(false);

  return (
    <Panel
      title="Sources"
      testId="dock-sources"
      aside={
        <button type="button" className="button button--tiny" data-testid="source-add-toggle" onClick={() => setAdding(!adding)}>
          {adding ? 'Close' : '+ Source'}
        </button>
      }
    >
      {adding ? <AddSourceForm onDone={() => setAdding(false)} /> : null}
      <SceneLayers />
      <AllSources />
    </Panel>
  );
}

function SceneLayers() {
  const scene = useStudio(scenesSelectors.selected);
  const sources = useStudio(sourcesSelectors.list);
  const setSceneLayers = useStudio((s) => s.setSceneLayers);
  const [toAdd, setToAdd] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!scene) return <p className="panel__muted">Select or add a scene to give it layers.</p>;

  const update = async (layers: LayerSettings[]) => {
    setError(null);
    try {
      await setSceneLayers(scene.id, layers);
    } catch (err) {
      setError(describeError(err));
    }
  };
  const nameOf = (id: number) => sources.find((source) => source.id === id)?.name ?? `source #${id}`;
  // OBS lists the top layer first; the contract stores them bottom first.
  const topFirst = scene.layers.map((layer, index) => ({ layer, index })).reverse();

  return (
    <section className="dock-section" aria-label={`Layers of ${scene.name}`}>
      <h3 className="dock-section__title">In “{scene.name}”</h3>
      {topFirst.length === 0 ? <p className="panel__muted">No layers yet.</p> : null}
      <ul className="item-list" data-testid="scene-layers">
        {topFirst.map(({ layer, index }) => (
          <li key={`${layer.sourceId}-${index}`} className="item-row" data-testid="scene-layer" data-source-id={layer.sourceId}>
            <span className="item-row__main">
              <span className={`item-row__name ${layer.visible ? '' : 'text-faint'}`}>{nameOf(layer.sourceId)}</span>
              <span className="item-row__meta">{index === 0 ? 'base' : `${layer.x},${layer.y}`}</span>
            </span>
            <span className="item-row__actions">
              <button
                type="button"
                className="button button--tiny button--ghost"
                aria-pressed={layer.visible}
                title={layer.visible ? 'Hide this layer' : 'Show this layer'}
                onClick={() => void update(scene.layers.map((l, i) => (i === index ? { ...l, visible: !l.visible } : l)))}
              >
                {layer.visible ? 'Shown' : 'Hidden'}
              </button>
              <button
                type="button"
                className="button button--tiny button--ghost"
                aria-label={`Remove ${nameOf(layer.sourceId)} from ${scene.name}`}
                onClick={() => void update(scene.layers.filter((_, i) => i !== index))}
              >
                ✕
              </button>
            </span>
          </li>
        ))}
      </ul>
      {sources.length > 0 ? (
        <div className="inline-row">
          <select
            className="input input--small"
            aria-label="Source to add to the scene"
            value={toAdd}
            data-testid="layer-source"
            onChange={(event) => setToAdd(event.target.value)}
          >
            <option value="">Add a source to this scene…</option>
            {sources.map((source) => (
              <option key={source.id} value={source.id}>
                {source.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button button--tiny"
            disabled={toAdd === ''}
            data-testid="layer-add"
            onClick={() => {
              void update([...scene.layers, { sourceId: Number(toAdd), x: 0, y: 0, opacity: 1, visible: true }]);
              setToAdd('');
            }}
          >
            Add on top
          </button>
        </div>
      ) : null}
      <FormError>{error}</FormError>
    </section>
  );
}

function AllSources() {
  const ids = useStudioShallow(sourcesSelectors.ids);
  const loaded = useStudio(sourcesSelectors.loaded);
  const error = useStudio(sourcesSelectors.error);
  return (
    <section className="dock-section" aria-label="All sources">
      <h3 className="dock-section__title">All sources</h3>
      {error ? <p className="panel__error">Could not load sources: {error}</p> : null}
      {!loaded ? (
        <p className="panel__muted">Loading sources…</p>
      ) : ids.length === 0 ? (
        <p className="panel__muted">No sources yet: add a live input, a media file, an image, a colour, a text or a test pattern.</p>
      ) : (
        <ul className="item-list" data-testid="source-list">
          {ids.map((id) => (
            <SourceRow key={id} id={id} />
          ))}
        </ul>
      )}
    </section>
  );
}

const STATIC_KINDS = new Set(['image', 'color', 'text']);

const STATE_LEVEL: Record<string, 'ok' | 'warning' | 'danger' | 'idle'> = {
  running: 'ok',
  starting: 'warning',
  waiting: 'warning',
  backoff: 'warning',
  failed: 'danger',
};

function SourceRow({ id }: { id: number }) {
  const source = useStudio(sourcesSelectors.byId(id));
  const live = useStudio(sourcesSelectors.liveState(id));
  const removeSource = useStudio((s) => s.removeSource);
  const [error, setError] = useState<string | null>(null);
  if (!source) return null;
  // Images, colours and texts are rasterized once: they have no decoder, so no state of their own.
  const state = live?.state ?? (STATIC_KINDS.has(source.config.kind) ? 'static' : null);

  const remove = async () => {
    setError(null);
    try {
      await removeSource(id);
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    }
  };

  return (
    <li className="item-row source-row" data-testid="source-row" data-source-id={id} data-state={state ?? 'idle'}>
      <span className="item-row__main">
        <span className="item-row__name" title={source.name}>
          {source.name}
        </span>
        <span className="item-row__meta" title={`${KIND_LABEL[source.config.kind]} · ${source.config.width}×${source.config.height}`}>
          {KIND_LABEL[source.config.kind]} · {source.config.width}×{source.config.height}
        </span>
        <span className={`state-pill state-pill--${state ? (STATE_LEVEL[state] ?? 'idle') : 'idle'}`} data-testid="source-state">
          {state ?? 'idle'}
        </span>
      </span>
      <span className="item-row__actions">
        <SourceEditButton sourceId={id} sourceName={source.name} />
        <ConfirmRemove label={`Remove source ${source.name}`} onRemove={remove} />
      </span>
      {live?.reason ? (
        <p className="item-row__reason" data-testid="source-reason">
          {live.reason}
        </p>
      ) : null}
      {error ? <p className="field__error item-row__error">{error}</p> : null}
    </li>
  );
}
