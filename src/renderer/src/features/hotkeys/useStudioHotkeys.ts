import { useEffect, useRef } from 'react';
import { useStudio, useStudioStore } from '../../store/context.tsx';
import { matchStudioKeyDown, type StudioHotkeyAction } from '../../hotkeys/studio-hotkeys.ts';

/**
 * Fires the studio's hotkeys (scenes, Transition, Studio Mode, mute, Go Live / Stop) from one keydown
 * listener on window, as the cue deck's do, and under the same rules: never while typing in a field,
 * never on a key repeat, and never a key a capture box or the deck already took. Stop only opens its
 * question: a key alone never ends the show.
 */
export function useStudioHotkeys(): void {
  const hotkeys = useStudio((s) => s.studioHotkeys);
  const store = useStudioStore();
  const latest = useRef(hotkeys);
  latest.current = hotkeys;
  useEffect(() => {
    const run = (action: StudioHotkeyAction) => {
      const state = store.getState();
      const running = state.programStatus?.running === true;
      if (action === 'goLive') {
        if (!running && state.programAction === null) void state.startProgram();
      } else if (action === 'stop') {
        state.askToStop();
      } else if (action === 'transition') {
        if (state.studioMode) void state.takePreview();
      } else if (action === 'studioMode') {
        state.setStudioMode(!state.studioMode);
      } else if (action.startsWith('scene:')) {
        const sceneId = Number(action.slice('scene:'.length));
        if (state.scenes.some((scene) => scene.id === sceneId)) state.chooseScene(sceneId);
      } else if (action.startsWith('mute:')) {
        const source = state.sources.find((s) => s.id === Number(action.slice('mute:'.length)));
        if (source) void state.setSourceAudio(source.id, { ...source.audio, muted: !source.audio.muted }).catch(() => {});
      }
    };
    const onKeyDown = (event: KeyboardEvent) => {
      const match = matchStudioKeyDown(latest.current, {
        code: event.code,
        ctrlKey: event.ctrlKey,
        altKey: event.altKey,
        shiftKey: event.shiftKey,
        metaKey: event.metaKey,
        repeat: event.repeat,
        defaultPrevented: event.defaultPrevented,
        isComposing: event.isComposing,
        target: event.target instanceof HTMLElement ? event.target : null,
      });
      if (!match) return;
      event.preventDefault();
      if (match.fires) run(match.action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);
}
