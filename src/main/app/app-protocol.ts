// The window loads the renderer from studio://app/, a privileged custom scheme, rather than
// file://: one origin for the UI and the preview HLS it plays (studio://app/preview/...), so the
// same strict CSP ('self') as `studio serve` holds, and nothing outside these folders is readable.
// The media library's pictures are served at the same paths as under `studio serve`
// (/api/v1/media/<id>/thumbnail.jpg), so the page fetches them the same way in both hosts and the
// preload needs no picture function.
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { fileUnderRoot } from '../engine/util/path-under.ts';
import { parseMediaPictureRoute, type MediaPictureKind } from '../../shared/media.ts';
import { CONTENT_SECURITY_POLICY } from '../server/static-files.ts';

export const APP_SCHEME = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

/** A file under root for a URL path, or null when the path would leave root or is malformed. */
export function fileUnder(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  return fileUnderRoot(root, decoded);
}

export function serveAppScheme(rendererRoot: string, previewRoot: string, mediaPicture: (id: number, kind: MediaPictureKind) => string | null): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    const preview = url.pathname.startsWith('/preview/');
    const picture = parseMediaPictureRoute(url.pathname);
    const file = picture
      ? mediaPicture(picture.id, picture.kind)
      : preview
        ? fileUnder(previewRoot, url.pathname.slice('/preview'.length))
        : fileUnder(rendererRoot, url.pathname === '/' ? '/index.html' : url.pathname);
    if (!file) return new Response('not found', { status: 404 });
    try {
      const response = await net.fetch(pathToFileURL(file).href);
      const headers = new Headers(response.headers);
      headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      headers.set('X-Content-Type-Options', 'nosniff');
      if (preview || picture) headers.set('Cache-Control', 'no-cache');
      return new Response(response.body, { status: response.status, headers });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
