import { useEffect, useRef, useState } from 'react';
import { formatLimit, UPLOAD_LIMIT_BYTES } from '../../../../shared/uploads.ts';
import { describeError } from '../../api/errors.ts';
import { formatBytes } from '../../components/format.ts';
import { Panel } from '../../components/Panel.tsx';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { mediaSelectors } from '../../store/slices/media.ts';
import { ChapterEditor } from './ChapterEditor.tsx';
import { baseName, carriesFiles, knownPath, pathSourceFor } from './import-files.ts';
import { MediaRow } from './MediaRow.tsx';

const ACCEPT = 'video/*,audio/*,.ts,.m2ts,.mts,.mkv,.flv,.mxf';

/**
 * The media library: shows imported by the file dialog (desktop), an upload (browser), or a drop
 * anywhere on the window; searched by name; each ready item dragged onto the channel timeline; the
 * selected one's chapter marks edited on its filmstrip.
 */
export function MediaLibraryDock() {
  const dropping = useWindowFileDrop();
  const search = useStudio(mediaSelectors.search);
  const setSearch = useStudio((s) => s.setMediaSearch);
  const count = useStudio((s) => s.mediaItems.length);
  return (
    <Panel title="Media library" className={`media-library${dropping ? ' media-library--dropping' : ''}`} testId="dock-media-library" aside={<ImportButton />}>
      <div className="media-library__tools">
        <input
          type="search"
          className="input input--small media-library__search"
          placeholder={count ? `Search ${count} item${count === 1 ? '' : 's'} by name` : 'Search by name'}
          aria-label="Search the media library by name"
          data-testid="media-search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      <ImportJobs />
      <MediaList />
      <ChapterEditor />
      {dropping ? (
        <div className="media-library__drop-hint" aria-hidden="true">
          Drop files to import them
        </div>
      ) : null}
    </Panel>
  );
}

/** The desktop app's file dialog, or a browser's upload. */
function ImportButton() {
  const importMedia = useStudio((s) => s.importMedia);
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const native = window.studio?.files;
  if (native) {
    return (
      <>
        {error ? <span className="field__error">{error}</span> : null}
        <button
          type="button"
          className="button button--tiny"
          data-testid="media-import"
          title="Import a video or audio file into the library"
          onClick={() => {
            setError(null);
            native
              .choose('media')
              .then((path) => (path ? importMedia(baseName(path), knownPath(path)) : null))
              .catch((err: unknown) => setError(describeError(err)));
          }}
        >
          + Import…
        </button>
      </>
    );
  }
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        className="visually-hidden"
        tabIndex={-1}
        data-testid="media-upload-input"
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = '';
          for (const file of files) void importMedia(file.name, pathSourceFor(file));
        }}
      />
      <button
        type="button"
        className="button button--tiny"
        data-testid="media-upload"
        title={`Upload video or audio files from this computer to the studio and import them (at most ${formatLimit(UPLOAD_LIMIT_BYTES.media)} each), or drop them on the window`}
        onClick={() => input.current?.click()}
      >
        + Upload…
      </button>
    </>
  );
}

/** Files dragged in from outside anywhere over the window are imported on drop. */
function useWindowFileDrop(): boolean {
  const importMedia = useStudio((s) => s.importMedia);
  const [dropping, setDropping] = useState(false);
  useEffect(() => {
    // dragenter/dragleave fire for every child crossed: count them to know when the drag left the window.
    let depth = 0;
    const onEnter = (event: DragEvent) => {
      if (!carriesFiles(event.dataTransfer)) return;
      depth += 1;
      setDropping(true);
    };
    const onLeave = (event: DragEvent) => {
      if (!carriesFiles(event.dataTransfer)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDropping(false);
    };
    const onOver = (event: DragEvent) => {
      if (!carriesFiles(event.dataTransfer)) return;
      // Without this the browser opens the file in place of the studio.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      depth = 0;
      setDropping(false);
      for (const file of Array.from(event.dataTransfer?.files ?? [])) void importMedia(file.name, pathSourceFor(file));
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [importMedia]);
  return dropping;
}

function ImportJobs() {
  const jobs = useStudio(mediaSelectors.imports);
  const dismiss = useStudio((s) => s.dismissMediaImport);
  if (jobs.length === 0) return null;
  return (
    <ul className="media-imports" aria-label="Imports in progress" data-testid="media-imports">
      {jobs.map((job) => {
        const percent = job.total > 0 ? Math.round((job.sent / job.total) * 100) : 0;
        return (
          <li key={job.key} className={`media-import media-import--${job.phase}`} data-testid="media-import-job" data-phase={job.phase}>
            <span className="media-import__name" title={job.name}>
              {job.name}
            </span>
            {job.phase === 'uploading' ? (
              <span className="media-import__progress">
                <progress max={100} value={percent} aria-label={`Uploading ${job.name}`} />
                <span className="media-import__figures">
                  {percent}% · {formatBytes(job.sent)}
                  {job.total ? ` of ${formatBytes(job.total)}` : ''}
                </span>
              </span>
            ) : job.phase === 'probing' ? (
              <span className="media-import__figures">Probing…</span>
            ) : (
              <>
                <span className="field__error media-import__error" data-testid="media-import-error">
                  {job.error}
                </span>
                <button type="button" className="button button--tiny button--ghost" aria-label={`Dismiss ${job.name}`} onClick={() => dismiss(job.key)}>
                  ✕
                </button>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function MediaList() {
  const ids = useStudioShallow(mediaSelectors.visibleIds);
  const loaded = useStudio(mediaSelectors.loaded);
  const error = useStudio(mediaSelectors.error);
  const count = useStudio((s) => s.mediaItems.length);
  const search = useStudio(mediaSelectors.search);
  if (error) return <p className="panel__error">Could not load the media library: {error}</p>;
  if (!loaded) return <p className="panel__muted">Loading the media library…</p>;
  if (count === 0) {
    return (
      <p className="panel__muted" data-testid="media-empty">
        No media yet. {window.studio?.files ? 'Import' : 'Upload'} video or audio files, or drop them on the window; then drag them onto the channel timeline.
      </p>
    );
  }
  if (ids.length === 0) {
    return (
      <p className="panel__muted" data-testid="media-no-match">
        Nothing named “{search.trim()}”.
      </p>
    );
  }
  return (
    <ul className="item-list media-list" data-testid="media-list">
      {ids.map((id) => (
        <MediaRow key={id} id={id} />
      ))}
    </ul>
  );
}
