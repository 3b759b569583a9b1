import { type KeyboardEvent, useState } from 'react';
import type { LayerSettings } from '../../../../shared/program.ts';
import { describeError } from '../../api/errors.ts';
import { FormError } from '../../components/Field.tsx';
import { useStudio } from '../../store/context.tsx';
import { scenesSelectors } from '../../store/slices/scenes.ts';
import { sourcesSelectors } from '../../store/slices/sources.ts';
import { reorder } from './geometry.ts';
import { useEditorSelection, useSelectedIndex } from './selection.ts';

/**
 * The Sources dock's "In <scene>" list, top layer first as in OBS: select (shared with the canvas),
 * reorder by dragging a row or with Ctrl+Up / Ctrl+Down, show or hide, lock, Edit Transform, remove.
 */
export function LayerList() {
  const scene = useStudio(scenesSelectors.selected);
  const sources = useStudio(sourcesSelectors.list);
  const setSceneLayers = useStudio((s) => s.setSceneLayers);
  const selected = useSelectedIndex(scene?.id ?? null, scene?.layers.length ?? 0);
  const select = useEditorSelection((s) => s.select);
  const openTransform = useEditorSelection((s) => s.openTransform);
  const [toAdd, setToAdd] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  if (!scene) return <p className="panel__muted">Select or add a scene to give it layers.</p>;

  const update = async (layers: LayerSettings[]) => {
    setError(null);
    try {
      await setSceneLayers(scene.id, layers);
    } catch (err) {
      setError(describeError(err));
    }
  };
  const move = (from: number, to: number) => {
    if (to < 0 || to >= scene.layers.length || from === to) return;
    // The selection follows its layer, wherever the move puts it.
    if (selected !== null) select(scene.id, reorder([...scene.layers.keys()], from, to).indexOf(selected));
    void update(reorder(scene.layers, from, to));
  };
  const nameOf = (id: number) => sources.find((source) => source.id === id)?.name ?? `source #${id}`;
  // OBS lists the top layer first; the contract stores them bottom first.
  const topFirst = scene.layers.map((layer, index) => ({ layer, index })).reverse();

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (selected === null) return;
    if ((event.ctrlKey || event.metaKey) && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      if (!event.repeat) move(selected, selected + (event.key === 'ArrowUp' ? 1 : -1));
    } else if ((event.ctrlKey || event.metaKey) && event.code === 'KeyE') {
      event.preventDefault();
      openTransform();
    }
  };

  return (
    <section className="dock-section" aria-label={`Layers of ${scene.name}`}>
      <h3 className="dock-section__title">In “{scene.name}”</h3>
      {topFirst.length === 0 ? <p className="panel__muted">No layers yet.</p> : null}
      <ul className="item-list layer-list" data-testid="scene-layers" onKeyDown={onKeyDown}>
        {topFirst.map(({ layer, index }) => {
          const name = nameOf(layer.sourceId);
          return (
            <li
              // A layer is its place in the scene (bottom first); the same source may sit in two.
              key={`${layer.sourceId}-${index}`}
              className={`item-row layer-row${index === selected ? ' layer-row--selected' : ''}${dropAt === index && dragging !== index ? ' layer-row--drop' : ''}`}
              data-testid="scene-layer"
              data-source-id={layer.sourceId}
              data-index={index}
              data-selected={index === selected}
              draggable
              onDragStart={(event) => {
                event.dataTransfer.effectAllowed = 'move';
                event.dataTransfer.setData('text/plain', String(index));
                setDragging(index);
              }}
              onDragOver={(event) => {
                if (dragging === null) return;
                event.preventDefault();
                setDropAt(index);
              }}
              onDragLeave={() => setDropAt((at) => (at === index ? null : at))}
              onDrop={(event) => {
                event.preventDefault();
                if (dragging !== null) move(dragging, index);
                setDragging(null);
                setDropAt(null);
              }}
              onDragEnd={() => {
                setDragging(null);
                setDropAt(null);
              }}
            >
              <button
                type="button"
                className="item-row__main layer-row__select"
                aria-pressed={index === selected}
                title={`${name}: select (Ctrl+Up / Ctrl+Down move it, Ctrl+E edits its transform); drag the row to reorder`}
                data-testid="scene-layer-select"
                onClick={() => select(scene.id, index)}
                onDoubleClick={() => {
                  select(scene.id, index);
                  openTransform();
                }}
              >
                <span className="layer-row__grip" aria-hidden="true">
                  ⋮⋮
                </span>
                <span className="layer-row__text">
                  <span className={`item-row__name ${layer.visible ? '' : 'text-faint'}`}>{name}</span>
                  <span className="item-row__meta">
                    {layer.width ?? '?'}×{layer.height ?? '?'} at {layer.x},{layer.y}
                  </span>
                </span>
              </button>
              <span className="item-row__actions">
                <button
                  type="button"
                  className="button button--tiny button--ghost layer-row__icon"
                  aria-pressed={layer.visible}
                  aria-label={layer.visible ? `Hide ${name}` : `Show ${name}`}
                  title={layer.visible ? 'Shown: click to hide this layer' : 'Hidden: click to show this layer'}
                  data-testid="layer-visible"
                  onClick={() => void update(scene.layers.map((l, i) => (i === index ? { ...l, visible: !l.visible } : l)))}
                >
                  <Icon name={layer.visible ? 'eye' : 'eye-off'} />
                </button>
                <button
                  type="button"
                  className="button button--tiny button--ghost layer-row__icon"
                  aria-pressed={layer.locked === true}
                  aria-label={layer.locked ? `Unlock ${name}` : `Lock ${name}`}
                  title={layer.locked ? 'Locked: click to let the canvas move and resize it' : 'Click to lock: the canvas will not move or resize it'}
                  data-testid="layer-lock"
                  onClick={() => void update(scene.layers.map((l, i) => (i === index ? { ...l, locked: !l.locked } : l)))}
                >
                  <Icon name={layer.locked ? 'lock' : 'unlock'} />
                </button>
                <button
                  type="button"
                  className="button button--tiny button--ghost layer-row__icon layer-row__extra"
                  title="Edit Transform (Ctrl+E)"
                  aria-label={`Edit the transform of ${name}`}
                  data-testid="layer-transform"
                  onClick={() => {
                    select(scene.id, index);
                    openTransform();
                  }}
                >
                  <Icon name="transform" />
                </button>
                <button
                  type="button"
                  className="button button--tiny button--ghost layer-row__extra"
                  aria-label={`Remove ${name} from ${scene.name}`}
                  onClick={() => {
                    if (selected !== null && selected >= index) select(scene.id, selected === index ? null : selected - 1);
                    void update(scene.layers.filter((_, i) => i !== index));
                  }}
                >
                  ✕
                </button>
              </span>
            </li>
          );
        })}
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

const ICON_PATHS: Record<'eye' | 'eye-off' | 'lock' | 'unlock' | 'transform', string> = {
  eye: 'M1 8s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5Z M8 10.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5Z',
  'eye-off': 'M1 8s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5Z M2 2l12 12',
  lock: 'M4 7V5a4 4 0 0 1 8 0v2 M3 7h10v7H3Z',
  unlock: 'M4 7V5a4 4 0 0 1 7.5-2 M3 7h10v7H3Z',
  transform: 'M2 6V2h4 M14 6V2h-4 M2 10v4h4 M14 10v4h-4 M5 5h6v6H5Z',
};

/** A 16 px line icon (OBS's eye and lock); the button around it carries the label. */
function Icon({ name }: { name: keyof typeof ICON_PATHS }) {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d={ICON_PATHS[name]} fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
