// The deck's pure logic: hotkeys (KeyboardEvent.code with modifiers, the form cues.ts's hotkeyText
// takes), when a key press may fire, and how the engine's figures read on the deck. No DOM, no
// store: unit-tested under plain Node.
// Types only: the shared module's values would pull zod into the renderer bundle.
import type { AsRunOutcome, CueAction, CueSettings, SignalStyle } from '../../../../shared/cues.ts';

/** The deck's actions in the order the deck shows them (cueActions in cues.ts). */
export const DECK_ACTIONS: readonly CueAction[] = ['break30', 'break60', 'break90', 'break120', 'breakCustom', 'returnNow', 'cancel'];

/** The one-click lengths (BREAK_BUTTON_SECONDS in cues.ts), by action. */
export const BREAK_ACTION_SECONDS: Partial<Record<CueAction, number>> = { break30: 30, break60: 60, break90: 90, break120: 120 };

export const ACTION_LABEL: Record<CueAction, string> = {
  break30: '30 s break',
  break60: '60 s break',
  break90: '90 s break',
  break120: '120 s break',
  breakCustom: 'Custom break',
  returnNow: 'Return now',
  cancel: 'Cancel',
};

// ---------------------------------------------------------------------------
// Hotkeys
// ---------------------------------------------------------------------------

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

/** The action whose hotkey this is, if any. */
export function actionForHotkey(hotkeys: CueSettings['hotkeys'], pressed: string): CueAction | null {
  for (const action of DECK_ACTIONS) {
    const bound = hotkeys[action];
    if (bound && normalizeHotkey(bound) === pressed) return action;
  }
  return null;
}

/** Other actions already bound to this hotkey (a conflict the settings show). */
export function actionsSharingHotkey(hotkeys: CueSettings['hotkeys'], action: CueAction): CueAction[] {
  const mine = hotkeys[action] ? normalizeHotkey(hotkeys[action]!) : null;
  if (!mine) return [];
  return DECK_ACTIONS.filter((other) => other !== action && hotkeys[other] && normalizeHotkey(hotkeys[other]!) === mine);
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

/** Typing goes to fields: a key pressed in one is text, never a deck action. */
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

/** A keydown on a bound key: its action, and whether this press fires it. */
export interface HotkeyMatch {
  action: CueAction;
  /** False on key repeat (a held key must not fire twice) and while composing text. */
  fires: boolean;
}

/**
 * What a keydown means to the deck: null when it is not the deck's (not bound, typed in a field,
 * or already taken by a handler such as the settings' key capture), otherwise the bound action and
 * whether this press fires it. A repeat of a bound key is still the deck's (its default, a reload
 * for F5, stays prevented) but fires nothing.
 */
export function matchKeyDown(hotkeys: CueSettings['hotkeys'], event: KeyDown): HotkeyMatch | null {
  if (event.defaultPrevented || isTypingTarget(event.target)) return null;
  const pressed = hotkeyFromPress(event);
  const action = pressed ? actionForHotkey(hotkeys, pressed) : null;
  if (!action) return null;
  return { action, fires: !event.repeat && !event.isComposing };
}

// ---------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------

/** Seconds to the splice as the armed deck counts them: "3.6 s". */
export function formatSecondsToSplice(seconds: number): string {
  return `${Math.max(0, seconds).toFixed(1)} s`;
}

/**
 * A clock for time left: "0:42", "2:00", "1:00:05". Whole seconds rounded up, so "0:00" shows
 * only when nothing is left.
 */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds - 1e-9));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A duration in seconds, to the hundredth when the frame rate makes it fractional: "60 s", "60.06 s". */
export function formatDurationSeconds(seconds: number): string {
  const rounded = Math.round(seconds * 100) / 100;
  return `${Number.isInteger(rounded) ? rounded : rounded.toFixed(2).replace(/0$/, '')} s`;
}

export const OUTCOME_LABEL: Record<AsRunOutcome, string> = {
  pending: 'pending',
  aired: 'aired',
  cancelled: 'cancelled',
  returned_early: 'returned early',
  interrupted_by_stop: 'interrupted (stop)',
  interrupted_by_crash: 'interrupted (crash)',
  interrupted_by_alert: 'interrupted (alert)',
};

/** The colour an outcome is tagged with. */
export const OUTCOME_LEVEL: Record<AsRunOutcome, 'ok' | 'warning' | 'danger' | 'idle'> = {
  pending: 'idle',
  aired: 'ok',
  cancelled: 'idle',
  returned_early: 'warning',
  interrupted_by_stop: 'danger',
  interrupted_by_crash: 'danger',
  interrupted_by_alert: 'danger',
};

export const SIGNAL_STYLE_LABEL: Record<SignalStyle, string> = {
  splice_insert: 'splice_insert (auto return)',
  time_signal_placement_opportunity: 'time_signal · placement opportunity (0x34/0x35)',
  time_signal_advertisement: 'time_signal · advertisement (0x30/0x31)',
};

/** The file name an exported as-run log gets: as-run-20260105-143012.csv (local time). */
export function asRunFileName(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `as-run-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.csv`;
}
