import { loadStudioHotkeys, saveStudioHotkeys, withHotkey, type StudioHotkeyAction, type StudioHotkeys } from '../../hotkeys/studio-hotkeys.ts';
import type { SliceCreator, StudioState } from '../types.ts';

export interface HotkeysSlice {
  /** The studio's hotkeys in this browser (hotkeys/studio-hotkeys.ts); the cue deck's are in cueSettings. */
  studioHotkeys: StudioHotkeys;
  setStudioHotkey(action: StudioHotkeyAction, key: string | null): void;
}

export function createHotkeysSlice(): SliceCreator<HotkeysSlice> {
  return (set, get) => ({
    studioHotkeys: loadStudioHotkeys(),
    setStudioHotkey(action, key) {
      const studioHotkeys = withHotkey(get().studioHotkeys, action, key);
      set({ studioHotkeys }, false, 'hotkeys/set');
      saveStudioHotkeys(studioHotkeys);
    },
  });
}

export const hotkeysSelectors = {
  studio: (s: StudioState) => s.studioHotkeys,
};
