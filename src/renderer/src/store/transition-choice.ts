// What the operator picked in the Scene Transitions dock, in OBS's terms (a kind and a duration
// in milliseconds), and how it becomes the engine's frame-exact transition at the program's rate.
import { frameRates, type FrameRateName, type TransitionSettings } from '../../../shared/program.ts';

export type TransitionKind = TransitionSettings['kind'];

export interface TransitionChoice {
  kind: TransitionKind;
  /** Ignored for a cut. */
  durationMs: number;
}

export const TRANSITION_KINDS: ReadonlyArray<{ kind: TransitionKind; label: string }> = [
  { kind: 'cut', label: 'Cut' },
  { kind: 'fade', label: 'Fade' },
  { kind: 'fadeToBlack', label: 'Fade to Black' },
];

/** OBS's defaults: a 300 ms fade. */
export const DEFAULT_TRANSITION: TransitionChoice = { kind: 'fade', durationMs: 300 };
export const MIN_DURATION_MS = 50;
export const MAX_DURATION_MS = 10_000;
/** The engine's bound on a transition's length (shared/program.ts transitionSchema). */
const MAX_FRAMES = 600;

/** OBS's quick transitions under the Transition button: one click takes Preview to Program with these. */
export const QUICK_TRANSITIONS: readonly TransitionChoice[] = [
  { kind: 'cut', durationMs: 0 },
  { kind: 'fade', durationMs: 300 },
  { kind: 'fadeToBlack', durationMs: 300 },
];

export function transitionLabel(choice: TransitionChoice): string {
  const label = TRANSITION_KINDS.find((k) => k.kind === choice.kind)?.label ?? choice.kind;
  return choice.kind === 'cut' ? label : `${label} (${choice.durationMs} ms)`;
}

/**
 * The engine transition for `choice` at `frameRate`: the duration rounded to whole frames, at least
 * one frame for a fade and two for a fade to black (out, then in), at most 600.
 */
export function transitionAt(choice: TransitionChoice, frameRate: FrameRateName): TransitionSettings {
  if (choice.kind === 'cut') return { kind: 'cut' };
  const { num, den } = frameRates[frameRate];
  const frames = Math.round((choice.durationMs * num) / (den * 1000));
  const min = choice.kind === 'fadeToBlack' ? 2 : 1;
  return { kind: choice.kind, frames: Math.min(MAX_FRAMES, Math.max(min, frames)) };
}

/** A duration typed in the dock: whole milliseconds within the bounds, or an error naming them. */
export function parseDurationMs(text: string): { value: number } | { error: string } {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value)) return { error: 'Duration must be a whole number of milliseconds.' };
  if (value < MIN_DURATION_MS || value > MAX_DURATION_MS) return { error: `Duration must be ${MIN_DURATION_MS}–${MAX_DURATION_MS} ms.` };
  return { value };
}

const STORAGE_KEY = 'studio.transitions';

export interface TransitionPreferences {
  studioMode: boolean;
  transition: TransitionChoice;
}

/** This browser's studio mode and transition (as OBS keeps them in its profile); defaults when unset or unreadable. */
export function loadTransitionPreferences(): TransitionPreferences {
  const defaults: TransitionPreferences = { studioMode: false, transition: DEFAULT_TRANSITION };
  try {
    const raw: unknown = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? 'null');
    if (!raw || typeof raw !== 'object') return defaults;
    const stored = raw as { studioMode?: unknown; transition?: { kind?: unknown; durationMs?: unknown } };
    const kind = TRANSITION_KINDS.find((k) => k.kind === stored.transition?.kind)?.kind;
    const duration = parseDurationMs(String(stored.transition?.durationMs ?? ''));
    return {
      studioMode: stored.studioMode === true,
      transition: kind && 'value' in duration ? { kind, durationMs: duration.value } : DEFAULT_TRANSITION,
    };
  } catch {
    return defaults;
  }
}

export function saveTransitionPreferences(preferences: TransitionPreferences): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(preferences));
  } catch {
    // storage unavailable (privacy mode): kept for this session only
  }
}
