// The one guard against path traversal for every file served from a folder (the HTTP server's
// static files and preview HLS, the desktop app's studio:// scheme).
import path from 'node:path';

/**
 * The file under `root` (an absolute path) that a decoded URL path names, or null when it would
 * leave root. The path is normalized as a POSIX URL path first, so `..` cannot climb above `/`.
 */
export function fileUnderRoot(root: string, decodedUrlPath: string): string | null {
  const file = path.resolve(root, `.${path.posix.normalize(decodedUrlPath)}`);
  return file === root || file.startsWith(root + path.sep) ? file : null;
}
