import { useId, useState, type FormEvent } from 'react';
import type { StreamKeyWithSecret } from '../../../../shared/contract.ts';
import { describeError } from '../../api/errors.ts';
import { CopyButton, SecretText } from '../../components/CopyButton.tsx';
import { fieldErrorText } from '../../components/Field.tsx';
import { formatKbps } from '../../components/format.ts';
import { Panel } from '../../components/Panel.tsx';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { connectionSelectors } from '../../store/slices/connection.ts';
import { ingestSelectors } from '../../store/slices/ingest.ts';
import { streamKeysSelectors } from '../../store/slices/streamKeys.ts';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

export function StreamKeysPanel() {
  const count = useStudio((s) => s.streamKeys.length);
  const loaded = useStudio(streamKeysSelectors.loaded);
  // The secret of a new key lives here, not in the store, and only until the user dismisses it.
  const [created, setCreated] = useState<StreamKeyWithSecret | null>(null);

  return (
    <Panel title="Stream keys" testId="panel-stream-keys" aside={loaded ? <span className="panel__count">{count}</span> : null}>
      <IngestHint />
      <CreateStreamKeyForm onCreated={setCreated} />
      {created ? <CreatedKeyNotice created={created} onDone={() => setCreated(null)} /> : null}
      <StreamKeyList />
      <LastRefusedPublish />
    </Panel>
  );
}

/** Where OBS publishes: the ingest URL as server, the key as stream key. */
function IngestHint() {
  const ingest = useStudio((s) => s.engineStatus?.ingest ?? null);
  return (
    <p className="panel__hint" data-testid="ingest-hint">
      OBS or a camera publishes to the RTMP ingest with one of these keys.{' '}
      {ingest?.url ? (
        <>
          Server: <code data-testid="ingest-url">{ingest.url}</code>, stream key: the key.
        </>
      ) : ingest?.error ? (
        <span className="text-danger">The ingest is not running: {ingest.error}</span>
      ) : ingest && !ingest.running ? (
        'The ingest is not running.'
      ) : null}
    </p>
  );
}

function CreateStreamKeyForm({ onCreated }: { onCreated: (key: StreamKeyWithSecret) => void }) {
  const inputId = useId();
  const errorId = useId();
  const [name, setName] = useState('');
  const creating = useStudio(streamKeysSelectors.creating);
  const createError = useStudio(streamKeysSelectors.createError);
  const connected = useStudio(connectionSelectors.isOpen);
  const createStreamKey = useStudio((s) => s.createStreamKey);
  const clearError = useStudio((s) => s.clearStreamKeyCreateError);

  // Validation is the engine's: whatever it refuses comes back naming the field.
  async function submit(event: FormEvent) {
    event.preventDefault();
    const key = await createStreamKey(name);
    if (key) {
      setName('');
      onCreated(key);
    }
  }

  const nameError = createError?.field === 'name' ? fieldErrorText(createError.message, 'name') : null;
  const otherError = createError && createError.field !== 'name' ? createError.message : null;

  return (
    <form className="create-key" onSubmit={(event) => void submit(event)} noValidate>
      <label className="field__label" htmlFor={inputId}>
        Name
      </label>
      <div className="create-key__row">
        <input
          id={inputId}
          className={`input ${nameError ? 'input--invalid' : ''}`}
          value={name}
          placeholder="e.g. Studio camera"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? errorId : undefined}
          data-testid="stream-key-name"
          onChange={(event) => {
            setName(event.target.value);
            clearError();
          }}
        />
        <button type="submit" className="button button--primary" disabled={creating || !connected}>
          {creating ? 'Creating…' : 'Create key'}
        </button>
      </div>
      {nameError ? (
        <p id={errorId} className="field__error" role="alert" data-testid="stream-key-name-error">
          {nameError}
        </p>
      ) : null}
      {otherError ? (
        <p className="field__error" role="alert" data-testid="stream-key-create-error">
          {otherError}
        </p>
      ) : null}
    </form>
  );
}

