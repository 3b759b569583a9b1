import { useState, type FormEvent } from 'react';
import { useSave } from '../../components/use-save.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Field, FormError, fieldErrorText } from '../../components/Field.tsx';
import { useStudio } from '../../store/context.tsx';
import { sourcesSelectors } from '../../store/slices/sources.ts';
import { KIND_LABEL } from '../sources/AddSourceForm.tsx';
import { FilePicker } from './FilePicker.tsx';
import { configFromDraft, draftFromConfig, FONT_FAMILIES, TEXT_ALIGNMENTS, type SourceDraft } from './source-draft.ts';

/** Every field the form has an input for; an error naming another goes under the form. */
const FIELDS_WITH_INPUTS = new Set([
  'name',
  'config.width',
  'config.height',
  'config.streamKeyId',
  'config.slateText',
  'config.path',
  'config.loop',
  'config.startSeconds',
  'config.toneHz',
  'config.color',
  'config.text',
  'config.fontFamily',
  'config.fontSize',
  'config.background',
  'config.align',
  'config.wrap',
]);

const ALIGN_LABEL = { left: 'Left', center: 'Centre', right: 'Right' } as const;

/** Edit an existing source: its name, size and every setting of its kind. Saved with sources.update; the engine's refusal shows at its field. */
export function SourceEditorDialog({ sourceId, onClose }: { sourceId: number; onClose: () => void }) {
  const source = useStudio(sourcesSelectors.byId(sourceId));
  const streamKeys = useStudio((s) => s.streamKeys);
  const updateSource = useStudio((s) => s.updateSource);
  const [name, setName] = useState(source?.name ?? '');
  const [draft, setDraft] = useState<SourceDraft | null>(() => (source ? draftFromConfig(source.config) : null));
  const [fileError, setFileError] = useState<string | null>(null);
  const { error, setError, busy, saved, edited, save } = useSave();

  if (!source || !draft) {
    return (
      <Dialog title="Edit source" onClose={onClose} testId="source-editor">
        <p className="panel__muted">This source was removed.</p>
      </Dialog>
    );
  }

  const edit = (patch: Partial<SourceDraft>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    edited();
  };
  const errorFor = (field: string) => (error?.field === field ? fieldErrorText(error.message, field) : null);
  const otherError = error && !FIELDS_WITH_INPUTS.has(error.field ?? '') ? error.message : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    await save(async () => {
      await updateSource(sourceId, { name: name.trim(), config: configFromDraft(draft) });
    });
  }

  const kind = draft.kind;
  return (
    <Dialog title={`Edit ${KIND_LABEL[kind].toLowerCase()}: ${source.name}`} onClose={onClose} testId="source-editor" className="dialog--editor">
      <form className="editor-form" onSubmit={(event) => void submit(event)} noValidate data-testid="source-editor-form">
        <div className="form-grid">
          <Field label="Name" error={errorFor('name')} className="form-grid__wide">
            {(props) => (
              <input
                {...props}
                className="input"
                value={name}
                data-testid="edit-source-name"
                onChange={(event) => {
                  setName(event.target.value);
                  setError(null);
                }}
              />
            )}
          </Field>
          <Field label="Width (even, px)" error={errorFor('config.width')}>
            {(props) => (
              <input
                {...props}
                className="input"
                inputMode="numeric"
                value={draft.width}
                data-testid="edit-source-width"
                onChange={(event) => edit({ width: event.target.value })}
              />
            )}
          </Field>
          <Field label="Height (even, px)" error={errorFor('config.height')}>
            {(props) => (
              <input
                {...props}
                className="input"
                inputMode="numeric"
                value={draft.height}
                data-testid="edit-source-height"
                onChange={(event) => edit({ height: event.target.value })}
              />
            )}
          </Field>

          {kind === 'text' ? (
            <>
              <Field label="Text (a new line for each line)" error={errorFor('config.text')} className="form-grid__wide" errorTestId="edit-source-text-error">
                {(props) => (
                  <textarea
                    {...props}
                    className="input editor-form__text"
                    rows={3}
                    value={draft.text}
                    data-testid="edit-source-text"
                    onChange={(event) => edit({ text: event.target.value })}
                  />
                )}
              </Field>
              <Field label="Font" error={errorFor('config.fontFamily')}>
                {(props) => (
                  <>
                    <input
                      {...props}
                      className="input"
                      list="source-editor-fonts"
                      value={draft.fontFamily}
                      data-testid="edit-source-font"
                      onChange={(event) => edit({ fontFamily: event.target.value })}
                    />
                    <datalist id="source-editor-fonts">
                      {FONT_FAMILIES.map((family) => (
                        <option key={family} value={family} />
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <Field label="Size (px)" error={errorFor('config.fontSize')}>
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    inputMode="numeric"
                    value={draft.fontSize}
                    data-testid="edit-source-font-size"
                    onChange={(event) => edit({ fontSize: event.target.value })}
                  />
                )}
              </Field>
              <Field label="Colour" error={errorFor('config.color')}>
                {(props) => (
                  <input
                    {...props}
                    className="input input--color"
                    type="color"
                    value={draft.textColor}
                    data-testid="edit-source-text-color"
                    onChange={(event) => edit({ textColor: event.target.value })}
                  />
                )}
              </Field>
              <Field label="Alignment" error={errorFor('config.align')}>
                {(props) => (
                  <select
                    {...props}
                    className="input"
                    value={draft.align}
                    data-testid="edit-source-align"
                    onChange={(event) => edit({ align: event.target.value as SourceDraft['align'] })}
                  >
                    {TEXT_ALIGNMENTS.map((align) => (
                      <option key={align} value={align}>
                        {ALIGN_LABEL[align]}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <label className="checkbox form-grid__wide">
                <input type="checkbox" checked={draft.wrap} data-testid="edit-source-wrap" onChange={(event) => edit({ wrap: event.target.checked })} /> Wrap
                long lines to the width
              </label>
              <label className="checkbox form-grid__wide">
                <input
                  type="checkbox"
                  checked={draft.backgroundOn}
                  data-testid="edit-source-background-on"
                  onChange={(event) => edit({ backgroundOn: event.target.checked })}
                />{' '}
                Background box
              </label>
              {draft.backgroundOn ? (
                <>
                  <Field label="Background colour" error={errorFor('config.background')}>
                    {(props) => (
                      <input
                        {...props}
                        className="input input--color"
                        type="color"
                        value={draft.background}
                        data-testid="edit-source-background"
                        onChange={(event) => edit({ background: event.target.value })}
                      />
                    )}
                  </Field>
                  <Field label={`Background opacity (${draft.backgroundOpacity}%)`} error={null}>
                    {(props) => (
                      <input
                        {...props}
                        className="input"
                        type="range"
                        min={0}
                        max={100}
                        value={draft.backgroundOpacity}
                        data-testid="edit-source-background-opacity"
                        onChange={(event) => edit({ backgroundOpacity: event.target.value })}
                      />
                    )}
                  </Field>
                </>
              ) : null}
            </>
          ) : null}

          {kind === 'color' ? (
            <Field label="Colour" error={errorFor('config.color')}>
              {(props) => (
                <input
                  {...props}
                  className="input input--color"
                  type="color"
                  value={draft.color}
                  data-testid="edit-source-color"
                  onChange={(event) => edit({ color: event.target.value })}
                />
              )}
            </Field>
          ) : null}

          {kind === 'image' || kind === 'media' ? (
            <>
              <Field label="File" error={errorFor('config.path') ?? fileError} className="form-grid__wide" errorTestId="edit-source-path-error">
                {(props) => (
                  <div className="editor-form__file">
                    <input
                      {...props}
                      className="input mono"
                      value={draft.path}
                      spellCheck={false}
                      data-testid="edit-source-path"
                      onChange={(event) => edit({ path: event.target.value })}
                    />
                    <FilePicker kind={kind} onPath={(path) => edit({ path })} onError={setFileError} />
                  </div>
                )}
              </Field>
              {kind === 'media' ? (
                <>
                  <label className="checkbox">
                    <input type="checkbox" checked={draft.loop} data-testid="edit-source-loop" onChange={(event) => edit({ loop: event.target.checked })} />{' '}
                    Loop
                  </label>
                  <Field label="Start at (seconds)" error={errorFor('config.startSeconds')}>
                    {(props) => (
                      <input
                        {...props}
                        className="input"
                        inputMode="decimal"
                        value={draft.startSeconds}
                        data-testid="edit-source-start"
                        onChange={(event) => edit({ startSeconds: event.target.value })}
                      />
                    )}
                  </Field>
                </>
              ) : null}
            </>
          ) : null}

          {kind === 'rtmp' ? (
            <>
              <Field label="Stream key" error={errorFor('config.streamKeyId')} className="form-grid__wide">
                {(props) => (
                  <select
                    {...props}
                    className="input"
                    value={draft.streamKeyId}
                    data-testid="edit-source-stream-key"
                    onChange={(event) => edit({ streamKeyId: event.target.value })}
                  >
                    <option value="">Choose the key OBS publishes with…</option>
                    {streamKeys.map((key) => (
                      <option key={key.id} value={key.id}>
                        {key.name} ({key.masked})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Slate text (while nothing is published)" error={errorFor('config.slateText')} className="form-grid__wide">
                {(props) => <input {...props} className="input" value={draft.slateText} onChange={(event) => edit({ slateText: event.target.value })} />}
              </Field>
            </>
          ) : null}

          {kind === 'test_pattern' ? (
            <Field label="Tone (Hz)" error={errorFor('config.toneHz')}>
              {(props) => (
                <input {...props} className="input" inputMode="numeric" value={draft.toneHz} onChange={(event) => edit({ toneHz: event.target.value })} />
              )}
            </Field>
          ) : null}
        </div>
        <p className="panel__hint">
          Saved changes reach the program at once. A running program that cannot use them (a file it cannot open) keeps the source as it was, and says why here.
        </p>
        <div className="inline-row">
          <button type="submit" className="button button--small button--primary" disabled={busy} data-testid="source-editor-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
          {saved ? (
            <span className="text-ok" data-testid="source-editor-saved" role="status">
              Saved
            </span>
          ) : null}
        </div>
        <FormError testId="source-editor-error">{otherError}</FormError>
      </form>
    </Dialog>
  );
}

/** The Sources dock's Edit button for one source, with its dialog. */
export function SourceEditButton({ sourceId, sourceName }: { sourceId: number; sourceName: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button--tiny button--ghost"
        aria-label={`Edit source ${sourceName}`}
        data-testid="source-edit"
        onClick={() => setOpen(true)}
        title="Properties: edit this source"
      >
        ✎
      </button>
      {open ? <SourceEditorDialog sourceId={sourceId} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
