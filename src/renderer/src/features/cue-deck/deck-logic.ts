// The deck's pure logic: hotkeys (KeyboardEvent.code with modifiers, the form cues.ts's hotkeyText
// takes), when a key press may fire, and how the engine's figures read on the deck. No DOM, no
// store: unit-tested under plain Node.
// Types only: the shared module's values would pull zod into the renderer bundle.
import type { AsRunOutcome, CueAction, CueSettings, SignalStyle } from '../../../../shared/cues.ts';
import { hotkeyFromPress, isTypingTarget, type KeyDown, normalizeHotkey } from '../../hotkeys/hotkey-text.ts';

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
// Hotkeys (the key text itself is the renderer's, in hotkeys/hotkey-text.ts)
// ---------------------------------------------------------------------------

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
