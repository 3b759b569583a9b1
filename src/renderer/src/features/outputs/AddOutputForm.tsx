import { useState, type FormEvent } from 'react';
// Types only: the shared module's values would pull zod into the renderer bundle.
import type { OutputKind, OutputSettingsInput } from '../../../../shared/outputs.ts';
import { Field, FormError, fieldErrorText } from '../../components/Field.tsx';
import { useStudio } from '../../store/context.tsx';
import { outputsSelectors } from '../../store/slices/outputs.ts';

/** The engine's default (SRT_LATENCY_MS.default in shared/outputs.ts), shown as the initial value. */
const DEFAULT_LATENCY_MS = 120;

const KIND_LABEL: Record<OutputKind, string> = {
  srt: 'SRT (distributor)',
  recording: 'Recording (.ts)',
  hls: 'HLS',
  rtmp: 'RTMP push',
};

interface Draft {
  kind: OutputKind;
  name: string;
  url: string;
  mode: 'caller' | 'listener';
  latencyMs: string;
  passphrase: string;
  streamId: string;
  folder: string;
  rotateMinutes: string;
  segmentSeconds: string;
  streamKey: string;
}

const initialDraft: Draft = {
  kind: 'srt',
  name: '',
  url: '',
  mode: 'caller',
  latencyMs: String(DEFAULT_LATENCY_MS),
  passphrase: '',
  streamId: '',
  folder: '',
  rotateMinutes: '',
  segmentSeconds: '',
  streamKey: '',
};

/** Numbers go to the engine as typed (a non-number as null), so its refusal names the field. */
const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));
const optional = <K extends string, V>(key: K, value: V | undefined, present: boolean) => (present ? { [key]: value } : {}) as Partial<Record<K, V>>;

function settingsOf(d: Draft): OutputSettingsInput {
  const name = optional('name', d.name.trim(), d.name.trim() !== '');
  switch (d.kind) {
    case 'srt':
      return {
        kind: 'srt',
        ...name,
        url: d.url.trim(),
        mode: d.mode,
        ...optional('latencyMs', num(d.latencyMs), d.latencyMs.trim() !== ''),
        ...optional('passphrase', d.passphrase, d.passphrase !== ''),
        ...optional('streamId', d.streamId, d.streamId !== ''),
      };
    case 'recording':
      return { kind: 'recording', ...name, folder: d.folder, ...optional('rotateMinutes', num(d.rotateMinutes), d.rotateMinutes.trim() !== '') };
    case 'hls':
      return {
        kind: 'hls',
        ...name,
        ...optional('folder', d.folder, d.folder.trim() !== ''),
        ...optional('segmentSeconds', num(d.segmentSeconds), d.segmentSeconds.trim() !== ''),
      };
    case 'rtmp':
      return { kind: 'rtmp', ...name, url: d.url.trim(), streamKey: d.streamKey };
  }
}

/** Fields this form has an input for, by kind; an error on any other field is shown under the form. */
const FIELDS: Record<OutputKind, string[]> = {
  srt: ['name', 'url', 'mode', 'latencyMs', 'passphrase', 'streamId'],
  recording: ['name', 'folder', 'rotateMinutes'],
  hls: ['name', 'folder', 'segmentSeconds'],
  rtmp: ['name', 'url', 'streamKey'],
};

