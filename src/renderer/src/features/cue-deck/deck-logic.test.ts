import { describe, expect, it } from 'vitest';
import type { CueSettings } from '../../../../shared/cues.ts';
import { actionForHotkey, actionsSharingHotkey, asRunFileName, formatClock, formatDurationSeconds, formatSecondsToSplice, matchKeyDown } from './deck-logic.ts';
import { ariaKeyShortcut, hotkeyFromPress, hotkeyLabel, isTypingTarget, normalizeHotkey, type KeyDown } from '../../hotkeys/hotkey-text.ts';

const HOTKEYS: CueSettings['hotkeys'] = {
  break30: 'F1',
  break60: 'Ctrl+Digit2',
  break90: 'Shift+Alt+KeyR',
  break120: null,
  breakCustom: 'F5',
  returnNow: 'F9',
  cancel: 'F10',
};

const press = (code: string, mods: Partial<Record<'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey', boolean>> = {}) => ({
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

const keyDown = (code: string, extra: Partial<KeyDown> = {}): KeyDown => ({
  ...press(code),
  repeat: false,
  defaultPrevented: false,
  isComposing: false,
  target: { tagName: 'BODY', isContentEditable: false },
  ...extra,
});

describe('hotkeys', () => {
  it('writes a key press as its code with the modifiers first, in the order Ctrl, Alt, Shift, Meta', () => {
    expect(hotkeyFromPress(press('F1'))).toBe('F1');
    expect(hotkeyFromPress(press('Digit3', { ctrlKey: true }))).toBe('Ctrl+Digit3');
    expect(hotkeyFromPress(press('KeyR', { shiftKey: true, altKey: true, metaKey: true, ctrlKey: true }))).toBe('Ctrl+Alt+Shift+Meta+KeyR');
  });

  it('takes no modifier alone and no key without a usable code as a hotkey', () => {
    expect(hotkeyFromPress(press('ShiftLeft', { shiftKey: true }))).toBeNull();
    expect(hotkeyFromPress(press('ControlRight', { ctrlKey: true }))).toBeNull();
    expect(hotkeyFromPress(press(''))).toBeNull();
    expect(hotkeyFromPress(press('Intl-Ro'))).toBeNull();
  });

  it('reads stored hotkeys in any modifier order, and refuses what is not one', () => {
    expect(normalizeHotkey('Shift+Ctrl+KeyA')).toBe('Ctrl+Shift+KeyA');
    expect(normalizeHotkey('F1')).toBe('F1');
    expect(normalizeHotkey('Hyper+KeyA')).toBeNull();
    expect(normalizeHotkey('Ctrl+')).toBeNull();
    expect(normalizeHotkey('Ctrl+ShiftLeft')).toBeNull();
  });

  it('finds the action bound to a key, modifiers included', () => {
    expect(actionForHotkey(HOTKEYS, 'F1')).toBe('break30');
    expect(actionForHotkey(HOTKEYS, 'Ctrl+Digit2')).toBe('break60');
    expect(actionForHotkey(HOTKEYS, 'Digit2')).toBeNull();
    expect(actionForHotkey(HOTKEYS, 'Alt+Shift+KeyR')).toBe('break90');
    expect(actionForHotkey(HOTKEYS, 'Shift+F1')).toBeNull();
  });

  it('fires on a plain press of a bound key', () => {
    expect(matchKeyDown(HOTKEYS, keyDown('F1'))).toEqual({ action: 'break30', fires: true });
    expect(matchKeyDown(HOTKEYS, keyDown('F2'))).toBeNull();
  });

  it('never fires while typing in an input, a textarea, a select or an editable element', () => {
    for (const target of [{ tagName: 'INPUT' }, { tagName: 'textarea' }, { tagName: 'SELECT' }, { tagName: 'DIV', isContentEditable: true }]) {
      expect(isTypingTarget(target)).toBe(true);
      expect(matchKeyDown(HOTKEYS, keyDown('F1', { target }))).toBeNull();
    }
    expect(isTypingTarget({ tagName: 'BUTTON' })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });

  it('does not fire on key repeat, but keeps the key (F5 must not reload while held)', () => {
    expect(matchKeyDown(HOTKEYS, keyDown('F5', { repeat: true }))).toEqual({ action: 'breakCustom', fires: false });
    expect(matchKeyDown(HOTKEYS, keyDown('F5', { isComposing: true }))).toEqual({ action: 'breakCustom', fires: false });
  });

  it('leaves a key another handler already took (the settings key capture)', () => {
    expect(matchKeyDown(HOTKEYS, keyDown('F1', { defaultPrevented: true }))).toBeNull();
  });

  it('names actions that share a key', () => {
    expect(actionsSharingHotkey({ ...HOTKEYS, cancel: 'F1' }, 'break30')).toEqual(['cancel']);
    expect(actionsSharingHotkey(HOTKEYS, 'break30')).toEqual([]);
    expect(actionsSharingHotkey(HOTKEYS, 'break120')).toEqual([]);
  });

  it('labels keys as a button shows them', () => {
    expect(hotkeyLabel('F1')).toBe('F1');
    expect(hotkeyLabel('Ctrl+Digit3')).toBe('Ctrl+3');
    expect(hotkeyLabel('Alt+Shift+KeyR')).toBe('Alt+Shift+R');
    expect(hotkeyLabel('Numpad7')).toBe('Num 7');
    expect(hotkeyLabel(null)).toBe('');
  });

  it('writes keys for aria-keyshortcuts as key values', () => {
    expect(ariaKeyShortcut('Ctrl+Alt+KeyR')).toBe('Control+Alt+R');
    expect(ariaKeyShortcut('Shift+Digit3')).toBe('Shift+3');
    expect(ariaKeyShortcut('F9')).toBe('F9');
    expect(ariaKeyShortcut(null)).toBeUndefined();
  });
});

describe('deck figures', () => {
  it('counts to the splice in tenths', () => {
    expect(formatSecondsToSplice(3.6)).toBe('3.6 s');
    expect(formatSecondsToSplice(4)).toBe('4.0 s');
    expect(formatSecondsToSplice(-0.03)).toBe('0.0 s');
  });

  it('shows the time left as a clock, rounded up to the whole second', () => {
    expect(formatClock(42)).toBe('0:42');
    expect(formatClock(41.2)).toBe('0:42');
    expect(formatClock(0.01)).toBe('0:01');
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(120)).toBe('2:00');
    expect(formatClock(3605)).toBe('1:00:05');
    expect(formatClock(-1)).toBe('0:00');
  });

  it('shows the real duration to the hundredth only when it is fractional', () => {
    expect(formatDurationSeconds(60)).toBe('60 s');
    expect(formatDurationSeconds(1800 / 29.97)).toBe('60.06 s');
    expect(formatDurationSeconds(30.5)).toBe('30.5 s');
  });

  it('names an export by local date and time', () => {
    expect(asRunFileName(new Date(2026, 0, 5, 14, 30, 2))).toBe('as-run-20260105-143002.csv');
  });
});
