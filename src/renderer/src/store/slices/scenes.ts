import type { LayerSettings, SceneInfo } from '../../../../shared/program.ts';
import type { StudioClient } from '../../api/client.ts';
import { StudioApiError, describeError } from '../../api/errors.ts';
import type { SliceCreator, StudioState } from '../types.ts';
import type { FieldError } from './streamKeys.ts';

export interface ScenesSliceState {
  scenes: SceneInfo[];
  scenesLoaded: boolean;
  scenesError: string | null;
  /** The scene the Sources dock edits; follows the on-air scene when the program switches. */
  selectedSceneId: number | null;
  sceneCreateError: FieldError | null;
}

export interface ScenesSliceActions {
  loadScenes(): Promise<void>;
  receiveScenes(scenes: SceneInfo[]): void;
  selectScene(id: number | null): void;
  /** Resolves true when created. */
  createScene(name: string): Promise<boolean>;
  clearSceneCreateError(): void;
  /** Throws a StudioApiError. */
  removeScene(id: number): Promise<void>;
  /** Replaces the layers of a scene (bottom first); throws a StudioApiError. */
  setSceneLayers(id: number, layers: LayerSettings[]): Promise<void>;
}

export type ScenesSlice = ScenesSliceState & ScenesSliceActions;

export const scenesInitialState: ScenesSliceState = {
  scenes: [],
  scenesLoaded: false,
  scenesError: null,
  selectedSceneId: null,
  sceneCreateError: null,
};

function keepSelection(scenes: SceneInfo[], selected: number | null): number | null {
  if (selected !== null && scenes.some((scene) => scene.id === selected)) return selected;
  return scenes[0]?.id ?? null;
}

export function createScenesSlice(client: StudioClient): SliceCreator<ScenesSlice> {
  return (set, get) => {
    const upsert = (scene: SceneInfo) => {
      const scenes = get().scenes.some((s) => s.id === scene.id) ? get().scenes.map((s) => (s.id === scene.id ? scene : s)) : [...get().scenes, scene];
      get().receiveScenes(scenes);
    };
    return {
      ...scenesInitialState,
      async loadScenes() {
        try {
          get().receiveScenes(await client.call('scenes.list'));
        } catch (error) {
          set({ scenesError: describeError(error) }, false, 'scenes/loadFailed');
        }
      },
      receiveScenes(scenes) {
        set((s) => ({ scenes, scenesLoaded: true, scenesError: null, selectedSceneId: keepSelection(scenes, s.selectedSceneId) }), false, 'scenes/list');
      },
      selectScene(id) {
        set({ selectedSceneId: id }, false, 'scenes/select');
      },
      async createScene(name) {
        set({ sceneCreateError: null }, false, 'scenes/create');
        try {
          const scene = await client.call('scenes.create', { name, layers: [] });
          upsert(scene);
          set({ selectedSceneId: scene.id }, false, 'scenes/created');
          return true;
        } catch (error) {
          const field = error instanceof StudioApiError ? (error.field ?? null) : null;
          set({ sceneCreateError: { message: describeError(error), field } }, false, 'scenes/createFailed');
          return false;
        }
      },
      clearSceneCreateError() {
        if (get().sceneCreateError) set({ sceneCreateError: null }, false, 'scenes/clearError');
      },
      async removeScene(id) {
        const { removed } = await client.call('scenes.remove', { id });
        if (removed) get().receiveScenes(get().scenes.filter((scene) => scene.id !== id));
      },
      async setSceneLayers(id, layers) {
        upsert(await client.call('scenes.update', { id, layers }));
      },
    };
  };
}

export const scenesSelectors = {
  list: (s: StudioState) => s.scenes,
  loaded: (s: StudioState) => s.scenesLoaded,
  error: (s: StudioState) => s.scenesError,
  selectedId: (s: StudioState) => s.selectedSceneId,
  selected: (s: StudioState) => s.scenes.find((scene) => scene.id === s.selectedSceneId) ?? null,
  byId: (id: number | null) => (s: StudioState) => (id === null ? null : (s.scenes.find((scene) => scene.id === id) ?? null)),
  createError: (s: StudioState) => s.sceneCreateError,
};
