// What a media library item carries when dragged (@dnd-kit), and what the channel timeline accepts.
// The library makes its rows draggable with these; the timeline's DndContext reads them on drop.

export const MEDIA_DRAG_PREFIX = 'media:';

export interface MediaDragData {
  kind: 'media';
  mediaId: number;
  name: string;
  /** The file's duration, for the drop preview's length. */
  durationSeconds: number;
}

export function mediaDragId(mediaId: number): string {
  return `${MEDIA_DRAG_PREFIX}${mediaId}`;
}

export function isMediaDragData(data: unknown): data is MediaDragData {
  return (
    typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'media' && typeof (data as { mediaId?: unknown }).mediaId === 'number'
  );
}
