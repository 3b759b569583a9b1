import { useState, type FormEvent } from 'react';
import { HLS_MARKER_STYLES, RECORDING_PATTERN_TOKENS, SRT_LATENCY_MS, SRT_PASSPHRASE_LENGTH } from '../../../../shared/outputs.ts';
import { useSave } from '../../components/use-save.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Field, FormError, fieldErrorText } from '../../components/Field.tsx';
import { useStudio } from '../../store/context.tsx';
import { outputsSelectors } from '../../store/slices/outputs.ts';
import { draftFromOutput, editFromDraft, type OutputDraft } from './output-draft.ts';

const KIND_LABEL = { srt: 'SRT', hls: 'HLS', recording: 'Recording', rtmp: 'RTMP' } as const;

const FIELDS_WITH_INPUTS = new Set(
  [
    'name',
    'url',
    'mode',
    'latencyMs',
    'passphrase',
    'pbkeylen',
    'streamId',
    'folder',
    'segmentSeconds',
    'listSize',
    'markers',
    'fileNamePattern',
    'rotateMinutes',
    'streamKey',
  ].map((field) => `settings.${field}`),
);

/**
 * Edit every setting of an output (outputs.update). A passphrase or stream key is never shown,
 * not even masked: the field starts empty, and empty keeps the stored one. A running output restarts with the new settings.
 */
