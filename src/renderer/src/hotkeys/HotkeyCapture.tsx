import { useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { hotkeyFromPress, hotkeyLabel } from './hotkey-text.ts';

/**
 * A box that takes the next key pressed in it as a hotkey (Escape cancels, Backspace or Delete
 * clears), as OBS's hotkey settings do. The key it takes is kept from every window hotkey listener:
 * they see defaultPrevented and leave it alone.
 */
export function HotkeyCapture({ value, onChange, testId }: { value: string | null; onChange: (value: string | null) => void; testId: string }) {
  const [capturing, setCapturing] = useState(false);

  function onKeyDown(event: ReactKeyboardEvent<HTMLButtonElement>) {
    if (!capturing) return;
    event.preventDefault();
    event.stopPropagation();
    if (event.repeat) return;
    if (event.code === 'Escape' && !event.ctrlKey && !event.altKey && !event.shiftKey && !event.metaKey) {
      setCapturing(false);
      return;
    }
    if ((event.code === 'Backspace' || event.code === 'Delete') && !event.ctrlKey && !event.altKey && !event.metaKey) {
      onChange(null);
      setCapturing(false);
      return;
    }
    const text = hotkeyFromPress(event);
    if (!text) return; // a modifier alone: wait for the key it goes with
    onChange(text);
    setCapturing(false);
  }

  return (
    <button
      type="button"
      className={`button button--small hotkey-capture ${capturing ? 'hotkey-capture--capturing' : ''}`}
      onClick={() => setCapturing((c) => !c)}
      onKeyDown={onKeyDown}
      onBlur={() => setCapturing(false)}
      aria-pressed={capturing}
      data-testid={testId}
    >
      {capturing ? 'Press a key…' : value ? <kbd>{hotkeyLabel(value)}</kbd> : 'None'}
    </button>
  );
}
