import { create } from 'zustand';

/**
 * The layer the scene editor, the Sources dock's layer list and the Edit Transform dialog all act
 * on: one selection, as in OBS (selecting on the canvas selects in the list and back). A layer is its
 * place in its scene's list (bottom first), so a reorder moves the selection with it.
 */
interface EditorSelection {
  sceneId: number | null;
  index: number | null;
  transformOpen: boolean;
  select(sceneId: number | null, index: number | null): void;
  openTransform(): void;
  closeTransform(): void;
}

export const useEditorSelection = create<EditorSelection>((set) => ({
  sceneId: null,
  index: null,
  transformOpen: false,
  select: (sceneId, index) => set({ sceneId, index }),
  openTransform: () => set((state) => (state.index === null ? state : { transformOpen: true })),
  closeTransform: () => set({ transformOpen: false }),
}));

/** The selected layer's index in `sceneId`, or null when the selection is in another scene or gone. */
export function useSelectedIndex(sceneId: number | null, layerCount: number): number | null {
  return useEditorSelection((state) => (state.sceneId === sceneId && state.index !== null && state.index < layerCount ? state.index : null));
}
