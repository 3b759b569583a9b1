import { useRef, useState } from 'react';
import type { FileChoiceKind } from '../../../../shared/contract.ts';
import { formatLimit, UPLOAD_LIMIT_BYTES } from '../../../../shared/uploads.ts';
import { formatBytes } from '../../components/format.ts';
import { uploadFile, type UploadProgress } from './upload.ts';

const ACCEPT: Record<FileChoiceKind, string> = {
  image: 'image/png,image/jpeg,image/webp,.png,.jpg,.jpeg,.webp',
  media: 'video/*,audio/*,.ts,.m2ts,.mts,.mkv,.flv,.mxf',
};

/**
 * How a file reaches a source: in the desktop app the native dialog gives its path; in a browser
 * it is uploaded into the studio's data dir (progress shown) and the stored path is used.
 * The path stays editable as text for a file already on the studio machine.
 */
export function FilePicker({ kind, onPath, onError }: { kind: FileChoiceKind; onPath: (path: string) => void; onError: (message: string | null) => void }) {
  const native = window.studio?.files;
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploaded, setUploaded] = useState<string | null>(null);

  if (native) {
    return (
      <button
        type="button"
        className="button button--small"
        data-testid="file-choose"
        onClick={() => {
          onError(null);
          native
            .choose(kind)
            .then((path) => {
              if (path) onPath(path);
            })
            .catch((error: unknown) => onError(error instanceof Error ? error.message : String(error)));
        }}
      >
        Choose…
      </button>
    );
  }

  const send = async (file: File) => {
    onError(null);
    setUploaded(null);
    setUploading(true);
    setProgress({ sent: 0, total: file.size });
    try {
      const result = await uploadFile(file, kind, setProgress);
      setUploaded(file.name);
      onPath(result.path);
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    } finally {
      setUploading(false);
    }
  };

  const percent = progress && progress.total > 0 ? Math.round((progress.sent / progress.total) * 100) : 0;
  return (
    <div className="file-picker">
      <input
        ref={input}
        type="file"
        accept={ACCEPT[kind]}
        className="visually-hidden"
        tabIndex={-1}
        data-testid="file-upload-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void send(file);
        }}
      />
      <button
        type="button"
        className="button button--small"
        disabled={uploading}
        data-testid="file-upload"
        title={`Upload a file from this computer to the studio (at most ${formatLimit(UPLOAD_LIMIT_BYTES[kind])})`}
        onClick={() => input.current?.click()}
      >
        {uploading ? 'Uploading…' : 'Upload…'}
      </button>
      {progress && (uploading || uploaded) ? (
        <span className="file-picker__progress" data-testid="upload-progress" data-percent={percent} data-done={!uploading}>
          <progress max={100} value={percent} aria-label="Upload progress" />
          <span className="file-picker__figures">
            {uploading ? `${percent}% · ${formatBytes(progress.sent)} of ${formatBytes(progress.total)}` : `Uploaded ${uploaded}`}
          </span>
        </span>
      ) : null}
    </div>
  );
}
