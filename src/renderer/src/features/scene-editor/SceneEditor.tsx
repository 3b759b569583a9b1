import { type KeyboardEvent, type PointerEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import type { ProgramFormatSettings, SceneInfo, SourceInfo } from '../../../../shared/program.ts';
import { describeError } from '../../api/errors.ts';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';
import { scenesSelectors } from '../../store/slices/scenes.ts';
import {
  cropRect,
  type Guide,
  HANDLES,
  type Handle,
  hitTest,
  type LayerGeometry,
  moveRect,
  nudge,
  placeLabels,
  type Rect,
  resizeRect,
  resolveGeometry,
  reorder,
  sameGeometry,
  type Size,
  snapMove,
  snapResize,
} from './geometry.ts';
import { sourceSize, withGeometry } from './layers.ts';
import { useEditorSelection, useSelectedIndex } from './selection.ts';
import { TransformDialog } from './TransformDialog.tsx';

/** How close (screen pixels) an edge must come to a snap line to jump onto it; divided by the monitor's scale. */
const SNAP_SCREEN_PX = 8;
const LABEL_ROW_PX = 16;
/** A name's width on screen, roughly: 11 px text is about 6.3 px a character, plus its padding. */
const labelWidth = (name: string) => Math.ceil(name.length * 6.3 + 12);

/**
 * The Scene (or Preview) monitor as OBS's canvas: the selected scene's layers drawn as outlines over
 * whatever picture `children` is, to select (topmost under the pointer), move, resize with 8 handles
 * (aspect kept, Shift frees it), crop (Alt on a handle), snap (Ctrl holds it off) and nudge with the
 * arrows. Geometry is in program pixels; a change goes to the engine once, on pointer-up (or key-up).
 */
export function SceneEditor({ children }: { children?: ReactNode }) {
  const scene = useStudio(scenesSelectors.selected);
  const format = useStudio(programSelectors.format);
  const sources = useStudioShallow((s) => s.sources);
  if (!scene) return <p className="monitor__idle-detail">No scene yet: add one in the Scenes dock.</p>;
  if (!format) return null;
  return (
    <>
      <Canvas scene={scene} format={format} sources={sources}>
        {children}
      </Canvas>
      <TransformDialog scene={scene} format={format} sources={sources} />
    </>
  );
}

type DragMode = 'move' | 'resize' | 'crop';
interface Drag {
  mode: DragMode;
  /** The dragged layer's source: a scene changed under the drag (a layer removed elsewhere) is not overwritten. */
  sourceId: number;
  handle: Handle | null;
  index: number;
  start: LayerGeometry;
  startX: number;
  startY: number;
}

function Canvas({ scene, format, sources, children }: { scene: SceneInfo; format: ProgramFormatSettings; sources: SourceInfo[]; children?: ReactNode }) {
  const setSceneLayers = useStudio((s) => s.setSceneLayers);
  const selected = useSelectedIndex(scene.id, scene.layers.length);
  const select = useEditorSelection((s) => s.select);
  const openTransform = useEditorSelection((s) => s.openTransform);
  const rootRef = useRef<HTMLDivElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  // The canvas's size on screen: the largest with the program's aspect that fits the monitor.
  const [room, setRoom] = useState({ width: 0, height: 0 });
  const [draft, setDraftState] = useState<{ index: number; geometry: LayerGeometry } | null>(null);
  // Pointer-up and key-up read the draft as the last move left it, not as the last render saw it.
  const draftRef = useRef<{ index: number; geometry: LayerGeometry } | null>(null);
  const setDraft = (next: { index: number; geometry: LayerGeometry } | null) => {
    draftRef.current = next;
    setDraftState(next);
  };
  const [guides, setGuides] = useState<Guide[]>([]);
  const [error, setError] = useState<string | null>(null);
  const drag = useRef<Drag | null>(null);

  useEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const measure = () => setRoom({ width: wrap.clientWidth, height: wrap.clientHeight });
    const observer = new ResizeObserver(measure);
    observer.observe(wrap);
    measure();
    return () => observer.disconnect();
  }, []);

  const screenWidth = Math.max(1, Math.min(room.width, room.height > 0 ? (room.height * format.width) / format.height : room.width));
  const screenHeight = (screenWidth * format.height) / format.width;
  const scale = screenWidth / format.width;
  const canvas: Size = { width: format.width, height: format.height };
  const sizeOf = (sourceId: number) => sourceSize(sources, sourceId, format);
  const geometries = scene.layers.map((layer, index) => (draft?.index === index ? draft.geometry : resolveGeometry(layer, sizeOf(layer.sourceId))));
  const nameOf = (sourceId: number) => sources.find((s) => s.id === sourceId)?.name ?? `#${sourceId}`;

  const commit = async (index: number, geometry: LayerGeometry) => {
    const layer = scene.layers[index];
    if (!layer || sameGeometry(geometry, resolveGeometry(layer, sizeOf(layer.sourceId)))) {
      setDraft(null);
      return;
    }
    setError(null);
    try {
      await setSceneLayers(
        scene.id,
        scene.layers.map((l, i) => (i === index ? withGeometry(l, geometry) : l)),
      );
    } catch (err) {
      setError(describeError(err));
    }
    // The store holds the scene as the engine stored it now (and scenes.changed keeps it so).
    setDraft(null);
  };

  const canvasPoint = (event: { clientX: number; clientY: number }) => {
    const box = rootRef.current!.getBoundingClientRect();
    return { x: (event.clientX - box.left) / scale, y: (event.clientY - box.top) / scale };
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    rootRef.current?.focus();
    const point = canvasPoint(event);
    const handle = (event.target as HTMLElement).dataset.handle as Handle | undefined;
    let index: number;
    let mode: DragMode;
    if (handle && selected !== null) {
      index = selected;
      mode = event.altKey ? 'crop' : 'resize';
    } else {
      index = hitTest(
        geometries.map((geometry, i) => (scene.layers[i]?.visible ? geometry : null)),
        point.x,
        point.y,
      );
      select(scene.id, index < 0 ? null : index);
      if (index < 0) return;
      mode = 'move';
    }
    if (scene.layers[index]?.locked) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = {
      mode,
      sourceId: scene.layers[index]!.sourceId,
      handle: handle ?? null,
      index,
      start: geometries[index]!,
      startX: point.x,
      startY: point.y,
    };
  };

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const current = drag.current;
    if (!current) return;
    const point = canvasPoint(event);
    const dx = point.x - current.startX;
    const dy = point.y - current.startY;
    const others: Rect[] = geometries.filter((_, i) => i !== current.index && scene.layers[i]?.visible);
    const threshold = SNAP_SCREEN_PX / scale;
    const snapping = !event.ctrlKey;
    let next: { rect: LayerGeometry; guides: Guide[] };
    if (current.mode === 'move') {
      const moved = moveRect(current.start, dx, dy);
      next = snapping ? snapMove(moved, canvas, others, threshold) : { rect: moved, guides: [] };
    } else if (current.mode === 'resize' && current.handle) {
      const keepAspect = !event.shiftKey;
      const resized = resizeRect(current.start, current.handle, dx, dy, keepAspect);
      next = snapping ? snapResize(current.start, resized, current.handle, keepAspect, canvas, others, threshold) : { rect: resized, guides: [] };
    } else if (current.handle) {
      next = { rect: cropRect(current.start, current.handle, dx, dy, sizeOf(scene.layers[current.index]!.sourceId)), guides: [] };
    } else return;
    setDraft({ index: current.index, geometry: next.rect });
    setGuides(next.guides);
  };

  const endDrag = (keep: boolean) => {
    const current = drag.current;
    drag.current = null;
    setGuides([]);
    if (!current) return;
    const last = draftRef.current;
    if (keep && last?.index === current.index && scene.layers[current.index]?.sourceId === current.sourceId) void commit(current.index, last.geometry);
    else setDraft(null);
  };

  const moveInOrder = (by: number) => {
    if (selected === null) return;
    const to = selected + by;
    if (to < 0 || to >= scene.layers.length) return;
    select(scene.id, to);
    void setSceneLayers(scene.id, reorder(scene.layers, selected, to)).catch((err) => setError(describeError(err)));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.ctrlKey || event.metaKey) && event.code === 'KeyE') {
      event.preventDefault();
      openTransform();
      return;
    }
    if (selected === null) return;
    if ((event.ctrlKey || event.metaKey) && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      if (!event.repeat) moveInOrder(event.key === 'ArrowUp' ? 1 : -1);
      return;
    }
    if (event.key === 'Escape') {
      select(scene.id, null);
      return;
    }
    if (scene.layers[selected]?.locked) return;
    const nudged = nudge(geometries[selected]!, event.key, event.shiftKey);
    if (!nudged) return;
    event.preventDefault();
    setDraft({ index: selected, geometry: nudged });
  };

  const onKeyUp = (event: KeyboardEvent<HTMLDivElement>) => {
    // A held arrow moves the layer on screen; the engine hears once, when it is let go.
    const last = draftRef.current;
    if (event.key.startsWith('Arrow') && last && !drag.current) void commit(last.index, last.geometry);
  };

  const percent = (value: number, of: number) => `${(value / of) * 100}%`;
  const screenRects = geometries.map((g) => ({ x: g.x * scale, y: g.y * scale, width: g.width * scale, height: g.height * scale }));
  const labels = scene.layers.map((layer) => `${layer.locked ? '🔒 ' : ''}${nameOf(layer.sourceId)}`);
  const labelPositions = placeLabels(screenRects, labels.map(labelWidth), LABEL_ROW_PX);
  const selectedGeometry = selected !== null ? geometries[selected] : undefined;
  const selectedLocked = selected !== null && scene.layers[selected]?.locked === true;

  return (
    <div ref={wrapRef} className="scene-editor-wrap">
      <div
        ref={rootRef}
        className="scene-editor"
        style={{ width: screenWidth, height: screenHeight }}
        // An application region: the editor takes focus and its own keys (arrows nudge, Ctrl+E, Ctrl+Up/Down).
        role="application"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the editor takes focus so the arrows nudge the selected layer
        tabIndex={0}
        aria-label={`Scene editor: ${scene.name}. Click a layer to select it, drag to move, handles resize (Shift: free, Alt: crop), arrows nudge, Ctrl+E: Edit Transform`}
        data-testid="scene-editor"
        data-scale={scale}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => endDrag(true)}
        onPointerCancel={() => endDrag(false)}
        onKeyDown={onKeyDown}
        onKeyUp={onKeyUp}
        onDoubleClick={() => openTransform()}
        onContextMenu={(event) => {
          const point = canvasPoint(event);
          const index = hitTest(
            geometries.map((geometry, i) => (scene.layers[i]?.visible ? geometry : null)),
            point.x,
            point.y,
          );
          if (index < 0) return;
          event.preventDefault();
          select(scene.id, index);
          openTransform();
        }}
      >
        {children ? <div className="scene-editor__picture">{children}</div> : null}
        {scene.layers.length === 0 ? <p className="scene-editor__empty">“{scene.name}” has no layers: add sources to it in the Sources dock.</p> : null}
        {scene.layers.map((layer, index) => {
          const g = geometries[index]!;
          return (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: a layer is its place in the scene (bottom first); the same source may sit in two
              key={`${layer.sourceId}-${index}`}
              className={`scene-editor__layer${layer.visible ? '' : ' scene-editor__layer--hidden'}${index === selected ? ' scene-editor__layer--selected' : ''}`}
              style={{
                left: percent(g.x, format.width),
                top: percent(g.y, format.height),
                width: percent(g.width, format.width),
                height: percent(g.height, format.height),
              }}
              data-testid="editor-layer"
              data-index={index}
              data-source-id={layer.sourceId}
              data-selected={index === selected}
              data-rect={`${g.x},${g.y},${g.width},${g.height}`}
              title={`${nameOf(layer.sourceId)}: ${g.width}×${g.height} at ${g.x},${g.y}`}
            />
          );
        })}
        {scene.layers.map((layer, index) => (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            key={`label-${layer.sourceId}-${index}`}
            className={`scene-editor__label${index === selected ? ' scene-editor__label--selected' : ''}${layer.visible ? '' : ' scene-editor__label--hidden'}`}
            style={{
              left: Math.max(0, Math.min(labelPositions[index]!.x, screenWidth - labelWidth(labels[index]!))),
              top: Math.max(0, labelPositions[index]!.y),
              maxWidth: Math.max(24, screenRects[index]!.width),
            }}
          >
            {labels[index]}
          </span>
        ))}
        {selectedGeometry ? (
          <div
            className={`scene-editor__selection${selectedLocked ? ' scene-editor__selection--locked' : ''}`}
            style={{
              left: percent(selectedGeometry.x, format.width),
              top: percent(selectedGeometry.y, format.height),
              width: percent(selectedGeometry.width, format.width),
              height: percent(selectedGeometry.height, format.height),
            }}
            data-testid="editor-selection"
          >
            {selectedLocked
              ? null
              : HANDLES.map((handle) => (
                  <span
                    key={handle}
                    className={`scene-editor__handle scene-editor__handle--${handle}`}
                    data-handle={handle}
                    data-testid={`editor-handle-${handle}`}
                  />
                ))}
          </div>
        ) : null}
        {guides.map((guide) => (
          <div
            key={`${guide.axis}-${guide.at}`}
            className={`scene-editor__guide scene-editor__guide--${guide.axis}`}
            style={guide.axis === 'x' ? { left: percent(guide.at, format.width) } : { top: percent(guide.at, format.height) }}
            data-testid="editor-guide"
          />
        ))}
      </div>
      {error ? (
        <p className="scene-editor__error" role="alert" data-testid="editor-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
