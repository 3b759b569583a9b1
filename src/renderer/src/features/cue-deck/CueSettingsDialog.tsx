import { useState, type FormEvent } from 'react';
// Types only: the shared module's values would pull zod into the renderer bundle.
import type { CueAction, CueSettings, SignalStyle, UpidSetting } from '../../../../shared/cues.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Field, FormError, fieldErrorText } from '../../components/Field.tsx';
import { useStudio } from '../../store/context.tsx';
import { cuesSelectors } from '../../store/slices/cues.ts';
import { scenesSelectors } from '../../store/slices/scenes.ts';
import { ACTION_LABEL, actionsSharingHotkey, DECK_ACTIONS, SIGNAL_STYLE_LABEL } from './deck-logic.ts';
import { HotkeyCapture } from '../../hotkeys/HotkeyCapture.tsx';

const SIGNAL_STYLES: SignalStyle[] = ['splice_insert', 'time_signal_placement_opportunity', 'time_signal_advertisement'];

interface Draft {
  signalStyle: SignalStyle;
  prerollSeconds: string;
  returnPrerollSeconds: string;
  breakSceneId: number | null;
  slateText: string;
  heartbeatOn: boolean;
  heartbeatSeconds: string;
  upidType: UpidSetting['type'];
  upidAdi: string;
  upidFormatIdentifier: string;
  upidPrivateData: string;
  customDurationSeconds: string;
  hotkeys: CueSettings['hotkeys'];
}

function draftOf(settings: CueSettings): Draft {
  const upid = settings.upid;
  return {
    signalStyle: settings.signalStyle,
    prerollSeconds: String(settings.prerollSeconds),
    returnPrerollSeconds: String(settings.returnPrerollSeconds),
    breakSceneId: settings.breakSceneId,
    slateText: settings.slateText,
    heartbeatOn: settings.heartbeatSeconds !== null,
    heartbeatSeconds: String(settings.heartbeatSeconds ?? 10),
    upidType: upid.type,
    upidAdi: upid.type === 'adi' ? upid.value : '',
    upidFormatIdentifier: upid.type === 'mpu' ? upid.formatIdentifier : '',
    upidPrivateData: upid.type === 'mpu' ? upid.privateData : '',
    customDurationSeconds: String(settings.customDurationSeconds),
    hotkeys: { ...settings.hotkeys },
  };
}

/** Numbers go to the engine as typed (a non-number as null), so its refusal names the field. */
const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));

function settingsOf(d: Draft): CueSettings {
  const upid: UpidSetting =
    d.upidType === 'adi'
      ? { type: 'adi', value: d.upidAdi }
      : d.upidType === 'mpu'
        ? { type: 'mpu', formatIdentifier: d.upidFormatIdentifier, privateData: d.upidPrivateData }
        : { type: 'none' };
  return {
    signalStyle: d.signalStyle,
    prerollSeconds: num(d.prerollSeconds),
    returnPrerollSeconds: num(d.returnPrerollSeconds),
    breakSceneId: d.breakSceneId,
    slateText: d.slateText,
    heartbeatSeconds: d.heartbeatOn ? num(d.heartbeatSeconds) : null,
    upid,
    hotkeys: d.hotkeys,
    customDurationSeconds: num(d.customDurationSeconds),
  };
}

