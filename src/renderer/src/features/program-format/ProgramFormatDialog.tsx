import { useState, type FormEvent } from 'react';
import { useSave } from '../../components/use-save.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Field, FormError, fieldErrorText } from '../../components/Field.tsx';
import { useStudio } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';
import { draftFromFormat, formatFromDraft, FRAME_RATE_NAMES, gopSeconds, SIZE_PRESETS, sizeHint, X264_PRESETS, type FormatDraft } from './format-draft.ts';

const FIELDS = new Set(['width', 'height', 'frameRate', 'videoBitrateKbps', 'gopFrames', 'x264Preset', 'audioBitrateKbps', 'videoEncoder']);

/** The program's one format: size, frame rate, bitrates, GOP, preset and encoder. The engine takes it only while the program is stopped. */
export function ProgramFormatDialog({ onClose }: { onClose: () => void }) {
  const format = useStudio(programSelectors.format);
  const status = useStudio(programSelectors.status);
  const running = useStudio(programSelectors.running);
  const setProgramFormat = useStudio((s) => s.setProgramFormat);
  const [draft, setDraft] = useState<FormatDraft | null>(() => (format ? draftFromFormat(format) : null));
  const { error, busy, saved, edited, save } = useSave();

  if (!draft) {
    return (
      <Dialog title="Program format" onClose={onClose} testId="format-editor">
        <p className="panel__muted">Loading the format…</p>
      </Dialog>
    );
  }
  const encoders = [...new Set([...(status?.videoEncoders ?? []), draft.videoEncoder])];
  const edit = (patch: Partial<FormatDraft>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    edited();
  };
  const errorFor = (field: string) => (error?.field === field ? fieldErrorText(error.message, field) : null);
  const otherError = error && !FIELDS.has(error.field ?? '') ? error.message : null;
  const gop = gopSeconds(draft.gopFrames, draft.frameRate);
  const sizePreset = SIZE_PRESETS.find((preset) => String(preset.width) === draft.width && String(preset.height) === draft.height);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    await save(async () => {
      setDraft(draftFromFormat(await setProgramFormat(formatFromDraft(draft))));
    });
  }

  return (
    <Dialog title="Program format" onClose={onClose} testId="format-editor" className="dialog--editor">
      <form className="editor-form" onSubmit={(event) => void submit(event)} noValidate data-testid="format-editor-form">
        {running ? (
          <p className="panel__hint panel__hint--warning" data-testid="format-running">
            The program is on air. The format is fixed while it runs: Stop, change it, then Go Live again.
          </p>
        ) : (
          <p className="panel__hint">One encode feeds every output, so this is what every destination receives. It applies at the next Go Live.</p>
        )}
        <fieldset className="editor-form__fields" disabled={running}>
          <div className="form-grid">
            <Field label="Size" error={null} className="form-grid__wide">
              {(props) => (
                <select
                  {...props}
                  className="input"
                  value={sizePreset ? `${sizePreset.width}x${sizePreset.height}` : 'custom'}
                  data-testid="format-size-preset"
                  onChange={(event) => {
                    const preset = SIZE_PRESETS.find((p) => `${p.width}x${p.height}` === event.target.value);
                    if (preset) edit({ width: String(preset.width), height: String(preset.height) });
                  }}
                >
                  {SIZE_PRESETS.map((preset) => (
                    <option key={preset.label} value={`${preset.width}x${preset.height}`}>
                      {preset.label}
                    </option>
                  ))}
                  <option value="custom">Custom…</option>
                </select>
              )}
            </Field>
            <Field label="Width (even, 2–3840 px)" error={errorFor('width') ?? sizeHint(draft.width, 'width')} errorTestId="format-width-error">
              {(props) => (
                <input
                  {...props}
                  className="input"
                  inputMode="numeric"
                  value={draft.width}
                  data-testid="format-width"
                  onChange={(event) => edit({ width: event.target.value })}
                />
              )}
            </Field>
            <Field label="Height (even, 2–2160 px)" error={errorFor('height') ?? sizeHint(draft.height, 'height')} errorTestId="format-height-error">
              {(props) => (
                <input
                  {...props}
                  className="input"
                  inputMode="numeric"
                  value={draft.height}
                  data-testid="format-height"
                  onChange={(event) => edit({ height: event.target.value })}
                />
              )}
            </Field>
            <Field label="Frame rate (fps)" error={errorFor('frameRate')}>
              {(props) => (
                <select
                  {...props}
                  className="input"
                  value={draft.frameRate}
                  data-testid="format-frame-rate"
                  onChange={(event) => edit({ frameRate: event.target.value as FormatDraft['frameRate'] })}
                >
                  {FRAME_RATE_NAMES.map((rate) => (
                    <option key={rate} value={rate}>
                      {rate}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Video bitrate (300–50000 kbit/s, CBR)" error={errorFor('videoBitrateKbps')}>
              {(props) => (
                <input
                  {...props}
                  className="input"
                  inputMode="numeric"
                  value={draft.videoBitrateKbps}
                  data-testid="format-video-bitrate"
                  onChange={(event) => edit({ videoBitrateKbps: event.target.value })}
                />
              )}
            </Field>
            <Field label="Keyframe interval, GOP (1–600 frames)" error={errorFor('gopFrames')}>
              {(props) => (
                <input
                  {...props}
                  className="input"
                  inputMode="numeric"
                  value={draft.gopFrames}
                  data-testid="format-gop"
                  onChange={(event) => edit({ gopFrames: event.target.value })}
                />
              )}
            </Field>
            <p className="field__hint" data-testid="format-gop-hint">
              {gop === null
                ? 'A whole number of frames.'
                : `An IDR every ${gop.toFixed(2)} s. Ad breaks splice on IDRs, so cues land on this grid; distributors often ask for 2 s.`}
            </p>
            <Field label="x264 preset (faster uses less CPU)" error={errorFor('x264Preset')}>
              {(props) => (
                <select
                  {...props}
                  className="input"
                  value={draft.x264Preset}
                  data-testid="format-preset"
                  onChange={(event) => edit({ x264Preset: event.target.value as FormatDraft['x264Preset'] })}
                >
                  {X264_PRESETS.map((preset) => (
                    <option key={preset} value={preset}>
                      {preset}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Video encoder (usable on this machine)" error={errorFor('videoEncoder')}>
              {(props) => (
                <select
                  {...props}
                  className="input"
                  value={draft.videoEncoder}
                  data-testid="format-encoder"
                  onChange={(event) => edit({ videoEncoder: event.target.value })}
                >
                  {encoders.map((encoder) => (
                    <option key={encoder} value={encoder}>
                      {encoder}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Audio bitrate (32–512 kbit/s, AAC)" error={errorFor('audioBitrateKbps')}>
              {(props) => (
                <input
                  {...props}
                  className="input"
                  inputMode="numeric"
                  value={draft.audioBitrateKbps}
                  data-testid="format-audio-bitrate"
                  onChange={(event) => edit({ audioBitrateKbps: event.target.value })}
                />
              )}
            </Field>
          </div>
        </fieldset>
        <div className="inline-row">
          <button type="submit" className="button button--small button--primary" disabled={busy || running} data-testid="format-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
          {saved ? (
            <span className="text-ok" role="status" data-testid="format-saved">
              Saved: used from the next Go Live
            </span>
          ) : null}
        </div>
        <FormError testId="format-error">{otherError}</FormError>
      </form>
    </Dialog>
  );
}

/** The top bar's button: the format in short (1280×720 · 30), opening the dialog. */
export function ProgramFormatButton() {
  const format = useStudio(programSelectors.format);
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button--small"
        data-testid="format-open"
        title="Program format: size, frame rate, bitrate, GOP, encoder"
        onClick={() => setOpen(true)}
      >
        {format ? `${format.width}×${format.height} · ${format.frameRate}` : 'Format'}
      </button>
      {open ? <ProgramFormatDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}
