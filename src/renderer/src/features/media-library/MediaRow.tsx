import { useDraggable } from '@dnd-kit/core';
import { useState } from 'react';
import { mediaPictureUrl, type MediaItem } from '../../../../shared/media.ts';
import { frameRates } from '../../../../shared/program.ts';
import { formatTimecode, type FrameRate } from '../../../../shared/timecode.ts';
import { describeError } from '../../api/errors.ts';
import { ConfirmRemove } from '../../components/ConfirmRemove.tsx';
import { useStudio } from '../../store/context.tsx';
import { mediaSelectors } from '../../store/slices/media.ts';
import type { StudioState } from '../../store/types.ts';
import { mediaDragId, type MediaDragData } from '../timeline/drag-data.ts';

/** The rate an item's timecode counts in: its video's; for audio only, the program's. */
export function useTimecodeRate(item: MediaItem | null): FrameRate {
  const programRate = useStudio((s: StudioState) => frameRates[s.programStatus?.format.frameRate ?? s.programFormat?.frameRate ?? '30']);
  return item?.video?.frameRate ?? programRate;
}

function formatFps(rate: FrameRate): string {
  const fps = rate.num / rate.den;
  return Number.isInteger(fps) ? String(fps) : fps.toFixed(2);
}

/** What is known of the item, in one line: size, rate, loudness; or why it cannot play. */
function details(item: MediaItem): string {
  if (item.state === 'failed') return 'Not schedulable';
  const parts: string[] = [];
  if (item.video) parts.push(`${item.video.width}×${item.video.height} ${formatFps(item.video.frameRate)} fps`);
  else parts.push('Audio only');
  if (item.audio) parts.push(item.loudnessLufs !== null ? `${item.loudnessLufs.toFixed(1)} LUFS` : item.analysing ? 'loudness…' : 'loudness unknown');
  else parts.push('no audio');
  if (item.chapters.length) parts.push(`${item.chapters.length} chapter${item.chapters.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

export function MediaRow({ id }: { id: number }) {
  const item = useStudio(mediaSelectors.byId(id));
  const selected = useStudio((s) => s.mediaSelectedId === id);
  const select = useStudio((s) => s.selectMedia);
  const removeMedia = useStudio((s) => s.removeMedia);
  const pictureVersion = useStudio(mediaSelectors.pictureVersion(id));
  const rate = useTimecodeRate(item);
  const [renaming, setRenaming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = item?.state === 'ready';
  // Only what can play may be scheduled: a failed item is not draggable at all.
  const dragData: MediaDragData | undefined =
    item && ready ? { kind: 'media', mediaId: id, name: item.name, durationSeconds: item.durationSeconds ?? 0 } : undefined;
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: mediaDragId(id), ...(dragData ? { data: dragData } : {}), disabled: !ready });
  if (!item) return null;

  const remove = async () => {
    setError(null);
    try {
      await removeMedia(id);
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    }
  };

  const state = item.state === 'failed' ? 'failed' : item.analysing ? 'analysing' : 'ready';
  const picture = item.thumbnailPath ? (
    <img
      className="media-row__thumb"
      src={mediaPictureUrl(id, 'thumbnail', `${item.addedAt}-${pictureVersion}`)}
      alt=""
      data-testid="media-thumbnail"
      draggable={false}
    />
  ) : (
    <span className={`media-row__thumb media-row__thumb--none media-row__thumb--${state}`} aria-hidden="true">
      {item.state === 'failed' ? '!' : item.video ? '' : '♪'}
    </span>
  );
  return (
    <li
      className={`item-row media-row${selected ? ' item-row--selected' : ''}${isDragging ? ' media-row--dragging' : ''}`}
      data-testid="media-row"
      data-media-id={id}
      data-state={state}
      data-schedulable={ready}
    >
      <span className="item-row__main">
        {ready ? (
          <button
            ref={setNodeRef}
            type="button"
            className="media-row__handle"
            title={`Drag ${item.name} onto the channel timeline`}
            data-testid="media-drag-handle"
            {...attributes}
            {...listeners}
            aria-label={`Drag ${item.name} to the timeline`}
          >
            {picture}
          </button>
        ) : (
          <span className="media-row__handle media-row__handle--fixed" title="A file that failed cannot be scheduled" data-testid="media-drag-handle">
            {picture}
          </span>
        )}
        <span className="media-row__text">
          {renaming ? (
            <RenameField
              item={item}
              onDone={(message) => {
                setError(message);
                if (!message) setRenaming(false);
              }}
              onCancel={() => {
                setError(null);
                setRenaming(false);
              }}
            />
          ) : (
            <button
              type="button"
              className="item-row__select item-row__name"
              title={item.path}
              data-testid="media-name"
              onClick={() => select(selected ? null : id)}
            >
              {item.name}
            </button>
          )}
          <span className="item-row__meta" title={details(item)}>
            <span className="media-row__duration" data-testid="media-duration">
              {item.durationSeconds !== null ? formatTimecode(item.durationSeconds, rate) : '--:--:--:--'}
            </span>{' '}
            · {details(item)}
          </span>
        </span>
        <span
          className={`state-pill state-pill--${state === 'failed' ? 'danger' : state === 'analysing' ? 'warning' : 'ok'}`}
          data-testid="media-state"
          title={state === 'analysing' ? 'Measuring loudness and making the pictures' : state}
        >
          {state === 'analysing' ? 'analysing' : state}
        </span>
      </span>
      <span className="item-row__actions">
        {!renaming ? (
          <button
            type="button"
            className="button button--tiny button--ghost"
            aria-label={`Rename ${item.name}`}
            title="Rename"
            onClick={() => setRenaming(true)}
          >
            ✎
          </button>
        ) : null}
        <ConfirmRemove label={`Remove ${item.name} from the library`} onRemove={remove} />
      </span>
      {item.state === 'failed' ? (
        <p className="item-row__reason" data-testid="media-reason">
          {item.reason ?? 'The file could not be probed.'}
        </p>
      ) : item.analysisError ? (
        <p className="item-row__reason media-row__warning" data-testid="media-analysis-error">
          {item.analysisError}
        </p>
      ) : null}
      {error ? <p className="field__error item-row__error">{error}</p> : null}
    </li>
  );
}

function RenameField({ item, onDone, onCancel }: { item: MediaItem; onDone: (error: string | null) => void; onCancel: () => void }) {
  const rename = useStudio((s) => s.renameMedia);
  const [name, setName] = useState(item.name);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    if (name === item.name) return onDone(null);
    setBusy(true);
    try {
      await rename(item.id, name);
      onDone(null);
    } catch (err) {
      // The engine's message names the argument ("name") and says what is wrong with it.
      onDone(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="media-row__rename"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <input
        className="input input--small"
        aria-label={`New name for ${item.name}`}
        data-testid="media-rename-input"
        value={name}
        disabled={busy}
        // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to rename; typing goes there
        autoFocus
        onChange={(event) => setName(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel();
        }}
      />
      <button type="submit" className="button button--tiny" disabled={busy} data-testid="media-rename-save">
        Save
      </button>
    </form>
  );
}
