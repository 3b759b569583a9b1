import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { StudioState, StudioStore } from './index.ts';

const StudioStoreContext = createContext<StudioStore | null>(null);

export function StudioStoreProvider({ store, children }: { store: StudioStore; children: ReactNode }) {
  return <StudioStoreContext.Provider value={store}>{children}</StudioStoreContext.Provider>;
}

/** The store itself, for handlers that act on the state at the moment they run (hotkeys), not at render. */
export function useStudioStore(): StudioStore {
  const store = useContext(StudioStoreContext);
  if (!store) throw new Error('useStudio must be used inside <StudioStoreProvider>');
  return store;
}

/** Reads one value from the store; re-renders when it changes (Object.is). */
export function useStudio<T>(selector: (state: StudioState) => T): T {
  return useStore(useStudioStore(), selector);
}

/** For selectors that derive a new array or object each time: compares it shallowly. */
export function useStudioShallow<T>(selector: (state: StudioState) => T): T {
  return useStore(useStudioStore(), useShallow(selector));
}
