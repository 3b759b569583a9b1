import { useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { mediaPictureUrl, type MediaItem } from '../../../../shared/media.ts';
import { formatTimecode, secondsOfFrame } from '../../../../shared/timecode.ts';
import { useStudio } from '../../store/context.tsx';
import { mediaSelectors } from '../../store/slices/media.ts';
import { percentAt, secondsAtFraction } from './filmstrip-geometry.ts';
import { useTimecodeRate } from './MediaRow.tsx';

/** The chapter index an engine error names ("chapters.2.startSeconds" → 2), or null. */
export function chapterIndexOfField(field: string | null | undefined): number | null {
  const match = /^chapters\.(\d+)(?:\.|$)/.exec(field ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * The selected item's filmstrip with its chapter marks: double-click to add a mark there, drag a
 * mark to move it (to whole frames), Delete or ✕ to remove it. The edits are a draft until saved
 * with media.update { chapters }; the file itself is never rewritten.
 */
export function ChapterEditor() {
  const item = useStudio(mediaSelectors.selected);
  if (!item) return null;
  if (item.state !== 'ready' || item.durationSeconds === null) {
    return (
      <section className="chapter-editor" aria-label={`Chapters of ${item.name}`} data-testid="chapter-editor">
        <p className="panel__muted">{item.name} failed to probe: it has no duration, so no chapters, and it cannot be scheduled.</p>
      </section>
    );
  }
  return <ReadyChapterEditor item={item} durationSeconds={item.durationSeconds} />;
}

function ReadyChapterEditor({ item, durationSeconds }: { item: MediaItem; durationSeconds: number }) {
  const chapters = useStudio(mediaSelectors.chapters);
  const changed = useStudio(mediaSelectors.chaptersChanged);
  const saving = useStudio(mediaSelectors.chapterSaving);
  const error = useStudio(mediaSelectors.chapterError);
  const pictureVersion = useStudio(mediaSelectors.pictureVersion(item.id));
  const addChapter = useStudio((s) => s.addChapter);
  const moveChapter = useStudio((s) => s.moveChapter);
  const renameChapter = useStudio((s) => s.renameChapter);
  const removeChapter = useStudio((s) => s.removeChapter);
  const discardChapters = useStudio((s) => s.discardChapters);
  const saveChapters = useStudio((s) => s.saveChapters);
  const rate = useTimecodeRate(item);
  const strip = useRef<HTMLDivElement>(null);
  /** The mark being dragged and where it is now (not yet in the draft). */
  const [drag, setDrag] = useState<{ index: number; seconds: number } | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const erroredIndex = chapterIndexOfField(error?.field);

  const secondsAt = (clientX: number): number => {
    const box = strip.current!.getBoundingClientRect();
    return secondsAtFraction(box.width > 0 ? (clientX - box.left) / box.width : 0, durationSeconds, rate);
  };

  const startDrag = (index: number, event: ReactPointerEvent<HTMLButtonElement>) => {
    if (event.button !== 0) return;
    event.stopPropagation();
    event.currentTarget.setPointerCapture(event.pointerId);
    setDrag({ index, seconds: chapters[index]!.startSeconds });
  };
  const moveDrag = (event: ReactPointerEvent<HTMLButtonElement>) => {
    if (!drag) return;
    setDrag({ index: drag.index, seconds: secondsAt(event.clientX) });
  };
  const endDrag = () => {
    if (!drag) return;
    moveChapter(drag.index, drag.seconds);
    setDrag(null);
  };

  const readout = drag?.seconds ?? hover;
  return (
    <section className="chapter-editor" aria-label={`Chapters of ${item.name}`} data-testid="chapter-editor">
      <header className="chapter-editor__header">
        <h3 className="dock-section__title">Chapters · {item.name}</h3>
        <span className="chapter-editor__readout" data-testid="filmstrip-readout">
          {readout !== null ? formatTimecode(readout, rate) : `${formatTimecode(durationSeconds, rate)} long`}
        </span>
      </header>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: pointer editing of the strip; every edit also has a keyboard path (the marks and the list below) */}
      <div
        ref={strip}
        className="filmstrip"
        data-testid="filmstrip"
        title="Double-click to add a chapter mark here; drag a mark to move it"
        onDoubleClick={(event) => addChapter(secondsAt(event.clientX))}
        onPointerMove={(event) => setHover(secondsAt(event.clientX))}
        onPointerLeave={() => setHover(null)}
      >
        {item.filmstripPath ? (
          <img
            className="filmstrip__image"
            src={mediaPictureUrl(item.id, 'filmstrip', `${item.addedAt}-${pictureVersion}`)}
            alt={`Filmstrip of ${item.name}`}
            data-testid="filmstrip-image"
            draggable={false}
          />
        ) : (
          <span className="filmstrip__none">{item.analysing ? 'Making the filmstrip…' : item.video ? 'No filmstrip' : 'Audio only'}</span>
        )}
        {chapters.map((chapter, index) => {
          const seconds = drag?.index === index ? drag.seconds : chapter.startSeconds;
          return (
            <button
              // The marks are in time order; a key by position would move focus as they pass each other.
              // biome-ignore lint/suspicious/noArrayIndexKey: a mark has no id of its own; its index is its identity within the draft
              key={index}
              type="button"
              className={`filmstrip__mark${drag?.index === index ? ' filmstrip__mark--dragging' : ''}${erroredIndex === index ? ' filmstrip__mark--error' : ''}`}
              style={{ left: `${percentAt(seconds, durationSeconds)}%` }}
              data-testid="chapter-mark"
              data-seconds={seconds}
              aria-label={`Chapter ${index + 1}, ${chapter.title || 'untitled'}, at ${formatTimecode(seconds, rate)}; drag to move, Delete to remove`}
              title={`${chapter.title || 'untitled'} · ${formatTimecode(seconds, rate)}`}
              onPointerDown={(event) => startDrag(index, event)}
              onPointerMove={moveDrag}
              onPointerUp={endDrag}
              onPointerCancel={() => setDrag(null)}
              onDoubleClick={(event) => event.stopPropagation()}
              onKeyDown={(event) => {
                // One whole frame either way, counted in frames so the time stays frame-exact.
                const frame = Math.round((chapter.startSeconds * rate.num) / rate.den);
                const key = event.key;
                if (key !== 'Delete' && key !== 'Backspace' && key !== 'ArrowLeft' && key !== 'ArrowRight') return;
                // Handled here: a studio hotkey on the same key must not fire too.
                event.preventDefault();
                if (key === 'ArrowLeft') moveChapter(index, secondsOfFrame(Math.max(0, frame - 1), rate));
                else if (key === 'ArrowRight') moveChapter(index, secondsOfFrame(frame + 1, rate));
                else removeChapter(index);
              }}
            />
          );
        })}
      </div>
      {chapters.length === 0 ? (
        <p className="panel__muted">No chapters: double-click the filmstrip to add a break mark.</p>
      ) : (
        <ol className="chapter-list" data-testid="chapter-list">
          {chapters.map((chapter, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the list mirrors the marks, in the same order
            <li key={index} className={`chapter-row${erroredIndex === index ? ' chapter-row--error' : ''}`} data-testid="chapter-row">
              <span className="chapter-row__time" data-testid="chapter-time">
                {formatTimecode(chapter.startSeconds, rate)}
              </span>
              <input
                className="input input--small chapter-row__title"
                aria-label={`Title of chapter ${index + 1}`}
                value={chapter.title}
                onChange={(event) => renameChapter(index, event.target.value)}
              />
              <button
                type="button"
                className="button button--tiny button--ghost"
                aria-label={`Remove chapter ${index + 1}`}
                data-testid="chapter-remove"
                onClick={() => removeChapter(index)}
              >
                ✕
              </button>
            </li>
          ))}
        </ol>
      )}
      {error ? (
        <p className="field__error" role="alert" data-testid="chapter-error" data-field={error.field ?? ''}>
          {error.message}
        </p>
      ) : null}
      {changed ? (
        <div className="chapter-editor__actions">
          <button
            type="button"
            className="button button--small button--primary"
            disabled={saving}
            data-testid="chapters-save"
            onClick={() => void saveChapters()}
          >
            {saving ? 'Saving…' : 'Save chapters'}
          </button>
          <button type="button" className="button button--small button--ghost" disabled={saving} data-testid="chapters-discard" onClick={discardChapters}>
            Discard
          </button>
          <span className="panel__muted">Saved in the library only; the file is never rewritten.</span>
        </div>
      ) : null}
    </section>
  );
}
