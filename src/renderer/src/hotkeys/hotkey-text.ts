// Hotkeys as text: KeyboardEvent.code with its modifiers ("F1", "Ctrl+Digit3", "Alt+Shift+KeyR"),
// the form cues.ts's hotkeyText takes. Shared by the cue deck's hotkeys and the studio's (scenes,
// Transition, mute, Go Live / Stop). No DOM, no store: unit-tested under plain Node.

/** What of a KeyboardEvent a hotkey is made of. */
export interface KeyPress {
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

const MODIFIERS = ['Ctrl', 'Alt', 'Shift', 'Meta'] as const;
type Modifier = (typeof MODIFIERS)[number];

/** Codes of the modifier keys themselves: pressing one alone is not a hotkey (it starts one). */
const MODIFIER_CODES = new Set(['ControlLeft', 'ControlRight', 'AltLeft', 'AltRight', 'ShiftLeft', 'ShiftRight', 'MetaLeft', 'MetaRight', 'OSLeft', 'OSRight']);

/** hotkeyText's key part (cues.ts): letters and digits only. */
const KEY_CODE = /^[A-Za-z0-9]+$/;

/**
 * The hotkey text of a key press ("F1", "Ctrl+Digit3", "Shift+Alt+KeyR" → written "Alt+Shift+KeyR"),
 * or null when the press is not a hotkey: a modifier alone, or a key with no usable code.
 */
export function hotkeyFromPress(press: KeyPress): string | null {
  if (!press.code || MODIFIER_CODES.has(press.code) || !KEY_CODE.test(press.code)) return null;
  const held: Record<Modifier, boolean> = { Ctrl: press.ctrlKey, Alt: press.altKey, Shift: press.shiftKey, Meta: press.metaKey };
  return [...MODIFIERS.filter((modifier) => held[modifier]), press.code].join('+');
}

/**
 * A stored hotkey in its one written form (modifiers in the order Ctrl, Alt, Shift, Meta; each
 * once), or null when it is not one. Settings written by hand (HTTP API) may order them otherwise.
 */
export function normalizeHotkey(text: string): string | null {
  const parts = text.split('+');
  const code = parts.pop();
  if (!code || !KEY_CODE.test(code) || MODIFIER_CODES.has(code)) return null;
  const held = new Set<string>();
  for (const part of parts) {
    if (!(MODIFIERS as readonly string[]).includes(part)) return null;
    held.add(part);
  }
  return [...MODIFIERS.filter((modifier) => held.has(modifier)), code].join('+');
}

/** The key as the button shows it: "F1", "Ctrl+3", "Alt+Shift+R", "Num 1". */
export function hotkeyLabel(text: string | null | undefined): string {
  if (!text) return '';
  const parts = text.split('+');
  const code = parts.pop() ?? '';
  let key = code;
  if (/^Key[A-Z]$/.test(code)) key = code.slice(3);
  else if (/^Digit[0-9]$/.test(code)) key = code.slice(5);
  else if (/^Numpad[0-9]$/.test(code)) key = `Num ${code.slice(6)}`;
  else if (code.startsWith('Arrow')) key = code.slice(5);
  return [...parts, key].join('+');
}

/** The hotkey in aria-keyshortcuts' form (key values, "Control" not "Ctrl"): "Control+Shift+R". */
export function ariaKeyShortcut(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const parts = text.split('+');
  const code = parts.pop() ?? '';
  const key = /^Key[A-Z]$/.test(code) ? code.slice(3) : /^Digit[0-9]$/.test(code) ? code.slice(5) : code;
  return [...parts.map((modifier) => (modifier === 'Ctrl' ? 'Control' : modifier)), key].join('+');
}

/** The part of an event's target that says whether the operator is typing there. */
export interface KeyTarget {
  tagName?: string;
  isContentEditable?: boolean;
}

/** Typing goes to fields: a key pressed in one is text, never a hotkey. */
export function isTypingTarget(target: KeyTarget | null | undefined): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = (target.tagName ?? '').toUpperCase();
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** The keydown facts that decide whether a hotkey may fire. */
export interface KeyDown extends KeyPress {
  repeat: boolean;
  defaultPrevented: boolean;
  isComposing?: boolean;
  target: KeyTarget | null;
}
