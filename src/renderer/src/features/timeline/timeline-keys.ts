// The timeline's own keys, taken only while it has the focus: Delete (or Backspace) removes the
// selection, ←/→ nudge it by the snap unit (Shift: ten units), Escape clears it. A key the creator
// bound to a studio or cue-deck hotkey stays theirs: the timeline lets it through untouched.
import { hotkeyFromPress, type KeyPress, normalizeHotkey } from '../../hotkeys/hotkey-text.ts';

export type TimelineKeyAction = { kind: 'remove' } | { kind: 'nudge'; units: number } | { kind: 'clear' };

export function timelineKeyAction(press: KeyPress, boundHotkeys: ReadonlyArray<string | null | undefined>): TimelineKeyAction | null {
  const pressed = hotkeyFromPress(press);
  if (pressed && boundHotkeys.some((key) => key && normalizeHotkey(key) === pressed)) return null;
  if (press.ctrlKey || press.altKey || press.metaKey) return null;
  switch (press.code) {
    case 'Delete':
    case 'Backspace':
      return press.shiftKey ? null : { kind: 'remove' };
    case 'ArrowLeft':
      return { kind: 'nudge', units: press.shiftKey ? -10 : -1 };
    case 'ArrowRight':
      return { kind: 'nudge', units: press.shiftKey ? 10 : 1 };
    case 'Escape':
      return { kind: 'clear' };
    default:
      return null;
  }
}
