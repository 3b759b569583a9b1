// Types only: the shared module's values would pull zod into the renderer bundle.
import type { AlertState, AlertStyle, AsRunRow, CueSettings, CueState } from '../../../../shared/cues.ts';
import type { StudioClient } from '../../api/client.ts';
import { StudioApiError, describeError } from '../../api/errors.ts';
import type { SliceCreator, StudioState } from '../types.ts';
import type { FieldError } from './streamKeys.ts';

/** Rows the as-run view loads (newest first). */
export const AS_RUN_LIMIT = 200;

/** What the deck last asked the engine, and the engine's verdict when it refused. */
export interface DeckRefusal {
  /** What was asked, in the operator's words ("60 s break"). */
  action: string;
  message: string;
  code: string;
  /** Local time (ms) of the refusal, so the same message twice still reads as new. */
  at: number;
}

export interface CuesSliceState {
  /** The engine's `cues.state`: every figure the deck shows comes from here. */
  cueState: CueState | null;
  cueSettings: CueSettings | null;
  cuesError: string | null;
  /** A request the engine refused (409 while armed, stopped …): shown at the deck. */
  deckRefusal: DeckRefusal | null;
  /** A request on its way: the deck shows it and does not send another of the same kind. */
  deckPending: string | null;
  asRun: AsRunRow[];
  asRunLoaded: boolean;
  asRunError: string | null;
  cueSettingsError: FieldError | null;
  alertState: AlertState | null;
  alertError: FieldError | null;
}

export interface CuesSliceActions {
  loadCues(): Promise<void>;
  receiveCueState(state: CueState): void;
  receiveCueSettings(settings: CueSettings): void;
  receiveAlertState(state: AlertState): void;
  /** The deck's requests; a refusal lands in deckRefusal. Resolve true when the engine took them. */
  startBreak(durationSeconds: number, label: string): Promise<boolean>;
  returnNow(): Promise<boolean>;
  cancelBreak(): Promise<boolean>;
  dismissRefusal(): void;
  loadAsRun(): Promise<void>;
  /** The as-run rows for an export, newest first; throws a StudioApiError. */
  exportAsRun(limit: number): Promise<AsRunRow[]>;
  /** Resolves true when saved; otherwise the error (with its field) is in cueSettingsError. */
  saveCueSettings(patch: Partial<CueSettings>): Promise<boolean>;
  clearCueSettingsError(): void;
  startAlert(args: { text: string; style: AlertStyle; durationSeconds?: number }): Promise<boolean>;
  stopAlert(): Promise<boolean>;
  clearAlertError(): void;
}

export type CuesSlice = CuesSliceState & CuesSliceActions;

export const cuesInitialState: CuesSliceState = {
  cueState: null,
  cueSettings: null,
  cuesError: null,
  deckRefusal: null,
  deckPending: null,
  asRun: [],
  asRunLoaded: false,
  asRunError: null,
  cueSettingsError: null,
  alertState: null,
  alertError: null,
};

/** A change the as-run log shows: a break armed, aired, returned or ended (not a countdown tick). */
function asRunChanged(before: CueState | null, after: CueState): boolean {
  if (!before) return true;
  const a = before.current;
  const b = after.current;
  return (
    before.phase !== after.phase ||
    a?.eventId !== b?.eventId ||
    a?.returningEarly !== b?.returningEarly ||
    before.last?.eventId !== after.last?.eventId ||
    before.last?.outcome !== after.last?.outcome
  );
}

const fieldError = (error: unknown): FieldError => ({
  message: describeError(error),
  field: error instanceof StudioApiError ? (error.field ?? null) : null,
});