export function AddOutputForm({ onDone }: { onDone: () => void }) {
  const createOutput = useStudio((s) => s.createOutput);
  const createError = useStudio(outputsSelectors.createError);
  const clearError = useStudio((s) => s.clearOutputCreateError);
  const [draft, setDraft] = useState<Draft>(initialDraft);
  const [busy, setBusy] = useState(false);

  const edit = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    clearError();
  };
  // The engine names fields under "settings." (e.g. "settings.latencyMs").
  const fieldOfError = createError?.field?.replace(/^settings\.?/, '') ?? null;
  const errorFor = (field: string) => (createError && fieldOfError === field ? fieldErrorText(createError.message, createError.field ?? '') : null);
  const otherError = createError && !FIELDS[draft.kind].includes(fieldOfError ?? '') ? createError.message : null;
  const errorProps = (field: string) => ({ label: '', error: errorFor(field), errorTestId: `output-error-${field}` });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      if (await createOutput(settingsOf(draft))) {
        setDraft(initialDraft);
        onDone();
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form output-form" onSubmit={(event) => void submit(event)} noValidate data-testid="output-form">
      <div className="form-grid">
        <Field label="Kind" error={null}>
          {(props) => (
            <select
              {...props}
              className="input"
              value={draft.kind}
              data-testid="output-kind"
              onChange={(event) => edit({ kind: event.target.value as OutputKind })}
            >
              {(Object.keys(KIND_LABEL) as OutputKind[]).map((kind) => (
                <option key={kind} value={kind}>
                  {KIND_LABEL[kind]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field {...errorProps('name')} label="Name (optional)">
          {(props) => (
            <input {...props} className="input" value={draft.name} data-testid="output-name" onChange={(event) => edit({ name: event.target.value })} />
          )}
        </Field>
        {draft.kind === 'srt' || draft.kind === 'rtmp' ? (
          <Field {...errorProps('url')} label="URL" className="form-grid__wide">
            {(props) => (
              <input
                {...props}
                className="input mono"
                value={draft.url}
                placeholder={draft.kind === 'srt' ? 'srt://ingest.example.com:9000' : 'rtmp://live.example.com/app'}
                spellCheck={false}
                data-testid="output-url"
                onChange={(event) => edit({ url: event.target.value })}
              />
            )}
          </Field>
        ) : null}
        {draft.kind === 'srt' ? (
          <>
            <Field {...errorProps('mode')} label="Mode">
              {(props) => (
                <select
                  {...props}
                  className="input"
                  value={draft.mode}
                  data-testid="output-mode"
                  onChange={(event) => edit({ mode: event.target.value as Draft['mode'] })}
                >
                  <option value="caller">Caller (we connect)</option>
                  <option value="listener">Listener (they connect)</option>
                </select>
              )}
            </Field>
            <Field {...errorProps('latencyMs')} label="Latency (ms)">
              {(props) => (
                <input
                  {...props}
                  className="input"
                  inputMode="numeric"
                  value={draft.latencyMs}
                  data-testid="output-latency"
                  onChange={(event) => edit({ latencyMs: event.target.value })}
                />
              )}
            </Field>
            <Field {...errorProps('passphrase')} label="Passphrase (optional)">
              {(props) => (
                <input
                  {...props}
                  className="input"
                  type="password"
                  autoComplete="new-password"
                  value={draft.passphrase}
                  data-testid="output-passphrase"
                  onChange={(event) => edit({ passphrase: event.target.value })}
                />
              )}
            </Field>
            <Field {...errorProps('streamId')} label="Stream ID (optional)">
              {(props) => (
                <input
                  {...props}
                  className="input mono"
                  value={draft.streamId}
                  spellCheck={false}
                  data-testid="output-stream-id"
                  onChange={(event) => edit({ streamId: event.target.value })}
                />
              )}
            </Field>
          </>
        ) : null}
        {draft.kind === 'recording' || draft.kind === 'hls' ? (
          <Field {...errorProps('folder')} label={draft.kind === 'hls' ? 'Publish to folder (optional)' : 'Folder (absolute path)'} className="form-grid__wide">
            {(props) => (
              <input
                {...props}
                className="input mono"
                value={draft.folder}
                placeholder="/home/me/recordings"
                spellCheck={false}
                data-testid="output-folder"
                onChange={(event) => edit({ folder: event.target.value })}
              />
            )}
          </Field>
        ) : null}
        {draft.kind === 'recording' ? (
          <Field {...errorProps('rotateMinutes')} label="New file every (min, optional)">
            {(props) => (
              <input
                {...props}
                className="input"
                inputMode="numeric"
                value={draft.rotateMinutes}
                onChange={(event) => edit({ rotateMinutes: event.target.value })}
              />
            )}
          </Field>
        ) : null}
        {draft.kind === 'hls' ? (
          <Field {...errorProps('segmentSeconds')} label="Segment (s, optional)">
            {(props) => (
              <input
                {...props}
                className="input"
                inputMode="decimal"
                value={draft.segmentSeconds}
                onChange={(event) => edit({ segmentSeconds: event.target.value })}
              />
            )}
          </Field>
        ) : null}
        {draft.kind === 'rtmp' ? (
          <Field {...errorProps('streamKey')} label="Stream key" className="form-grid__wide">
            {(props) => (
              <input
                {...props}
                className="input"
                type="password"
                autoComplete="off"
                value={draft.streamKey}
                onChange={(event) => edit({ streamKey: event.target.value })}
              />
            )}
          </Field>
        ) : null}
      </div>
      <div className="inline-row">
        <button type="submit" className="button button--small button--primary" disabled={busy} data-testid="output-create">
          {busy ? 'Adding…' : 'Add output'}
        </button>
      </div>
      <FormError testId="output-create-error">{otherError}</FormError>
    </form>
  );
}