export function OutputEditorDialog({ outputId, onClose }: { outputId: number; onClose: () => void }) {
  const output = useStudio(outputsSelectors.byId(outputId));
  const updateOutput = useStudio((s) => s.updateOutput);
  const [draft, setDraft] = useState<OutputDraft | null>(() => (output ? draftFromOutput(output.name, output.settings) : null));
  const { error, busy, saved, edited, save } = useSave();

  if (!output || !draft) {
    return (
      <Dialog title="Edit output" onClose={onClose} testId="output-editor">
        <p className="panel__muted">This output was removed.</p>
      </Dialog>
    );
  }

  const edit = (patch: Partial<OutputDraft>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    edited();
  };
  const errorFor = (field: string) => {
    const full = `settings.${field}`;
    return error?.field === full ? fieldErrorText(error.message, full) : null;
  };
  const otherError = error && !FIELDS_WITH_INPUTS.has(error.field ?? '') ? error.message : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    await save(async () => {
      const { settings, keepSecret } = editFromDraft(draft);
      const updated = await updateOutput(outputId, settings, keepSecret);
      // The typed secret leaves the page's state once the engine has it.
      setDraft(draftFromOutput(updated.name, updated.settings));
    });
  }

  const kind = draft.kind;
  const secretLabel = kind === 'srt' ? 'Passphrase' : 'Stream key';
  return (
    <Dialog title={`Edit ${KIND_LABEL[kind]} output: ${output.name}`} onClose={onClose} testId="output-editor" className="dialog--editor">
      <form className="editor-form" onSubmit={(event) => void submit(event)} noValidate autoComplete="off" data-testid="output-editor-form">
        <div className="form-grid">
          <Field label="Name" error={errorFor('name')} className="form-grid__wide">
            {(props) => (
              <input {...props} className="input" value={draft.name} data-testid="edit-output-name" onChange={(event) => edit({ name: event.target.value })} />
            )}
          </Field>

          {kind === 'srt' || kind === 'rtmp' ? (
            <Field label={kind === 'srt' ? 'URL (srt://host:port)' : 'URL (rtmp://host/app)'} error={errorFor('url')} className="form-grid__wide">
              {(props) => (
                <input
                  {...props}
                  className="input mono"
                  spellCheck={false}
                  value={draft.url}
                  data-testid="edit-output-url"
                  onChange={(event) => edit({ url: event.target.value })}
                />
              )}
            </Field>
          ) : null}

          {kind === 'srt' ? (
            <>
              <Field label="Mode" error={errorFor('mode')}>
                {(props) => (
                  <select
                    {...props}
                    className="input"
                    value={draft.mode}
                    data-testid="edit-output-mode"
                    onChange={(event) => edit({ mode: event.target.value as OutputDraft['mode'] })}
                  >
                    <option value="caller">Caller (we connect)</option>
                    <option value="listener">Listener (they connect)</option>
                  </select>
                )}
              </Field>
              <Field label={`Latency (${SRT_LATENCY_MS.min}–${SRT_LATENCY_MS.max} ms)`} error={errorFor('latencyMs')}>
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    inputMode="numeric"
                    value={draft.latencyMs}
                    data-testid="edit-output-latency"
                    onChange={(event) => edit({ latencyMs: event.target.value })}
                  />
                )}
              </Field>
              <Field label="Stream ID (optional)" error={errorFor('streamId')} className="form-grid__wide">
                {(props) => (
                  <input
                    {...props}
                    className="input mono"
                    spellCheck={false}
                    value={draft.streamId}
                    data-testid="edit-output-stream-id"
                    onChange={(event) => edit({ streamId: event.target.value })}
                  />
                )}
              </Field>
            </>
          ) : null}

          {kind === 'srt' || kind === 'rtmp' ? (
            <Field
              label={`${secretLabel}: ${draft.secretSet ? 'set' : 'not set'}${kind === 'srt' ? ` (${SRT_PASSPHRASE_LENGTH.min}–${SRT_PASSPHRASE_LENGTH.max} characters)` : ''}`}
              error={errorFor(kind === 'srt' ? 'passphrase' : 'streamKey')}
              className="form-grid__wide"
            >
              {(props) => (
                <input
                  {...props}
                  className="input"
                  type="password"
                  autoComplete="new-password"
                  disabled={draft.removeSecret}
                  placeholder={draft.secretSet ? `Leave empty to keep the current ${secretLabel.toLowerCase()}` : `Type a ${secretLabel.toLowerCase()}`}
                  value={draft.secret}
                  data-testid="edit-output-secret"
                  onChange={(event) => edit({ secret: event.target.value })}
                />
              )}
            </Field>
          ) : null}
          {kind === 'srt' ? (
            <>
              <Field label="Key length" error={errorFor('pbkeylen')}>
                {(props) => (
                  <select
                    {...props}
                    className="input"
                    value={draft.pbkeylen}
                    disabled={draft.removeSecret}
                    data-testid="edit-output-pbkeylen"
                    onChange={(event) => edit({ pbkeylen: event.target.value as OutputDraft['pbkeylen'] })}
                  >
                    <option value="">Default (AES-128)</option>
                    <option value="16">AES-128</option>
                    <option value="24">AES-192</option>
                    <option value="32">AES-256</option>
                  </select>
                )}
              </Field>
              {draft.secretSet ? (
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={draft.removeSecret}
                    data-testid="edit-output-remove-secret"
                    onChange={(event) => edit({ removeSecret: event.target.checked, secret: '' })}
                  />{' '}
                  Remove the passphrase (no encryption)
                </label>
              ) : null}
            </>
          ) : null}

          {kind === 'hls' || kind === 'recording' ? (
            <Field
              label={kind === 'hls' ? 'Also publish to folder (optional, absolute)' : 'Folder (absolute path on the studio machine)'}
              error={errorFor('folder')}
              className="form-grid__wide"
            >
              {(props) => (
                <input
                  {...props}
                  className="input mono"
                  spellCheck={false}
                  value={draft.folder}
                  data-testid="edit-output-folder"
                  onChange={(event) => edit({ folder: event.target.value })}
                />
              )}
            </Field>
          ) : null}

          {kind === 'hls' ? (
            <>
              <Field label="Segment length (1–30 s)" error={errorFor('segmentSeconds')}>
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    inputMode="decimal"
                    value={draft.segmentSeconds}
                    data-testid="edit-output-segment"
                    onChange={(event) => edit({ segmentSeconds: event.target.value })}
                  />
                )}
              </Field>
              <Field label="Playlist length (2–100 segments)" error={errorFor('listSize')}>
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    inputMode="numeric"
                    value={draft.listSize}
                    data-testid="edit-output-list-size"
                    onChange={(event) => edit({ listSize: event.target.value })}
                  />
                )}
              </Field>
              <fieldset className="form-grid__wide editor-form__group">
                <legend className="field__label">Ad markers in the playlist</legend>
                {HLS_MARKER_STYLES.map((style) => (
                  <label key={style} className="checkbox">
                    <input
                      type="checkbox"
                      checked={draft.markers.includes(style)}
                      onChange={(event) => edit({ markers: event.target.checked ? [...draft.markers, style] : draft.markers.filter((m) => m !== style) })}
                    />{' '}
                    {style}
                  </label>
                ))}
                {errorFor('markers') ? <p className="field__error">{errorFor('markers')}</p> : null}
              </fieldset>
            </>
          ) : null}

          {kind === 'recording' ? (
            <>
              <Field label={`File name (${RECORDING_PATTERN_TOKENS.join(' ')}; ends in .ts)`} error={errorFor('fileNamePattern')} className="form-grid__wide">
                {(props) => (
                  <input
                    {...props}
                    className="input mono"
                    spellCheck={false}
                    value={draft.fileNamePattern}
                    data-testid="edit-output-pattern"
                    onChange={(event) => edit({ fileNamePattern: event.target.value })}
                  />
                )}
              </Field>
              <Field label="New file every (minutes, empty: one per start)" error={errorFor('rotateMinutes')}>
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    inputMode="numeric"
                    value={draft.rotateMinutes}
                    data-testid="edit-output-rotate"
                    onChange={(event) => edit({ rotateMinutes: event.target.value })}
                  />
                )}
              </Field>
            </>
          ) : null}
        </div>
        {output.status && output.status.state !== 'stopped' && output.status.state !== 'idle' ? (
          <p className="panel__hint">This output is running: saving restarts it with the new settings.</p>
        ) : null}
        <div className="inline-row">
          <button type="submit" className="button button--small button--primary" disabled={busy} data-testid="output-editor-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
          {saved ? (
            <span className="text-ok" role="status" data-testid="output-editor-saved">
              Saved
            </span>
          ) : null}
        </div>
        <FormError testId="output-editor-error">{otherError}</FormError>
      </form>
    </Dialog>
  );
}

/** The output card's Edit button, with its dialog. */
export function OutputEditButton({ outputId, outputName, disabled }: { outputId: number; outputName: string; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button--tiny"
        disabled={disabled}
        aria-label={`Edit output ${outputName}`}
        data-testid="output-edit"
        onClick={() => setOpen(true)}
      >
        Edit…
      </button>
      {open ? <OutputEditorDialog outputId={outputId} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
