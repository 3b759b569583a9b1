// The studio's own hotkeys, as OBS has them: Go Live, Stop (which still asks while live), Transition,
// Studio Mode, a key per scene and a mute key per source with audio. None is bound until the
// creator binds it (OBS binds none either). They are kept in this browser, as OBS keeps them in
// its profile; the cue deck's keys live with the cue settings on the engine, and a key bound in
// both places is shown as a conflict.
import { hotkeyFromPress, isTypingTarget, type KeyDown, normalizeHotkey } from './hotkey-text.ts';

export type StudioHotkeyAction = 'goLive' | 'stop' | 'transition' | 'studioMode' | `scene:${number}` | `mute:${number}`;

/** Bound keys by action; an action with no key is absent. */
export type StudioHotkeys = Readonly<Partial<Record<StudioHotkeyAction, string>>>;

export interface StudioHotkeyRow {
  action: StudioHotkeyAction;
  label: string;
}

const FIXED: readonly StudioHotkeyRow[] = [
  { action: 'goLive', label: 'Go Live' },
  { action: 'stop', label: 'Stop (asks first)' },
  { action: 'transition', label: 'Transition (Studio Mode)' },
  { action: 'studioMode', label: 'Studio Mode on/off' },
];

const ACTION = /^(goLive|stop|transition|studioMode|scene:\d+|mute:\d+)$/;

/** Every action the settings list, for these scenes and these sources with audio, in OBS's order. */
export function studioHotkeyRows(
  scenes: ReadonlyArray<{ id: number; name: string }>,
  sourcesWithAudio: ReadonlyArray<{ id: number; name: string }>,
): StudioHotkeyRow[] {
  return [
    ...FIXED,
    ...scenes.map((scene) => ({ action: `scene:${scene.id}` as const, label: `Scene: ${scene.name}` })),
    ...sourcesWithAudio.map((source) => ({ action: `mute:${source.id}` as const, label: `Mute / unmute: ${source.name}` })),
  ];
}

/** The action bound to this pressed hotkey, if any. */
export function studioActionForHotkey(hotkeys: StudioHotkeys, pressed: string): StudioHotkeyAction | null {
  for (const [action, key] of Object.entries(hotkeys)) if (key && normalizeHotkey(key) === pressed) return action as StudioHotkeyAction;
  return null;
}

/**
 * What a window keydown means to the studio: null when it is not a studio hotkey (unbound, typed in
 * a field, or already taken, e.g. by a hotkey capture box or the cue deck); otherwise the action,
 * and whether this press fires it (not a key repeat, not while composing text).
 */
export function matchStudioKeyDown(hotkeys: StudioHotkeys, event: KeyDown): { action: StudioHotkeyAction; fires: boolean } | null {
  if (event.defaultPrevented || isTypingTarget(event.target)) return null;
  const pressed = hotkeyFromPress(event);
  const action = pressed ? studioActionForHotkey(hotkeys, pressed) : null;
  if (!action) return null;
  return { action, fires: !event.repeat && !event.isComposing };
}

/** The hotkeys with one action's key set or cleared. */
export function withHotkey(hotkeys: StudioHotkeys, action: StudioHotkeyAction, key: string | null): StudioHotkeys {
  const next: Partial<Record<StudioHotkeyAction, string>> = { ...hotkeys };
  if (key) next[action] = key;
  else delete next[action];
  return next;
}

/** The labels of everything else bound to `key`: other studio actions, and the cue deck's (by their label). */
export function hotkeyConflicts(
  key: string | null | undefined,
  action: StudioHotkeyAction,
  studio: StudioHotkeys,
  others: ReadonlyArray<{ label: string; key: string | null | undefined }>,
  labelOf: (action: StudioHotkeyAction) => string,
): string[] {
  const mine = key ? normalizeHotkey(key) : null;
  if (!mine) return [];
  const same = (other: string | null | undefined) => !!other && normalizeHotkey(other) === mine;
  return [
    ...Object.entries(studio)
      .filter(([other, otherKey]) => other !== action && same(otherKey))
      .map(([other]) => labelOf(other as StudioHotkeyAction)),
    ...others.filter((other) => same(other.key)).map((other) => other.label),
  ];
}

const STORAGE_KEY = 'studio.hotkeys';

/** This browser's studio hotkeys; what is not a known action with a valid key is dropped. */
export function loadStudioHotkeys(): StudioHotkeys {
  try {
    const raw: unknown = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? 'null');
    if (!raw || typeof raw !== 'object') return {};
    const hotkeys: Partial<Record<StudioHotkeyAction, string>> = {};
    for (const [action, key] of Object.entries(raw)) {
      const normal = typeof key === 'string' ? normalizeHotkey(key) : null;
      if (ACTION.test(action) && normal) hotkeys[action as StudioHotkeyAction] = normal;
    }
    return hotkeys;
  } catch {
    return {};
  }
}

export function saveStudioHotkeys(hotkeys: StudioHotkeys): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(hotkeys));
  } catch {
    // storage unavailable (privacy mode): kept for this session only
  }
}
