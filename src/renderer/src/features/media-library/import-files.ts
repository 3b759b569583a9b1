// How a file reaches the library: the desktop app knows each file's path (the native dialog, or a
// drop, read through the preload); a browser uploads it into the studio's data dir first
// (POST /api/v1/uploads) and imports the stored copy.
import { uploadFile } from '../source-editor/upload.ts';
import type { MediaPathSource } from '../../store/slices/media.ts';

/** The path source for a file the page was given (a drop, or the upload input). */
export function pathSourceFor(file: File): MediaPathSource {
  const pathOf = window.studio?.files?.pathOf;
  if (pathOf) {
    // The desktop app has no upload route: a file must be on disk (one dragged out of another app may not be).
    const local = pathOf(file);
    return async () => {
      if (!local) throw new Error(`${file.name} is not a file on disk; save it first, then import it.`);
      return local;
    };
  }
  return async (onProgress) => (await uploadFile(file, 'media', (progress) => onProgress(progress.sent, progress.total))).path;
}

/** A path chosen already (the native dialog): nothing to send. */
export function knownPath(path: string): MediaPathSource {
  return async () => path;
}

/** The name a path ends in, for the import's progress row. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

/** Whether a drag carries files from outside the page (not one of our own drags). */
export function carriesFiles(dataTransfer: DataTransfer | null): boolean {
  return dataTransfer !== null && Array.from(dataTransfer.types).includes('Files');
}
