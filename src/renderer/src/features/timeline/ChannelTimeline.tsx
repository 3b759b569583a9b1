import { type DragMoveEvent, type DragStartEvent, useDndMonitor, useDroppable } from '@dnd-kit/core';
import { type KeyboardEvent, type MouseEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Panel } from '../../components/Panel.tsx';
import { useStudio, useStudioShallow, useStudioStore } from '../../store/context.tsx';
import { scheduleSelectors } from '../../store/slices/schedule.ts';
import { type DragPreview, isTimelineDragData, previewDrag, type TimelineDragData, trimOf } from './drag-preview.ts';
import { LiveBlockDialog } from './LiveBlockDialog.tsx';
import { PlayoutStatusLine, PlayoutSwitch } from './PlayoutSwitch.tsx';
import { snapUnit, unitMs } from './snap.ts';
import { timelineKeyAction } from './timeline-keys.ts';
import { TimelineItemBlock } from './TimelineItemBlock.tsx';
import {
  formatDay,
  formatLength,
  formatWallTime,
  framesPerSecond,
  HOUR_MS,
  MINUTE_MS,
  SECOND_MS,
  showsFrames,
  type TimeScale,
  tickStep,
  ticks,
  timeAt,
  xOf,
  zoomAt,
} from './time-scale.ts';
import { useNow } from './use-now.ts';
import { type TimelineEntry, visibleEntries } from './visible.ts';

export const TIMELINE_LANES_ID = 'timeline-lanes';

/** Items drawn this far past each side of the view, so a scroll never shows an empty edge. */
const OVERSCAN_PX = 200;
const ZOOM_STEP = 2;
const SNAP_WORDS = { frame: '1 frame', second: '1 s', minute: '1 min' } as const;
const DEFAULT_BREAK_SECONDS = 60;

function initialScale(width: number): TimeScale {
  const pxPerMs = width / (3 * HOUR_MS);
  return { pxPerMs, originMs: Date.now() - 20 * MINUTE_MS };
}

