import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileUnderRoot } from '../engine/util/path-under.ts';
import { decodePercentEncoded } from './errors.ts';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.wasm': 'application/wasm',
};

/** The same policy as the renderer's meta tag, plus what only a header can say. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves a file under `root` for a URL path, or index.html for app routes (single-page app).
 * Paths are resolved and checked to stay inside `root`. Returns false when nothing was served;
 * throws a 400 HttpError for a path whose percent-encoding is malformed.
 */
export function serveStatic(root: string, urlPath: string, response: ServerResponse, extraHeaders: Record<string, string> = {}): boolean {
  const relative = decodePercentEncoded(urlPath, 'the path');
  const candidate = fileUnderRoot(root, relative);
  if (candidate === null) return false;
  let file = candidate;
  let stats = statOrNull(file);
  if (!stats?.isFile()) {
    if (path.extname(relative)) return false; // a missing asset is a 404, not the app
    file = path.join(root, 'index.html');
    stats = statOrNull(file);
    if (!stats?.isFile()) return false;
  }
  const extension = path.extname(file);
  response.writeHead(200, {
    'Content-Type': contentTypes[extension] ?? 'application/octet-stream',
    'Content-Length': stats.size,
    'Cache-Control': extension === '.html' || extension === '.m3u8' ? 'no-cache' : 'private, max-age=3600',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...extraHeaders,
  });
  // A file that vanishes or cannot be read between stat and read ends this response only.
  createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response);
  return true;
}

function statOrNull(file: string) {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
