import { describe, expect, it } from 'vitest';
import { timelineKeyAction } from './timeline-keys.ts';

const press = (code: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe('the timeline keys', () => {
  it('removes, nudges by one or ten units, and clears', () => {
    expect(timelineKeyAction(press('Delete'), [])).toEqual({ kind: 'remove' });
    expect(timelineKeyAction(press('Backspace'), [])).toEqual({ kind: 'remove' });
    expect(timelineKeyAction(press('ArrowLeft'), [])).toEqual({ kind: 'nudge', units: -1 });
    expect(timelineKeyAction(press('ArrowRight', { shiftKey: true }), [])).toEqual({ kind: 'nudge', units: 10 });
    expect(timelineKeyAction(press('Escape'), [])).toEqual({ kind: 'clear' });
    expect(timelineKeyAction(press('KeyA'), [])).toBeNull();
    expect(timelineKeyAction(press('ArrowLeft', { ctrlKey: true }), [])).toBeNull();
  });

  it('leaves a key bound to a studio or deck hotkey to that hotkey', () => {
    expect(timelineKeyAction(press('Delete'), ['F1', 'Delete'])).toBeNull();
    expect(timelineKeyAction(press('ArrowRight', { shiftKey: true }), ['Shift+ArrowRight'])).toBeNull();
    expect(timelineKeyAction(press('ArrowRight'), ['Shift+ArrowRight'])).toEqual({ kind: 'nudge', units: 1 });
  });
});
