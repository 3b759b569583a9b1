import { useState } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { Field, FormError } from '../../components/Field.tsx';
import { useStudio, useStudioStore } from '../../store/context.tsx';
import { nextHalfHour } from './snap.ts';

const two = (n: number) => String(n).padStart(2, '0');

/** A local time as <input type="datetime-local" step="1"> writes it. */
function localInputValue(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** A live block: a scene on air through playout from a start for a length ("live show 20:00–21:00"). */
export function LiveBlockDialog({ onClose }: { onClose: () => void }) {
  const scenes = useStudio((s) => s.scenes);
  const store = useStudioStore();
  const [sceneId, setSceneId] = useState<number | null>(scenes[0]?.id ?? null);
  const [start, setStart] = useState(() => localInputValue(nextHalfHour(Date.now())));
  const [minutes, setMinutes] = useState('60');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const startMs = new Date(start).getTime();
    const durationSeconds = Number(minutes) * 60;
    const scene = scenes.find((candidate) => candidate.id === sceneId);
    if (!scene) return setError('Pick a scene.');
    if (!Number.isFinite(startMs)) return setError('Give a start date and time.');
    if (!(durationSeconds > 0)) return setError('The length must be more than 0 minutes.');
    setBusy(true);
    setError(null);
    const added = await store.getState().addLiveAt({ sceneId: scene.id, title: scene.name, durationSeconds }, startMs);
    setBusy(false);
    if (added) onClose();
    // The slice keeps the engine's refusal (a CONFLICT naming the item it collides with).
    else setError(store.getState().scheduleRefusal?.message ?? 'The engine refused the live block.');
  };
  return (
    <Dialog title="Add a live block" onClose={onClose} testId="live-block-dialog">
      <form
        className="timeline-live-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Field label="Scene on air" error={null}>
          {(props) => (
            <select
              {...props}
              className="input"
              value={sceneId ?? ''}
              onChange={(event) => setSceneId(Number(event.target.value))}
              data-testid="live-block-scene"
            >
              {scenes.map((scene) => (
                <option key={scene.id} value={scene.id}>
                  {scene.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Starts (local time)" error={null}>
          {(props) => (
            <input
              {...props}
              className="input"
              type="datetime-local"
              step={1}
              value={start}
              onChange={(event) => setStart(event.target.value)}
              data-testid="live-block-start"
            />
          )}
        </Field>
        <Field label="Length (minutes)" error={null}>
          {(props) => (
            <input
              {...props}
              className="input"
              type="number"
              min={1}
              step={1}
              value={minutes}
              onChange={(event) => setMinutes(event.target.value)}
              data-testid="live-block-minutes"
            />
          )}
        </Field>
        <FormError testId="live-block-error">{error}</FormError>
        <div className="timeline-live-form__actions">
          <button type="submit" className="button button--primary" disabled={busy || scenes.length === 0} data-testid="live-block-add">
            Add live block
          </button>
        </div>
      </form>
    </Dialog>
  );
}
