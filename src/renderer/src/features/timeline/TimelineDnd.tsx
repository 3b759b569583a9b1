import { DndContext, DragOverlay, PointerSensor, pointerWithin, useDndContext, useSensor, useSensors } from '@dnd-kit/core';
import type { ReactNode } from 'react';
import { isMediaDragData } from './drag-data.ts';
import { formatLength } from './time-scale.ts';

/**
 * One drag-and-drop context around the workspace and the docks, so a Media Library row can be
 * dragged onto the channel timeline. The timeline listens to it (useDndMonitor) and does the rest.
 * A drag starts after 4 px, so a click on an item still selects it; a drop counts where the
 * pointer is (not where the dragged row's box reaches).
 */
export function TimelineDndProvider({ children }: { children: ReactNode }) {
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));
  return (
    <DndContext sensors={sensors} collisionDetection={pointerWithin} autoScroll={false} accessibility={{ container: document.body }}>
      {children}
      <MediaDragChip />
    </DndContext>
  );
}

/** What follows the pointer while a library item is dragged: its name and length. */
function MediaDragChip() {
  const { active } = useDndContext();
  const data = active?.data.current;
  return (
    <DragOverlay dropAnimation={null}>
      {isMediaDragData(data) ? (
        <div className="timeline-drag-chip" data-testid="timeline-drag-chip">
          {data.name} · {formatLength(data.durationSeconds)}
        </div>
      ) : null}
    </DragOverlay>
  );
}
