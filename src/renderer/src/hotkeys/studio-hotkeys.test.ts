import { describe, expect, it } from 'vitest';
import { hotkeyConflicts, matchStudioKeyDown, studioHotkeyRows, withHotkey, type StudioHotkeys } from './studio-hotkeys.ts';

const press = (code: string, extra: Partial<{ ctrlKey: boolean; shiftKey: boolean; repeat: boolean; tagName: string; defaultPrevented: boolean }> = {}) => ({
  code,
  ctrlKey: extra.ctrlKey ?? false,
  altKey: false,
  shiftKey: extra.shiftKey ?? false,
  metaKey: false,
  repeat: extra.repeat ?? false,
  defaultPrevented: extra.defaultPrevented ?? false,
  target: { tagName: extra.tagName ?? 'BODY' },
});

describe('studio hotkeys', () => {
  const hotkeys: StudioHotkeys = { transition: 'Space', 'scene:4': 'Digit1', 'mute:7': 'Ctrl+KeyM', stop: 'Shift+F12' };

  it('finds the action of a key press, with its modifiers', () => {
    expect(matchStudioKeyDown(hotkeys, press('Digit1'))).toEqual({ action: 'scene:4', fires: true });
    expect(matchStudioKeyDown(hotkeys, press('KeyM', { ctrlKey: true }))).toEqual({ action: 'mute:7', fires: true });
    expect(matchStudioKeyDown(hotkeys, press('KeyM'))).toBeNull();
    expect(matchStudioKeyDown(hotkeys, press('F12', { shiftKey: true }))).toEqual({ action: 'stop', fires: true });
  });

  it('never fires while typing, on a repeat, or for a key a capture box took', () => {
    expect(matchStudioKeyDown(hotkeys, press('Digit1', { tagName: 'INPUT' }))).toBeNull();
    expect(matchStudioKeyDown(hotkeys, press('Digit1', { tagName: 'TEXTAREA' }))).toBeNull();
    expect(matchStudioKeyDown(hotkeys, press('Digit1', { defaultPrevented: true }))).toBeNull();
    expect(matchStudioKeyDown(hotkeys, press('Space', { repeat: true }))).toEqual({ action: 'transition', fires: false });
  });

  it('lists the fixed actions, then each scene, then each source with audio', () => {
    const rows = studioHotkeyRows([{ id: 4, name: 'Main' }], [{ id: 7, name: 'Camera' }]);
    expect(rows.map((row) => row.action)).toEqual(['goLive', 'stop', 'transition', 'studioMode', 'scene:4', 'mute:7']);
    expect(rows.at(-1)?.label).toBe('Mute / unmute: Camera');
  });

  it('sets and clears one key, and names every other use of it, the cue deck included', () => {
    const next = withHotkey(withHotkey(hotkeys, 'goLive', 'Digit1'), 'transition', null);
    expect(next).toEqual({ goLive: 'Digit1', 'scene:4': 'Digit1', 'mute:7': 'Ctrl+KeyM', stop: 'Shift+F12' });
    const label = (action: string) => `label of ${action}`;
    expect(
      hotkeyConflicts(
        'Digit1',
        'goLive',
        next,
        [
          { label: '30 s break', key: 'Digit1' },
          { label: 'Cancel', key: 'F10' },
        ],
        label,
      ),
    ).toEqual(['label of scene:4', '30 s break']);
    expect(hotkeyConflicts(null, 'goLive', next, [], label)).toEqual([]);
  });
});
