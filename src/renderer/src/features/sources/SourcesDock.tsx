import { useState } from 'react';
import { describeError } from '../../api/errors.ts';
import { ConfirmRemove } from '../../components/ConfirmRemove.tsx';
import { Panel } from '../../components/Panel.tsx';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { sourcesSelectors } from '../../store/slices/sources.ts';
import { LayerList } from '../scene-editor/LayerList.tsx';
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
      <LayerList />
      <AllSources />
    </Panel>
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
        <ul className="item-list source-list" data-testid="source-list">
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
        <span className={`state-pill state-pill--${state ? (STATE_LEVEL[state] ?? 'idle') : 'idle'}`} data-testid="source-state" title={state ?? 'idle'}>
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
