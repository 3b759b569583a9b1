import { useState } from 'react';
import { describeError } from '../../api/errors.ts';
import { CopyButton, SecretText } from '../../components/CopyButton.tsx';
import { Panel } from '../../components/Panel.tsx';
import { useStudio } from '../../store/context.tsx';
import { apiAccessSelectors } from '../../store/slices/apiAccess.ts';

export function ApiAccessPanel() {
  const access = useStudio(apiAccessSelectors.info);
  const error = useStudio(apiAccessSelectors.error);

  return (
    <Panel title="API access" testId="panel-api-access">
      {error ? (
        <p className="panel__error">Could not load API access: {error}</p>
      ) : access === undefined ? (
        <p className="panel__muted">Loading…</p>
      ) : access === null ? (
        <p className="panel__muted" data-testid="api-access-none">
          No HTTP server runs in this app. For automation and remote control, run <code>studio serve</code>.
        </p>
      ) : (
        <dl className="facts">
          <dt>URL</dt>
          <dd>
            <a href={access.url} target="_blank" rel="noreferrer" className="mono" data-testid="api-access-url">
              {access.url}
            </a>
          </dd>
          <dt>Bound to</dt>
          <dd className="mono">
            {access.host}:{access.port}
          </dd>
          <dt>Token</dt>
          <dd>
            Required on every request, loopback included
            {access.tokenAvailable ? <TokenReveal /> : null}
          </dd>
          <dt>Automation</dt>
          <dd className="facts__note">
            <code>POST /api/v1/commands/&lt;command&gt;</code> with JSON arguments, or commands and events over <code>/api/v1/ws</code>.
          </dd>
        </dl>
      )}
    </Panel>
  );
}

/** The token stays hidden until asked for, and is held only by this component while shown. */
function TokenReveal() {
  const fetchApiToken = useStudio((s) => s.fetchApiToken);
  const [token, setToken] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function show() {
    setBusy(true);
    setError(null);
    try {
      const value = await fetchApiToken();
      if (value === null) setError('The engine did not share the token with this client.');
      setToken(value);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="token">
      {token === null ? (
        <>
          <span className="token__hidden" aria-hidden="true">
            ••••••••••••
          </span>
          <button type="button" className="button button--small" disabled={busy} onClick={() => void show()}>
            Show
          </button>
        </>
      ) : (
        <>
          <SecretText value={token} label="API token" testId="api-access-token" />
          <CopyButton value={token} />
          <button type="button" className="button button--small button--ghost" onClick={() => setToken(null)}>
            Hide
          </button>
        </>
      )}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
