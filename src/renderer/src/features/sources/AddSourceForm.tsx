import { useState, type FormEvent } from 'react';
import type { SourceConfigInput, SourceKind } from '../../../../shared/program.ts';
import { Field, FormError, fieldErrorText } from '../../components/Field.tsx';
import { useStudio } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';
import { sourcesSelectors } from '../../store/slices/sources.ts';

export const KIND_LABEL: Record<SourceKind, string> = {
  rtmp: 'Live input (RTMP)',
  media: 'Media file',
  image: 'Image',
  color: 'Colour',
  text: 'Text',
  test_pattern: 'Test pattern',
};
const KINDS = Object.keys(KIND_LABEL) as SourceKind[];

interface Draft {
  kind: SourceKind;
  name: string;
  width: string;
  height: string;
  streamKeyId: string;
  path: string;
  loop: boolean;
  color: string;
  text: string;
  fontSize: string;
  toneHz: string;
}

/** Numbers go to the engine as typed (NaN for non-numbers), so its refusal names the field. */
const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));

function configOf(draft: Draft): SourceConfigInput {
  const size = { width: num(draft.width), height: num(draft.height) };
  switch (draft.kind) {
    case 'rtmp':
      return { kind: 'rtmp', streamKeyId: num(draft.streamKeyId), ...size };
    case 'media':
      return { kind: 'media', path: draft.path.trim(), loop: draft.loop, ...size };
    case 'image':
      return { kind: 'image', path: draft.path.trim(), ...size };
    case 'color':
      return { kind: 'color', color: draft.color, ...size };
    case 'text':
      return { kind: 'text', text: draft.text, fontSize: num(draft.fontSize), ...size };
    case 'test_pattern':
      return { kind: 'test_pattern', toneHz: num(draft.toneHz), ...size };
  }
}

export function AddSourceForm({ onDone }: { onDone: () => void }) {
  const format = useStudio(programSelectors.format);
  const streamKeys = useStudio((s) => s.streamKeys);
  const createSource = useStudio((s) => s.createSource);
  const createError = useStudio(sourcesSelectors.createError);
  const clearError = useStudio((s) => s.clearSourceCreateError);
  const selectedScene = useStudio((s) => s.scenes.find((scene) => scene.id === s.selectedSceneId) ?? null);
  const setSceneLayers = useStudio((s) => s.setSceneLayers);
  const [addToScene, setAddToScene] = useState(true);
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState<Draft>(() => ({
    kind: 'test_pattern',
    name: '',
    width: String(format?.width ?? 1280),
    height: String(format?.height ?? 720),
    streamKeyId: '',
    path: '',
    loop: true,
    color: '#202830',
    text: 'Lower third',
    fontSize: '48',
    toneHz: '1000',
  }));
  const edit = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    clearError();
  };
  const errorFor = (field: string) => (createError?.field === field ? fieldErrorText(createError.message, field) : null);
  const shownFields = [
    'name',
    'config.width',
    'config.height',
    'config.kind',
    'config.streamKeyId',
    'config.path',
    'config.color',
    'config.text',
    'config.fontSize',
    'config.toneHz',
  ];
  const otherError = createError && !shownFields.includes(createError.field ?? '') ? createError.message : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const source = await createSource(draft.name.trim() || KIND_LABEL[draft.kind], configOf(draft));
      if (!source) return;
      if (addToScene && selectedScene) {
        await setSceneLayers(selectedScene.id, [...selectedScene.layers, { sourceId: source.id, x: 0, y: 0, opacity: 1, visible: true }]);
      }
      onDone();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form source-form" onSubmit={(event) => void submit(event)} noValidate data-testid="source-form">
      <div className="form-grid">
        <Field label="Kind" error={errorFor('config.kind')}>
          {(props) => (
            <select
              {...props}
              className="input"
              value={draft.kind}
              data-testid="source-kind"
              onChange={(event) => edit({ kind: event.target.value as SourceKind })}
            >
              {KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {KIND_LABEL[kind]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Name" error={errorFor('name')}>
          {(props) => (
            <input
              {...props}
              className="input"
              value={draft.name}
              placeholder={KIND_LABEL[draft.kind]}
              data-testid="source-name"
              onChange={(event) => edit({ name: event.target.value })}
            />
          )}
        </Field>
        <Field label="Width" error={errorFor('config.width')}>
          {(props) => <input {...props} className="input" inputMode="numeric" value={draft.width} onChange={(event) => edit({ width: event.target.value })} />}
        </Field>
        <Field label="Height" error={errorFor('config.height')}>
          {(props) => (
            <input {...props} className="input" inputMode="numeric" value={draft.height} onChange={(event) => edit({ height: event.target.value })} />
          )}
        </Field>
        {draft.kind === 'rtmp' ? (
          <Field label="Stream key" error={errorFor('config.streamKeyId')} className="form-grid__wide">
            {(props) => (
              <select
                {...props}
                className="input"
                value={draft.streamKeyId}
                data-testid="source-stream-key"
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
        ) : null}
        {draft.kind === 'media' || draft.kind === 'image' ? (
          <Field label="File (absolute path on the studio machine)" error={errorFor('config.path')} className="form-grid__wide" errorTestId="source-path-error">
            {(props) => (
              <input
                {...props}
                className="input mono"
                value={draft.path}
                placeholder={draft.kind === 'media' ? '/home/me/shows/episode-1.mp4' : '/home/me/logo.png'}
                spellCheck={false}
                data-testid="source-path"
                onChange={(event) => edit({ path: event.target.value })}
              />
            )}
          </Field>
        ) : null}
        {draft.kind === 'media' ? (
          <label className="checkbox form-grid__wide">
            <input type="checkbox" checked={draft.loop} onChange={(event) => edit({ loop: event.target.checked })} /> Loop
          </label>
        ) : null}
        {draft.kind === 'color' ? (
          <Field label="Colour" error={errorFor('config.color')}>
            {(props) => (
              <input {...props} className="input input--color" type="color" value={draft.color} onChange={(event) => edit({ color: event.target.value })} />
            )}
          </Field>
        ) : null}
        {draft.kind === 'text' ? (
          <>
            <Field label="Text" error={errorFor('config.text')} className="form-grid__wide">
              {(props) => <input {...props} className="input" value={draft.text} onChange={(event) => edit({ text: event.target.value })} />}
            </Field>
            <Field label="Font size" error={errorFor('config.fontSize')}>
              {(props) => (
                <input {...props} className="input" inputMode="numeric" value={draft.fontSize} onChange={(event) => edit({ fontSize: event.target.value })} />
              )}
            </Field>
          </>
        ) : null}
        {draft.kind === 'test_pattern' ? (
          <Field label="Tone (Hz)" error={errorFor('config.toneHz')}>
            {(props) => (
              <input {...props} className="input" inputMode="numeric" value={draft.toneHz} onChange={(event) => edit({ toneHz: event.target.value })} />
            )}
          </Field>
        ) : null}
      </div>
      {selectedScene ? (
        <label className="checkbox">
          <input type="checkbox" checked={addToScene} onChange={(event) => setAddToScene(event.target.checked)} /> Add on top of “{selectedScene.name}”
        </label>
      ) : null}
      <div className="inline-row">
        <button type="submit" className="button button--small button--primary" disabled={busy} data-testid="source-create">
          {busy ? 'Adding…' : 'Add source'}
        </button>
      </div>
      <FormError testId="source-create-error">{otherError}</FormError>
    </form>
  );
}
