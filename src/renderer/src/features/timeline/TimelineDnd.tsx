import { DndContext, PointerSensor, useSensor, useSensors } from '@dnd-kit/core';
import type { ReactNode } from 'react';

/**
 * One drag-and-drop context around the workspace and the docks, so a Media Library row can be
 * dragged onto the channel timeline. The timeline listens to it (useDndMonitor) and does the rest.
 * A drag starts after 4 px, so a click on an item still selects it.
 */
export function TimelineDndProvider({ children }: { children: ReactNode }) {
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));
  return (
    <DndContext sensors={sensors} autoScroll={false} accessibility={{ container: document.body }}>
      {children}
    </DndContext>
  );
}