/** Cue settings: how breaks are signalled and shown, and the deck's hotkeys (press to set). */
export function CueSettingsDialog({ onClose }: { onClose: () => void }) {
  const settings = useStudio(cuesSelectors.settings);
  const error = useStudio(cuesSelectors.settingsError);
  const save = useStudio((s) => s.saveCueSettings);
  const clearError = useStudio((s) => s.clearCueSettingsError);
  const scenes = useStudio(scenesSelectors.list);
  const [draft, setDraft] = useState<Draft | null>(() => (settings ? draftOf(settings) : null));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  // A blank period would go out as null, which the engine reads as "heartbeat off": caught here.
  const [heartbeatBlank, setHeartbeatBlank] = useState(false);

  if (!draft) {
    return (
      <Dialog title="Cue settings" onClose={onClose} testId="cue-settings">
        <p className="panel__muted">Loading the settings…</p>
      </Dialog>
    );
  }

  const edit = (patch: Partial<Draft>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    setSaved(false);
    setHeartbeatBlank(false);
    clearError();
  };
  const errorFor = (field: string) =>
    field === 'heartbeatSeconds' && heartbeatBlank
      ? 'must be a number of seconds'
      : error && error.field === field
        ? fieldErrorText(error.message, field)
        : null;
  const errorUnder = (prefix: string) =>
    error?.field && (error.field === prefix || error.field.startsWith(`${prefix}.`)) ? fieldErrorText(error.message, error.field) : null;
  const shownFields = ['signalStyle', 'prerollSeconds', 'returnPrerollSeconds', 'breakSceneId', 'slateText', 'heartbeatSeconds', 'customDurationSeconds'];
  const otherError = error && !shownFields.includes(error.field ?? '') && !/^(upid|hotkeys)(\.|$)/.test(error.field ?? '') ? error.message : null;
  const timeSignal = draft.signalStyle !== 'splice_insert';

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    if (draft.heartbeatOn && !Number.isFinite(num(draft.heartbeatSeconds))) {
      setHeartbeatBlank(true);
      return;
    }
    setBusy(true);
    try {
      setSaved(await save(settingsOf(draft)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="Cue settings" onClose={onClose} testId="cue-settings" className="dialog--wide">
      <form className="cue-settings" onSubmit={(event) => void submit(event)} noValidate data-testid="cue-settings-form">
        <div className="cue-settings__columns">
          <fieldset className="cue-settings__group">
            <legend>Signal</legend>
            <Field label="Signal style" error={errorFor('signalStyle')} className="form-grid__wide">
              {(props) => (
                <select
                  {...props}
                  className="input"
                  value={draft.signalStyle}
                  onChange={(e) => edit({ signalStyle: e.target.value as SignalStyle })}
                  data-testid="cue-settings-signal-style"
                >
                  {SIGNAL_STYLES.map((style) => (
                    <option key={style} value={style}>
                      {SIGNAL_STYLE_LABEL[style]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div className="form-grid">
              <Field label="Preroll (s, 0 = next IDR)" error={errorFor('prerollSeconds')} errorTestId="cue-settings-error-prerollSeconds">
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    type="number"
                    min={0}
                    max={30}
                    step="any"
                    value={draft.prerollSeconds}
                    onChange={(e) => edit({ prerollSeconds: e.target.value })}
                    data-testid="cue-settings-preroll"
                  />
                )}
              </Field>
              <Field label="Return-now preroll (s)" error={errorFor('returnPrerollSeconds')}>
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    type="number"
                    min={0}
                    max={10}
                    step="any"
                    value={draft.returnPrerollSeconds}
                    onChange={(e) => edit({ returnPrerollSeconds: e.target.value })}
                    data-testid="cue-settings-return-preroll"
                  />
                )}
              </Field>
            </div>
            <div className="form-grid">
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.heartbeatOn}
                  onChange={(e) => edit({ heartbeatOn: e.target.checked })}
                  data-testid="cue-settings-heartbeat-on"
                />
                splice_null heartbeat
              </label>
              <Field label="Every (s)" error={errorFor('heartbeatSeconds')}>
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    type="number"
                    min={1}
                    max={300}
                    step={1}
                    disabled={!draft.heartbeatOn}
                    value={draft.heartbeatSeconds}
                    onChange={(e) => edit({ heartbeatSeconds: e.target.value })}
                    data-testid="cue-settings-heartbeat"
                  />
                )}
              </Field>
            </div>
            <Field label={`Segmentation UPID${timeSignal ? '' : ' (time_signal styles only)'}`} error={errorUnder('upid')}>
              {(props) => (
                <select
                  {...props}
                  className="input"
                  value={draft.upidType}
                  onChange={(e) => edit({ upidType: e.target.value as UpidSetting['type'] })}
                  data-testid="cue-settings-upid-type"
                >
                  <option value="none">None</option>
                  <option value="adi">ADI (0x09)</option>
                  <option value="mpu">MPU (0x0C)</option>
                </select>
              )}
            </Field>
            {draft.upidType === 'adi' ? (
              <Field label="ADI string" error={null}>
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    value={draft.upidAdi}
                    placeholder="e.g. PREFIX:provider.com/ASSET1234"
                    onChange={(e) => edit({ upidAdi: e.target.value })}
                    data-testid="cue-settings-upid-adi"
                  />
                )}
              </Field>
            ) : null}
            {draft.upidType === 'mpu' ? (
              <div className="form-grid">
                <Field label="Format identifier (4 chars)" error={null}>
                  {(props) => (
                    <input
                      {...props}
                      className="input"
                      maxLength={4}
                      value={draft.upidFormatIdentifier}
                      onChange={(e) => edit({ upidFormatIdentifier: e.target.value })}
                    />
                  )}
                </Field>
                <Field label="Private data (hex)" error={null}>
                  {(props) => (
                    <input {...props} className="input mono" value={draft.upidPrivateData} onChange={(e) => edit({ upidPrivateData: e.target.value })} />
                  )}
                </Field>
              </div>
            ) : null}
          </fieldset>

          <fieldset className="cue-settings__group">
            <legend>Break content</legend>
            <Field label="On air during a break" error={errorFor('breakSceneId')}>
              {(props) => (
                <select
                  {...props}
                  className="input"
                  value={draft.breakSceneId === null ? '' : String(draft.breakSceneId)}
                  onChange={(e) => edit({ breakSceneId: e.target.value === '' ? null : Number(e.target.value) })}
                  data-testid="cue-settings-break-scene"
                >
                  <option value="">Generated slate</option>
                  {scenes.map((scene) => (
                    <option key={scene.id} value={scene.id}>
                      Scene: {scene.name}
                    </option>
                  ))}
                  {draft.breakSceneId !== null && !scenes.some((scene) => scene.id === draft.breakSceneId) ? (
                    <option value={draft.breakSceneId}>Scene #{draft.breakSceneId} (removed)</option>
                  ) : null}
                </select>
              )}
            </Field>
            <Field label={`Slate text${draft.breakSceneId === null ? '' : ' (generated slate only)'}`} error={errorFor('slateText')}>
              {(props) => (
                <input
                  {...props}
                  className="input"
                  maxLength={200}
                  value={draft.slateText}
                  onChange={(e) => edit({ slateText: e.target.value })}
                  data-testid="cue-settings-slate-text"
                />
              )}
            </Field>
            <Field label="Custom break (s)" error={errorFor('customDurationSeconds')}>
              {(props) => (
                <input
                  {...props}
                  className="input"
                  type="number"
                  min={1}
                  max={3600}
                  step={1}
                  value={draft.customDurationSeconds}
                  onChange={(e) => edit({ customDurationSeconds: e.target.value })}
                  data-testid="cue-settings-custom"
                />
              )}
            </Field>

            <h3 className="dock-section__title cue-settings__subtitle">Hotkeys</h3>
            <p className="panel__muted">
              Click a key box, then press the key (with Ctrl, Alt, Shift or Meta if you like). Hotkeys never fire while you type in a field.
            </p>
            <table className="hotkeys" data-testid="cue-settings-hotkeys">
              <tbody>
                {DECK_ACTIONS.map((action) => (
                  <HotkeyRow
                    key={action}
                    action={action}
                    hotkeys={draft.hotkeys}
                    error={errorFor(`hotkeys.${action}`)}
                    onChange={(value) => edit({ hotkeys: { ...draft.hotkeys, [action]: value } })}
                  />
                ))}
              </tbody>
            </table>
          </fieldset>
        </div>
        <FormError testId="cue-settings-error">{otherError ?? errorUnder('hotkeys')}</FormError>
        <div className="inline-row cue-settings__footer">
          {saved ? (
            <span className="cue-settings__saved" data-testid="cue-settings-saved">
              Saved.
            </span>
          ) : null}
          <button type="button" className="button" onClick={() => settings && setDraft(draftOf(settings))} disabled={busy}>
            Revert
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="cue-settings-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** One action's hotkey, its Clear, and any other action sharing it. */
function HotkeyRow({
  action,
  hotkeys,
  error,
  onChange,
}: {
  action: CueAction;
  hotkeys: CueSettings['hotkeys'];
  error: string | null;
  onChange: (value: string | null) => void;
}) {
  const current = hotkeys[action] ?? null;
  const shared = actionsSharingHotkey(hotkeys, action);

  return (
    <tr data-testid="hotkey-row" data-action={action}>
      <th scope="row">{ACTION_LABEL[action]}</th>
      <td>
        <HotkeyCapture value={current} onChange={onChange} testId={`hotkey-capture-${action}`} />
      </td>
      <td>
        <button
          type="button"
          className="button button--tiny button--ghost"
          onClick={() => onChange(null)}
          disabled={!current}
          data-testid={`hotkey-clear-${action}`}
        >
          Clear
        </button>
      </td>
      <td className="hotkeys__note">
        {error ? (
          <span className="field__error" role="alert">
            {error}
          </span>
        ) : shared.length > 0 ? (
          <span className="hotkeys__conflict">also {shared.map((other) => ACTION_LABEL[other]).join(', ')}</span>
        ) : null}
      </td>
    </tr>
  );
}
