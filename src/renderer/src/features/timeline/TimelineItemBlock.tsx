import { useDraggable } from '@dnd-kit/core';
import { type MouseEvent, memo } from 'react';
import type { ItemDragData, TrimDragData } from './drag-preview.ts';
import { formatLength, formatWallTime } from './time-scale.ts';
import type { TimelineEntry } from './visible.ts';

interface ItemBlockProps {
  entry: TimelineEntry;
  /** Where it is drawn (px in the lanes), already clipped to the view. */
  left: number;
  width: number;
  /** Its start and end as drawn (a drag's preview, else its own). */
  startMs: number;
  endMs: number;
  selected: boolean;
  dragging: boolean;
  /** Frames per second when the zoom shows frames, else null. */
  frames: number | null;
  onSelect(id: number, event: MouseEvent): void;
}

/** A program-lane item: a show or a live block; drag it to move it, drag its edges to trim it. */
export const TimelineItemBlock = memo(function TimelineItemBlock({ entry, left, width, startMs, endMs, selected, dragging, frames, onSelect }: ItemBlockProps) {
  const { item } = entry;
  const pending = item.id < 0;
  const data: ItemDragData = { kind: 'item', id: item.id };
  const { setNodeRef, listeners, attributes } = useDraggable({ id: `item:${item.id}`, data, disabled: pending });
  const classes = [
    'timeline-item',
    item.kind === 'live' ? 'timeline-item--live' : '',
    item.problem ? 'timeline-item--problem' : '',
    selected ? 'timeline-item--selected' : '',
    dragging ? 'timeline-item--dragging' : '',
    pending ? 'timeline-item--pending' : '',
  ].join(' ');
  const times = `${formatWallTime(startMs, frames)}–${formatWallTime(endMs, frames)}`;
  const describedAs = [item.kind === 'live' ? `Live: ${item.title}` : item.title, times, item.problem ? `Problem: ${item.problem}` : null]
    .filter(Boolean)
    .join(' · ');
  return (
    <button
      type="button"
      ref={setNodeRef}
      {...listeners}
      {...attributes}
      aria-pressed={selected}
      aria-label={describedAs}
      title={describedAs}
      className={classes}
      style={{ left, width }}
      onClick={(event) => onSelect(item.id, event)}
      data-testid="timeline-item"
      data-item-id={item.id}
      data-start={new Date(startMs).toISOString()}
    >
      {width > 28 ? (
        <span className="timeline-item__text">
          <span className="timeline-item__title">
            {item.kind === 'live' ? <span className="timeline-item__tag">LIVE</span> : null}
            {item.problem ? (
              <span className="timeline-item__warning" aria-hidden="true">
                ⚠
              </span>
            ) : null}
            {item.title}
          </span>
          <span className="timeline-item__time">
            {formatWallTime(startMs, frames)} · {formatLength((endMs - startMs) / 1000)}
            {item.anchor === 'follows' ? ' · follows' : ''}
          </span>
          {item.problem ? <span className="timeline-item__problem">{item.problem}</span> : null}
        </span>
      ) : null}
      {!pending && width > 14 ? (
        <>
          {item.anchor === 'fixed' ? <TrimHandle id={item.id} edge="start" /> : null}
          <TrimHandle id={item.id} edge="end" />
        </>
      ) : null}
    </button>
  );
});

function TrimHandle({ id, edge }: { id: number; edge: 'start' | 'end' }) {
  const data: TrimDragData = { kind: 'trim', id, edge };
  const { setNodeRef, listeners } = useDraggable({ id: `trim:${id}:${edge}`, data });
  return (
    <span
      ref={setNodeRef}
      {...listeners}
      className={`timeline-item__trim timeline-item__trim--${edge}`}
      aria-hidden="true"
      data-testid={`timeline-trim-${edge}`}
      onClick={(event) => event.stopPropagation()}
    />
  );
}
