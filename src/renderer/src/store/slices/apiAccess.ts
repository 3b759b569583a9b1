import type { ApiAccess } from '../../../../shared/contract.ts';
import type { StudioClient } from '../../api/client.ts';
import { describeError } from '../../api/errors.ts';
import type { SliceCreator, StudioState } from '../types.ts';

/** How clients reach the API, without the token itself (fetched only when the user asks). */
export interface ApiAccessInfo extends Omit<ApiAccess, 'token'> {
  /** Whether this client is trusted with the token. */
  tokenAvailable: boolean;
}

export interface ApiAccessSliceState {
  /** undefined until loaded; null when no HTTP server runs (the desktop app without one). */
  apiAccess: ApiAccessInfo | null | undefined;
  apiAccessError: string | null;
}

export interface ApiAccessSliceActions {
  loadApiAccess(): Promise<void>;
  /** Asks the engine for the token; throws a StudioApiError. The caller keeps it out of the store. */
  fetchApiToken(): Promise<string | null>;
}

export type ApiAccessSlice = ApiAccessSliceState & ApiAccessSliceActions;

export const apiAccessInitialState: ApiAccessSliceState = {
  apiAccess: undefined,
  apiAccessError: null,
};

export function createApiAccessSlice(client: StudioClient): SliceCreator<ApiAccessSlice> {
  return (set) => ({
    ...apiAccessInitialState,
    async loadApiAccess() {
      try {
        const access = await client.call('system.apiAccess');
        const info: ApiAccessInfo | null = access
          ? {
              host: access.host,
              port: access.port,
              url: access.url,
              tokenRequired: access.tokenRequired,
              tokenAvailable: access.token !== null,
            }
          : null;
        set({ apiAccess: info, apiAccessError: null }, false, 'apiAccess/loaded');
      } catch (error) {
        set({ apiAccessError: describeError(error) }, false, 'apiAccess/loadFailed');
      }
    },
    async fetchApiToken() {
      const access = await client.call('system.apiAccess');
      return access?.token ?? null;
    },
  });
}

export const apiAccessSelectors = {
  info: (s: StudioState) => s.apiAccess,
  loaded: (s: StudioState) => s.apiAccess !== undefined,
  error: (s: StudioState) => s.apiAccessError,
};
