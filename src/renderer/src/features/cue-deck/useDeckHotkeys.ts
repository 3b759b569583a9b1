import { useEffect, useRef } from 'react';
import type { CueAction, CueSettings } from '../../../../shared/cues.ts';
import { matchKeyDown } from './deck-logic.ts';

/**
 * Fires the deck's actions from their hotkeys. One keydown listener on window serves the browser
 * and Electron alike. It runs after React's handlers (they sit on the root element), so a handler
 * that takes a key for itself (the settings' key capture) calls preventDefault and the deck
 * leaves it alone. A bound key's default is prevented, repeats included: F1 opens help and F5 reloads otherwise.
 */
export function useDeckHotkeys(hotkeys: CueSettings['hotkeys'] | null, fire: (action: CueAction) => void): void {
  const latest = useRef({ hotkeys, fire });
  latest.current = { hotkeys, fire };
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const { hotkeys: bound, fire: run } = latest.current;
      if (!bound) return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      const match = matchKeyDown(bound, {
        code: event.code,
        ctrlKey: event.ctrlKey,
        altKey: event.altKey,
        shiftKey: event.shiftKey,
        metaKey: event.metaKey,
        repeat: event.repeat,
        defaultPrevented: event.defaultPrevented,
        isComposing: event.isComposing,
        target,
      });
      if (!match) return;
      event.preventDefault();
      if (match.fires) run(match.action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