export function createCuesSlice(client: StudioClient): SliceCreator<CuesSlice> {
  return (set, get) => {
    /** Runs one deck request; the engine's refusal is kept to be shown at the deck. */
    async function request(label: string, run: () => Promise<unknown>): Promise<boolean> {
      set({ deckPending: label }, false, 'cues/request');
      try {
        await run();
        set({ deckPending: null, deckRefusal: null }, false, 'cues/accepted');
        return true;
      } catch (error) {
        const code = error instanceof StudioApiError ? error.code : 'INTERNAL';
        set({ deckPending: null, deckRefusal: { action: label, message: describeError(error), code, at: Date.now() } }, false, 'cues/refused');
        return false;
      }
    }

    return {
      ...cuesInitialState,
      async loadCues() {
        try {
          const [state, settings, alert] = await Promise.all([client.call('cues.status'), client.call('cues.getSettings'), client.call('alerts.status')]);
          set({ cueState: state, cueSettings: settings, alertState: alert, cuesError: null }, false, 'cues/loaded');
        } catch (error) {
          set({ cuesError: describeError(error) }, false, 'cues/loadFailed');
        }
        await get().loadAsRun();
      },
      receiveCueState(state) {
        const before = get().cueState;
        // A refusal speaks of the deck as it was ("break 12 is armed"): once the program starts or
        // stops, or the break moves on (armed → on air → ended), its reason no longer holds.
        const stale = before !== null && (before.programRunning !== state.programRunning || before.phase !== state.phase);
        set(stale ? { cueState: state, deckRefusal: null } : { cueState: state }, false, 'cues/state');
        if (asRunChanged(before, state)) void get().loadAsRun();
      },
      receiveCueSettings(settings) {
        set({ cueSettings: settings }, false, 'cues/settings');
      },
      receiveAlertState(state) {
        set({ alertState: state }, false, 'alerts/state');
      },
      startBreak(durationSeconds, label) {
        return request(label, () => client.call('cues.startBreak', { durationSeconds }));
      },
      returnNow() {
        return request('Return now', () => client.call('cues.returnNow'));
      },
      cancelBreak() {
        return request('Cancel', () => client.call('cues.cancel'));
      },
      dismissRefusal() {
        if (get().deckRefusal) set({ deckRefusal: null }, false, 'cues/dismissRefusal');
      },
      async loadAsRun() {
        try {
          const rows = await client.call('cues.asRun', { limit: AS_RUN_LIMIT });
          set({ asRun: rows, asRunLoaded: true, asRunError: null }, false, 'cues/asRun');
        } catch (error) {
          set({ asRunError: describeError(error) }, false, 'cues/asRunFailed');
        }
      },
      exportAsRun(limit) {
        return client.call('cues.asRun', { limit });
      },
      async saveCueSettings(patch) {
        set({ cueSettingsError: null }, false, 'cues/saveSettings');
        try {
          const settings = await client.call('cues.setSettings', patch);
          set({ cueSettings: settings }, false, 'cues/settingsSaved');
          return true;
        } catch (error) {
          set({ cueSettingsError: fieldError(error) }, false, 'cues/settingsFailed');
          return false;
        }
      },
      clearCueSettingsError() {
        if (get().cueSettingsError) set({ cueSettingsError: null }, false, 'cues/clearSettingsError');
      },
      async startAlert(args) {
        set({ alertError: null }, false, 'alerts/start');
        try {
          set({ alertState: await client.call('alerts.start', args) }, false, 'alerts/started');
          return true;
        } catch (error) {
          set({ alertError: fieldError(error) }, false, 'alerts/startFailed');
          return false;
        }
      },
      async stopAlert() {
        set({ alertError: null }, false, 'alerts/stop');
        try {
          set({ alertState: await client.call('alerts.stop') }, false, 'alerts/stopped');
          return true;
        } catch (error) {
          set({ alertError: fieldError(error) }, false, 'alerts/stopFailed');
          return false;
        }
      },
      clearAlertError() {
        if (get().alertError) set({ alertError: null }, false, 'alerts/clearError');
      },
    };
  };
}

export const cuesSelectors = {
  state: (s: StudioState) => s.cueState,
  phase: (s: StudioState) => s.cueState?.phase ?? 'idle',
  current: (s: StudioState) => s.cueState?.current ?? null,
  settings: (s: StudioState) => s.cueSettings,
  hotkeys: (s: StudioState) => s.cueSettings?.hotkeys ?? null,
  error: (s: StudioState) => s.cuesError,
  refusal: (s: StudioState) => s.deckRefusal,
  pending: (s: StudioState) => s.deckPending,
  asRun: (s: StudioState) => s.asRun,
  asRunLoaded: (s: StudioState) => s.asRunLoaded,
  asRunError: (s: StudioState) => s.asRunError,
  settingsError: (s: StudioState) => s.cueSettingsError,
  alert: (s: StudioState) => s.alertState,
  alertActive: (s: StudioState) => s.alertState?.active === true || s.cueState?.alertActive === true,
  alertError: (s: StudioState) => s.alertError,
};
