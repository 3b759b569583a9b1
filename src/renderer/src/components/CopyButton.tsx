import { useEffect, useRef, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies text to the clipboard. The clipboard needs a secure context (https, localhost or the
 * desktop app); elsewhere the copy fails and the user selects the text shown next to the button.
 */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function copy() {
    let next: CopyState = 'failed';
    try {
      if (navigator.clipboard) {
        await navigator.clipboard.writeText(value);
        next = 'copied';
      }
    } catch {
      next = 'failed';
    }
    setState(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2500);
  }

  return (
    <button
      type="button"
      className={`button button--small copy-button copy-button--${state}`}
      onClick={() => void copy()}
      title={state === 'failed' ? 'The clipboard is not available here: select the text and copy it' : undefined}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select & copy' : label}
    </button>
  );
}

/** A read-only, selectable secret in monospace; selects itself on focus so it is easy to copy by hand. */
export function SecretText({ value, label, testId }: { value: string; label: string; testId?: string }) {
  return (
    <input
      className="secret-text"
      readOnly
      value={value}
      aria-label={label}
      data-testid={testId}
      spellCheck={false}
      size={Math.min(Math.max(value.length, 8), 48)}
      onFocus={(event) => event.currentTarget.select()}
    />
  );
}