/** The channel timeline (#14): the schedule on a zoomable wall-clock axis, edited by dragging. */
export function ChannelTimeline() {
  const store = useStudioStore();
  const fps = framesPerSecond(useStudio((s) => s.programStatus?.format.frameRate ?? s.programFormat?.frameRate ?? null));
  const index = useStudio(scheduleSelectors.index);
  const selection = useStudio(scheduleSelectors.selection);
  const refusal = useStudio(scheduleSelectors.refusal);
  const listError = useStudio(scheduleSelectors.error);
  const boundHotkeys = useStudioShallow((s) => [...Object.values(s.studioHotkeys), ...Object.values(s.cueSettings?.hotkeys ?? {})]);
  const [width, setWidth] = useState(960);
  const [scale, setScale] = useState<TimeScale>(() => initialScale(960));
  const [padToHalfHour, setPadToHalfHour] = useState(false);
  const [liveOpen, setLiveOpen] = useState(false);
  const [preview, setPreview] = useState<DragPreview | null>(null);
  const lanesRef = useRef<HTMLDivElement | null>(null);
  const { setNodeRef: setDropRef } = useDroppable({ id: TIMELINE_LANES_ID });

  const fromMs = timeAt(scale, 0);
  const toMs = timeAt(scale, width);
  const frames = showsFrames(scale.pxPerMs, fps) ? fps : null;
  const unit = snapUnit(scale.pxPerMs, fps);

  // Size: the lanes' width decides how much time shows.
  useEffect(() => {
    const lanes = lanesRef.current;
    if (!lanes) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(100, lanes.clientWidth)));
    observer.observe(lanes);
    return () => observer.disconnect();
  }, []);

  // The slice lists what shows (and a margin); schedule.changed lists it again.
  useEffect(() => {
    void store.getState().showScheduleRange(fromMs, toMs);
  }, [store, fromMs, toMs]);

  // Wheel pans in time; Ctrl+wheel (and a trackpad's pinch) zooms around the pointer. Not passive, to keep the page still.
  const scaleRef = useRef(scale);
  scaleRef.current = scale;
  useEffect(() => {
    const lanes = lanesRef.current;
    if (!lanes) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const current = scaleRef.current;
      if (event.ctrlKey || event.metaKey) {
        const x = event.clientX - lanes.getBoundingClientRect().left;
        setScale(zoomAt(current, Math.exp(-event.deltaY * 0.002), x));
      } else {
        const delta = Math.abs(event.deltaX) > Math.abs(event.deltaY) ? event.deltaX : event.deltaY;
        setScale({ ...current, originMs: current.originMs + delta / current.pxPerMs });
      }
    };
    lanes.addEventListener('wheel', onWheel, { passive: false });
    return () => lanes.removeEventListener('wheel', onWheel);
  }, []);

  // Drags (library drops, moves, trims) are previewed snapped; the release sends the same edit.
  const view = { scale, fps, index, padToHalfHour, fromMs, toMs };
  const viewRef = useRef(view);
  viewRef.current = view;
  const dragRef = useRef<{ data: TimelineDragData; startX: number } | null>(null);
  const previewRef = useRef<DragPreview | null>(null);
  const showPreview = (next: DragPreview | null) => {
    previewRef.current = next;
    setPreview(next);
  };
  const computePreview = (event: DragMoveEvent): DragPreview | null => {
    const drag = dragRef.current;
    const lanes = lanesRef.current;
    if (!drag || !lanes) return null;
    const over = event.over?.id === TIMELINE_LANES_ID;
    const pointerX = drag.startX + event.delta.x - lanes.getBoundingClientRect().left;
    return previewDrag(drag.data, drag.data.kind === 'media' && !over ? null : pointerX, event.delta.x, viewRef.current);
  };
  useDndMonitor({
    onDragStart(event: DragStartEvent) {
      const data = event.active.data.current;
      if (!isTimelineDragData(data)) return;
      const activator = event.activatorEvent as PointerEvent | null;
      dragRef.current = { data, startX: activator?.clientX ?? 0 };
      if (data.kind !== 'media') showPreview(previewDrag(data, null, 0, viewRef.current));
    },
    onDragMove(event) {
      if (dragRef.current) showPreview(computePreview(event));
    },
    onDragEnd(event) {
      if (!dragRef.current) return;
      const final = computePreview(event);
      dragRef.current = null;
      showPreview(null);
      if (final) void commit(final);
    },
    onDragCancel() {
      dragRef.current = null;
      showPreview(null);
    },
  });
  const commit = (done: DragPreview) => {
    const state = store.getState();
    if (done.kind === 'media') return state.addMediaAt(done.media, done.startMs);
    if (done.kind === 'move') return done.startMs === done.entry.startMs ? null : state.moveItems([{ id: done.entry.item.id, startMs: done.startMs }]);
    if (done.startMs === done.entry.startMs && done.endMs === done.entry.endMs) return null;
    return state.trimItem(done.entry.item.id, trimOf(done));
  };

  const onSelect = useCallback(
    (id: number, event: MouseEvent) => {
      event.stopPropagation();
      store.getState().selectItem(id, event.shiftKey || event.ctrlKey || event.metaKey ? 'toggle' : 'only');
      lanesRef.current?.focus();
    },
    [store],
  );

  const onKeyDown = (event: KeyboardEvent) => {
    const action = timelineKeyAction(event, boundHotkeys);
    if (!action) return;
    const state = store.getState();
    if (action.kind === 'clear') state.clearScheduleSelection();
    else if (action.kind === 'remove') void state.removeItems(state.scheduleSelection);
    else {
      const stepMs = action.units * unitMs(unit, fps);
      const moves = scheduleSelectors
        .selectedItems(state)
        .filter((item) => item.id > 0)
        .map((item) => ({ id: item.id, startMs: Date.parse(item.startAt) + stepMs }));
      // Moving later, the last goes first (and earlier, the first), so selected items never meet each other.
      if (stepMs > 0) moves.reverse();
      void state.moveItems(moves);
    }
    event.preventDefault();
  };

  const zoomBy = (factor: number) => setScale((current) => zoomAt(current, factor, width / 2));
  const jumpToNow = () => setScale((current) => ({ ...current, originMs: Date.now() - (width * 0.15) / current.pxPerMs }));

  const shown = useMemo(
    () => visibleEntries(index, fromMs - OVERSCAN_PX / scale.pxPerMs, toMs + OVERSCAN_PX / scale.pxPerMs),
    [index, fromMs, toMs, scale.pxPerMs],
  );
  const step = tickStep(scale.pxPerMs, fps);
  const rulerTicks = ticks(fromMs, toMs, step, fps);
  const tickFrames = 'frames' in step ? fps : null;
  const clip = (startMs: number, endMs: number) => {
    const left = Math.max(-OVERSCAN_PX, xOf(scale, startMs));
    const right = Math.min(width + OVERSCAN_PX, xOf(scale, endMs));
    return { left, width: Math.max(2, right - left) };
  };
  const movingId = preview && preview.kind !== 'media' ? preview.entry.item.id : null;
  const drawn = (entry: TimelineEntry) => (preview && preview.kind !== 'media' && preview.entry.item.id === entry.item.id ? preview : entry);

  return (
    <Panel
      title="Channel timeline"
      className="timeline"
      testId="dock-timeline"
      aside={
        <div className="timeline-toolbar">
          <span className="timeline-toolbar__day">{formatDay(fromMs + (toMs - fromMs) / 2)}</span>
          <button type="button" className="button button--tiny" onClick={() => zoomBy(1 / ZOOM_STEP)} aria-label="Zoom out" data-testid="timeline-zoom-out">
            −
          </button>
          <button type="button" className="button button--tiny" onClick={() => zoomBy(ZOOM_STEP)} aria-label="Zoom in" data-testid="timeline-zoom-in">
            +
          </button>
          <button type="button" className="button button--tiny" onClick={jumpToNow} data-testid="timeline-now">
            Now
          </button>
          <span className="timeline-toolbar__snap" data-testid="timeline-snap-unit" title="Drops, moves, trims and ←/→ snap to this (and to neighbours' edges)">
            Snap {padToHalfHour ? ':00/:30' : SNAP_WORDS[unit]}
          </span>
          <label className="timeline-toolbar__pad" title="Drops and moves start at the next :00 or :30">
            <input type="checkbox" checked={padToHalfHour} onChange={(event) => setPadToHalfHour(event.target.checked)} data-testid="timeline-pad" />
            Pad to :00/:30
          </label>
          <button type="button" className="button button--tiny" onClick={() => setLiveOpen(true)} data-testid="timeline-add-live">
            + Live block
          </button>
          <PlayoutSwitch />
        </div>
      }
    >
      <div className="timeline-ruler" aria-hidden="true">
        {rulerTicks.map((t) => (
          <span key={t} className="timeline-ruler__tick" style={{ left: xOf(scale, t) }}>
            {formatWallTime(t, tickFrames)}
          </span>
        ))}
        {preview ? (
          <span
            className="timeline-ruler__drop"
            data-testid="timeline-drag-time"
            style={{ left: xOf(scale, preview.kind === 'trim' && preview.edge === 'end' ? preview.endMs : preview.startMs) }}
          >
            {formatWallTime(preview.kind === 'trim' && preview.edge === 'end' ? preview.endMs : preview.startMs, frames)}
          </span>
        ) : null}
      </div>
      <div className="timeline-track">
        <div className="timeline-labels" aria-hidden="true">
          <span className="timeline-labels__program">Program</span>
          <span className="timeline-labels__breaks">Breaks</span>
        </div>
        <div
          ref={(node) => {
            lanesRef.current = node;
            setDropRef(node);
          }}
          className={`timeline-lanes ${preview?.kind === 'media' ? 'timeline-lanes--dropping' : ''}`}
          // An application region: the lanes take focus and their own keys (Delete, ←/→, Escape).
          role="application"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the lanes take focus so Delete and the arrows act on the selection
          tabIndex={0}
          aria-roledescription="timeline"
          aria-label="Program and breaks lanes: drop media here; Delete removes the selection, arrow keys nudge it"
          onKeyDown={onKeyDown}
          onClick={() => store.getState().clearScheduleSelection()}
          data-testid="timeline-lanes"
          // The view, for tests and tools that aim at a time: x = (t − origin) × px/ms.
          data-origin-ms={Math.round(scale.originMs)}
          data-px-per-ms={scale.pxPerMs}
        >
          {rulerTicks.map((t) => (
            <span key={t} className="timeline-lanes__grid" style={{ left: xOf(scale, t) }} />
          ))}
          <div className="timeline-lane timeline-lane--program" data-testid="timeline-lane-program">
            {shown.map((entry) => {
              const at = drawn(entry);
              const box = clip(at.startMs, at.endMs);
              return (
                <TimelineItemBlock
                  key={entry.item.id}
                  entry={entry}
                  left={box.left}
                  width={box.width}
                  startMs={at.startMs}
                  endMs={at.endMs}
                  selected={selection.includes(entry.item.id)}
                  dragging={movingId === entry.item.id}
                  frames={frames}
                  onSelect={onSelect}
                />
              );
            })}
            {preview?.kind === 'media' ? (
              <div className="timeline-item timeline-item--ghost" style={clip(preview.startMs, preview.endMs)} data-testid="timeline-drop-preview">
                <span className="timeline-item__text">
                  <span className="timeline-item__title">{preview.media.name}</span>
                  <span className="timeline-item__time" data-testid="timeline-drop-time">
                    {formatWallTime(preview.startMs, frames)}
                  </span>
                </span>
              </div>
            ) : null}
          </div>
          <div className="timeline-lane timeline-lane--breaks" data-testid="timeline-lane-breaks">
            {shown.flatMap((entry) => {
              const at = drawn(entry);
              const shift = at.startMs - entry.startMs;
              return (entry.item.breaks?.marks ?? []).map((mark) => {
                const startMs = Date.parse(mark.startAt) + shift;
                const box = clip(startMs, startMs + mark.durationSeconds * SECOND_MS);
                return (
                  <span
                    key={`${entry.item.id}:${mark.atSeconds}`}
                    className="timeline-break"
                    style={box}
                    title={`Break ${formatWallTime(startMs)} for ${formatLength(mark.durationSeconds)} (chapter at ${formatLength(mark.atSeconds)} in “${entry.item.title}”)`}
                    data-testid="timeline-break"
                  />
                );
              });
            })}
          </div>
          <NowLine scale={scale} width={width} />
        </div>
      </div>
      {refusal ? (
        <div className="timeline-refusal" role="alert" data-testid="timeline-refusal">
          <p>
            <strong>{refusal.action}: refused.</strong> {refusal.message}
          </p>
          <button type="button" className="button button--tiny" onClick={() => store.getState().dismissScheduleRefusal()}>
            Dismiss
          </button>
        </div>
      ) : null}
      <div className="timeline-footer">
        {listError ? (
          <span className="timeline-status timeline-status--error" data-testid="timeline-error">
            Schedule unavailable: {listError}
          </span>
        ) : (
          <SelectionSummary frames={frames} />
        )}
        <PlayoutStatusLine />
      </div>
      {liveOpen ? <LiveBlockDialog onClose={() => setLiveOpen(false)} /> : null}
    </Panel>
  );
}

