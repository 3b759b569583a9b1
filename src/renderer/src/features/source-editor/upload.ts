// The browser's way to give the studio a file: an upload into the data dir (POST /api/v1/uploads),
// with progress. The desktop app uses the native file dialog instead (window.studio.files).
import type { FileChoiceKind } from '../../../../shared/contract.ts';
import { formatLimit, UPLOAD_LIMIT_BYTES, type UploadResult } from '../../../../shared/uploads.ts';

const UPLOADS_PATH = '/api/v1/uploads';

/** Bytes sent so far and the whole, as the browser reports them. */
export interface UploadProgress {
  sent: number;
  total: number;
}

export class UploadError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'UploadError';
    this.status = status;
  }
}

export function uploadUrl(kind: FileChoiceKind, fileName: string): string {
  return `${UPLOADS_PATH}?${new URLSearchParams({ kind, name: fileName }).toString()}`;
}

/** The refusal to show before sending, when the file is over the limit the server would answer 413 with. */
export function tooLargeMessage(kind: FileChoiceKind, bytes: number): string | null {
  const limit = UPLOAD_LIMIT_BYTES[kind];
  return bytes > limit ? `This file is larger than the ${formatLimit(limit)} an ${kind === 'image' ? 'image' : 'media file'} upload may be.` : null;
}

/** The error message in the server's envelope, else the status. */
export function uploadErrorMessage(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message.replace(/^uploads: /, '');
  } catch {
    // not JSON: fall through
  }
  return status === 0 ? 'The upload did not reach the studio (connection lost).' : `The studio refused the upload (HTTP ${status}).`;
}

/**
 * Sends the file with XMLHttpRequest (fetch reports no upload progress). Same origin, so the
 * token cookie goes with it. Resolves with where the studio stored it.
 */
export function uploadFile(file: File, kind: FileChoiceKind, onProgress: (progress: UploadProgress) => void, signal?: AbortSignal): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const tooLarge = tooLargeMessage(kind, file.size);
    if (tooLarge) return reject(new UploadError(413, tooLarge));
    const request = new XMLHttpRequest();
    request.open('POST', uploadUrl(kind, file.name));
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    request.upload.onprogress = (event) => onProgress({ sent: event.loaded, total: event.lengthComputable ? event.total : file.size });
    request.onload = () => {
      if (request.status === 201) {
        try {
          resolve(JSON.parse(request.responseText) as UploadResult);
        } catch {
          reject(new UploadError(request.status, 'The studio answered the upload with something unreadable.'));
        }
        return;
      }
      reject(new UploadError(request.status, uploadErrorMessage(request.status, request.responseText)));
    };
    request.onerror = () => reject(new UploadError(0, uploadErrorMessage(0, '')));
    request.onabort = () => reject(new UploadError(0, 'Upload cancelled.'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(file);
  });
}
