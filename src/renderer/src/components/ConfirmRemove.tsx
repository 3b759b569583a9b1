import { useState } from 'react';

/**
 * A remove button that asks once: the first click offers "Remove" / "Keep", the second acts.
 * The confirmation closes again if removing fails, so the row can show why.
 */
export function ConfirmRemove({
  label,
  onRemove,
  disabled = false,
  trigger = '✕',
}: {
  /** Accessible name of the first button, e.g. "Remove scene Main". */
  label: string;
  /** Resolves true when the item is gone, false when it failed (the caller shows why). */
  onRemove: () => Promise<boolean>;
  disabled?: boolean;
  trigger?: string;
}) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="button button--tiny button--ghost" aria-label={label} disabled={disabled} onClick={() => setConfirming(true)}>
        {trigger}
      </button>
    );
  }
  return (
    <>
      <button
        type="button"
        className="button button--tiny button--danger"
        disabled={disabled}
        onClick={() => void onRemove().then((removed) => removed || setConfirming(false))}
      >
        Remove
      </button>
      <button type="button" className="button button--tiny button--ghost" onClick={() => setConfirming(false)}>
        Keep
      </button>
    </>
  );
}