/** The selection: one item's times and its breaks at chapters; several: how to remove them; none: how to start. */
function SelectionSummary({ frames }: { frames: number | null }) {
  const selected = useStudioShallow(scheduleSelectors.selectedItems);
  const setItemBreaks = useStudio((s) => s.setItemBreaks);
  const [breakSeconds, setBreakSeconds] = useState(String(DEFAULT_BREAK_SECONDS));
  if (selected.length === 0) {
    return <span className="timeline-status">Drag media from the library onto the program lane. Ctrl+wheel zooms, wheel scrolls.</span>;
  }
  if (selected.length > 1) return <span className="timeline-status">{selected.length} items selected · Delete removes them · ←/→ nudge them</span>;
  const item = selected[0]!;
  const startMs = Date.parse(item.startAt);
  return (
    <div className="timeline-selection" data-testid="timeline-selection">
      <span className="timeline-status">
        <strong>{item.title}</strong> {formatWallTime(startMs, frames)}–{formatWallTime(startMs + item.durationSeconds * SECOND_MS, frames)} (
        {formatLength(item.durationSeconds)}){item.problem ? <span className="timeline-status--error"> ⚠ {item.problem}</span> : null}
      </span>
      {item.kind === 'media' ? (
        <label className="timeline-selection__breaks">
          <input
            type="checkbox"
            checked={item.breaks !== null}
            onChange={(event) => {
              const seconds = Number(breakSeconds);
              void setItemBreaks(item.id, event.target.checked ? { atChapters: true, durationSeconds: seconds } : null);
            }}
            data-testid="timeline-breaks-toggle"
          />
          Breaks at chapters of
          <input
            className="input timeline-selection__seconds"
            type="number"
            min={1}
            step={1}
            value={item.breaks ? item.breaks.durationSeconds : breakSeconds}
            disabled={item.breaks !== null}
            onChange={(event) => setBreakSeconds(event.target.value)}
            aria-label="Break length (seconds)"
            data-testid="timeline-breaks-seconds"
          />
          s{item.breaks ? ` · ${item.breaks.marks.length} break${item.breaks.marks.length === 1 ? '' : 's'}` : ''}
        </label>
      ) : null}
    </div>
  );
}

/** The now-line, on its own so the clock's ticks redraw only it: a pixel's worth of time at most, 25 times a second at frame zoom. */
function NowLine({ scale, width }: { scale: TimeScale; width: number }) {
  const now = useNow(Math.min(SECOND_MS, Math.max(40, 1 / scale.pxPerMs)));
  const x = xOf(scale, now);
  if (x < 0 || x > width) return null;
  return <span className="timeline-now" style={{ left: x }} data-testid="timeline-now-line" title={`Now ${formatWallTime(now)}`} />;
}
