import { useState } from 'react';
import { describeError, StudioApiError } from '../api/errors.ts';

/** An engine refusal as an edit dialog shows it: next to its field when it names one. */
export interface ShownError {
  message: string;
  field: string | null;
}

/**
 * The save lifecycle every edit dialog shares: busy while the engine works, the refusal (with its
 * field) kept until the next edit, and "saved" until then.
 */
export function useSave() {
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  /** An input changed: the last answer no longer speaks for what is typed. */
  const edited = () => {
    setError(null);
    setSaved(false);
  };
  const save = async (run: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await run();
      setSaved(true);
    } catch (err) {
      setError({ message: describeError(err), field: err instanceof StudioApiError ? (err.field ?? null) : null });
    } finally {
      setBusy(false);
    }
  };
  return { error, setError, busy, saved, edited, save };
}