function CreatedKeyNotice({ created, onDone }: { created: StreamKeyWithSecret; onDone: () => void }) {
  return (
    <div className="notice notice--success" role="status" data-testid="stream-key-created">
      <p className="notice__text">
        Key <strong>{created.name}</strong> created. Copy it now: it is shown in full only this once (Reveal asks the engine again).
      </p>
      <div className="notice__row">
        <SecretText value={created.key} label={`Stream key ${created.name}`} testId="stream-key-created-secret" />
        <CopyButton value={created.key} />
        <button type="button" className="button button--small button--ghost" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function StreamKeyList() {
  const ids = useStudioShallow(streamKeysSelectors.ids);
  const loaded = useStudio(streamKeysSelectors.loaded);
  const error = useStudio(streamKeysSelectors.error);

  if (error) return <p className="panel__error">Could not load stream keys: {error}</p>;
  if (!loaded) return <p className="panel__muted">Loading stream keys…</p>;
  if (ids.length === 0)
    return (
      <p className="panel__muted" data-testid="stream-keys-empty">
        No stream keys yet.
      </p>
    );
  return (
    <ul className="item-list" aria-label="Stream keys" data-testid="stream-key-list">
      {ids.map((id) => (
        <StreamKeyRow key={id} id={id} />
      ))}
    </ul>
  );
}

function StreamKeyRow({ id }: { id: number }) {
  const key = useStudio(streamKeysSelectors.byId(id));
  const revealStreamKey = useStudio((s) => s.revealStreamKey);
  const removeStreamKey = useStudio((s) => s.removeStreamKey);
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!key) return null;

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const toggleReveal = () => (secret === null ? void run(async () => setSecret(await revealStreamKey(id))) : setSecret(null));
  const remove = () =>
    void run(async () => {
      await removeStreamKey(id);
      setConfirming(false);
    });

  return (
    <li className="key-row" data-testid="stream-key-row" data-key-id={id}>
      <div className="key-row__main">
        <span className="item-row__name">{key.name}</span>
        <span className="key-row__date">{formatDate(key.createdAt)}</span>
      </div>
      <IngestLine streamKeyId={id} />
      <div className="key-row__secret">
        {secret === null ? (
          <code className="key-row__masked" data-testid="stream-key-masked">
            {key.masked}
          </code>
        ) : (
          <>
            <SecretText value={secret} label={`Stream key ${key.name}`} testId="stream-key-secret" />
            <CopyButton value={secret} />
          </>
        )}
      </div>
      <div className="key-row__actions">
        <button type="button" className="button button--small" disabled={busy} onClick={toggleReveal}>
          {secret === null ? 'Reveal' : 'Hide'}
        </button>
        <button type="button" className="button button--small button--ghost" disabled={busy || confirming} onClick={() => setConfirming(true)}>
          Remove…
        </button>
      </div>
      {confirming ? (
        // biome-ignore lint/a11y/useSemanticElements: a confirm question and its two buttons, not form fields
        <div className="key-row__confirm" role="group" aria-label={`Confirm removing ${key.name}`}>
          <span className="key-row__confirm-text">Remove “{key.name}” for good?</span>
          <button type="button" className="button button--small button--danger" disabled={busy} onClick={remove}>
            Remove
          </button>
          <button type="button" className="button button--small button--ghost" disabled={busy} onClick={() => setConfirming(false)}>
            Keep
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="field__error key-row__error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** What the ingest receives on this key now, as OBS's own stats name it. */
function IngestLine({ streamKeyId }: { streamKeyId: number }) {
  const stream = useStudio(ingestSelectors.byKeyId(streamKeyId));
  const known = useStudio((s) => s.ingestLoaded);
  // Until ingest.list has answered, "offline" would be a guess: say nothing rather than something untrue.
  if (!known) return null;
  if (!stream)
    return (
      <p className="key-row__ingest" data-testid="stream-key-ingest" data-live="false">
        <span className="state-pill state-pill--idle">offline</span>
      </p>
    );
  const video = stream.video;
  const figures = [
    video ? `${video.codec ?? 'video'} ${video.width}×${video.height}${video.fps > 0 ? ` ${Math.round(video.fps * 100) / 100} fps` : ''}` : 'no video',
    stream.audio ? `${stream.audio.codec ?? 'audio'} ${stream.audio.sampleRate / 1000} kHz` : 'no audio',
    formatKbps(stream.bitrateKbps),
  ].join(' · ');
  return (
    <p className="key-row__ingest" data-testid="stream-key-ingest" data-live="true" title={figures}>
      <span className="state-pill state-pill--ok">live</span> <span className="mono">{figures}</span>
    </p>
  );
}

const REFUSED_REASON: Record<string, string> = {
  'unknown stream key': 'a stream key this studio does not have',
  'unknown app': 'a server path other than the ingest URL',
  'already publishing': 'a second publisher on a key that is already live',
};

/** The last publish the ingest turned away: the usual "OBS cannot connect" is a mistyped key. */
function LastRefusedPublish() {
  const refused = useStudio(ingestSelectors.lastRefused);
  if (!refused) return null;
  return (
    <p className="panel__hint text-warn" role="status" data-testid="ingest-last-refused">
      Refused a publish at {new Date(refused.at).toLocaleTimeString()} from {refused.remoteAddress}: {REFUSED_REASON[refused.reason] ?? refused.reason}.
    </p>
  );
}
