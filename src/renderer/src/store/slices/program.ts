import type { Scte35SentEvent } from '../../../../shared/contract.ts';
import type { ProgramFormatSettings, ProgramStatus } from '../../../../shared/program.ts';
import { DEFAULT_TRANSITION, loadTransitionPreferences, saveTransitionPreferences, transitionAt, type TransitionChoice } from '../transition-choice.ts';
import type { StudioClient } from '../../api/client.ts';
import { describeError } from '../../api/errors.ts';
import { sharedWatch } from '../telemetry.ts';
import type { SliceCreator, StudioState } from '../types.ts';

/** How long the tally stays lit after the last copy of a cue went out. */
export const TALLY_HOLD_MS = 4000;

/** The cue the confidence monitor's tally shows: the latest non-heartbeat section that went out. */
export interface TallyCue {
  eventId: number | null;
  /** true: out of network (a break starts); false: back to the network; null: not a splice_insert. */
  outOfNetwork: boolean | null;
  spliceCommandType: number;
  /** Seconds from when this copy went out to its splice point; null for an immediate cue. */
  secondsToSplice: number | null;
  copy: number;
  /** Local time (ms) the copy arrived; the tally goes dark TALLY_HOLD_MS after it. */
  receivedAt: number;
}

export type ProgramAction = 'starting' | 'stopping' | null;

export interface ProgramSliceState {
  programStatus: ProgramStatus | null;
  programFormat: ProgramFormatSettings | null;
  programAction: ProgramAction;
  programError: string | null;
  switchError: string | null;
  tally: TallyCue | null;
  /** OBS's Studio Mode: picking a scene puts it in Preview; only Transition takes it to Program. */
  studioMode: boolean;
  /** The transition a scene change uses (the Scene Transitions dock), in this browser. */
  transition: TransitionChoice;
  /** Stop's "are you sure" is open (from the button or its hotkey). */
  stopConfirmOpen: boolean;
}

export interface ProgramSliceActions {
  loadProgram(): Promise<void>;
  receiveProgramStatus(status: ProgramStatus): void;
  startProgram(): Promise<void>;
  stopProgram(): Promise<void>;
  /**
   * Takes the scene to Program from the next frame with `transition` (default: the dock's). Errors
   * land in switchError; resolves true when the engine took the switch.
   */
  switchScene(sceneId: number, transition?: TransitionChoice): Promise<boolean>;
  /**
   * A scene picked (its row or its hotkey): it is selected for editing; while live it also goes to
   * Program with the dock's transition, unless Studio Mode is on, where it only goes to Preview.
   */
  chooseScene(sceneId: number): void;
  /** Studio Mode's Transition: the Preview scene to Program, then the old Program scene into Preview (OBS's swap). */
  takePreview(transition?: TransitionChoice): Promise<void>;
  /**
   * The T-bar: the Preview scene over Program at `position` (0..1). 1 completes the transition (then
   * OBS's swap, as takePreview); 0 lets go. Resolves false when the engine refused (switchError says why).
   */
  moveTbar(position: number): Promise<boolean>;
  askToStop(): void;
  closeStopConfirm(): void;
  setStudioMode(on: boolean): void;
  setTransition(transition: TransitionChoice): void;
  /** Listens to `scte35.sent` while a monitor shows the tally; returns the unsubscribe. */
  watchCues(): () => void;
  receiveCue(event: Scte35SentEvent): void;
}

export type ProgramSlice = ProgramSliceState & ProgramSliceActions;

export const programInitialState: ProgramSliceState = {
  programStatus: null,
  programFormat: null,
  programAction: null,
  programError: null,
  switchError: null,
  tally: null,
  studioMode: false,
  transition: DEFAULT_TRANSITION,
  stopConfirmOpen: false,
};

const PTS_HZ = 90_000;
const PTS_WRAP = 2 ** 33;

function secondsBetween(fromPts: number, toPts: number): number {
  let diff = (toPts - fromPts) % PTS_WRAP;
  if (diff > PTS_WRAP / 2) diff -= PTS_WRAP;
  else if (diff < -PTS_WRAP / 2) diff += PTS_WRAP;
  return diff / PTS_HZ;
}

export function createProgramSlice(client: StudioClient): SliceCreator<ProgramSlice> {
  return (set, get) => {
    const watchCues = sharedWatch(() => client.subscribe('scte35.sent', (event) => get().receiveCue(event)));
    return {
      ...programInitialState,
      // This browser's choice, read when the store is made (not when the module loads).
      ...loadTransitionPreferences(),
      async loadProgram() {
        try {
          const [status, format] = await Promise.all([client.call('program.status'), client.call('program.getFormat')]);
          set({ programStatus: status, programFormat: format }, false, 'program/loaded');
        } catch (error) {
          set({ programError: describeError(error) }, false, 'program/loadFailed');
        }
      },
      receiveProgramStatus(status) {
        // A stop from anywhere closes the question: it must not pop up again at the next Go Live.
        set({ programStatus: status, programFormat: status.format, ...(status.running ? {} : { stopConfirmOpen: false }) }, false, 'program/status');
      },
      async startProgram() {
        set({ programAction: 'starting', programError: null }, false, 'program/start');
        try {
          const status = await client.call('program.start');
          set({ programStatus: status, programAction: null }, false, 'program/started');
        } catch (error) {
          set({ programAction: null, programError: describeError(error) }, false, 'program/startFailed');
        }
      },
      async stopProgram() {
        set({ programAction: 'stopping', programError: null }, false, 'program/stop');
        try {
          const status = await client.call('program.stop');
          set({ programStatus: status, programAction: null }, false, 'program/stopped');
        } catch (error) {
          set({ programAction: null, programError: describeError(error) }, false, 'program/stopFailed');
        }
      },
      async switchScene(sceneId, choice = get().transition) {
        set({ switchError: null }, false, 'program/switch');
        // The rate the engine runs at: the running program's, else the format the next start uses.
        const frameRate = get().programStatus?.format.frameRate ?? get().programFormat?.frameRate ?? '30';
        try {
          await client.call('program.switchScene', { sceneId, transition: transitionAt(choice, frameRate) });
          return true;
        } catch (error) {
          set({ switchError: describeError(error) }, false, 'program/switchFailed');
          return false;
        }
      },
      chooseScene(sceneId) {
        get().selectScene(sceneId);
        const running = get().programStatus?.running === true;
        if (running && get().programStatus?.onAirSceneId !== sceneId && !get().studioMode) void get().switchScene(sceneId);
      },
      async takePreview(choice) {
        const previewId = get().selectedSceneId;
        const programId = get().programStatus?.running ? get().programStatus!.onAirSceneId : null;
        if (previewId === null || previewId === programId) return;
        if ((await get().switchScene(previewId, choice)) && programId !== null) get().selectScene(programId);
      },
      async moveTbar(position) {
        const previewId = get().selectedSceneId;
        const programId = get().programStatus?.running ? get().programStatus!.onAirSceneId : null;
        if (previewId === null || previewId === programId) return false;
        try {
          await client.call('program.tbar', { sceneId: position > 0 ? previewId : null, position });
          if (get().switchError) set({ switchError: null }, false, 'program/tbar');
        } catch (error) {
          set({ switchError: describeError(error) }, false, 'program/tbarFailed');
          return false;
        }
        if (position >= 1 && programId !== null) get().selectScene(programId);
        return true;
      },
      askToStop() {
        if (get().programStatus?.running) set({ stopConfirmOpen: true }, false, 'program/askToStop');
      },
      closeStopConfirm() {
        set({ stopConfirmOpen: false }, false, 'program/closeStopConfirm');
      },
      setStudioMode(studioMode) {
        set({ studioMode }, false, 'program/studioMode');
        saveTransitionPreferences({ studioMode, transition: get().transition });
      },
      setTransition(transition) {
        set({ transition }, false, 'program/transition');
        saveTransitionPreferences({ studioMode: get().studioMode, transition });
      },
      watchCues,
      receiveCue(event) {
        if (event.heartbeat) return;
        const tally: TallyCue = {
          eventId: event.eventId,
          outOfNetwork: event.outOfNetwork,
          spliceCommandType: event.spliceCommandType,
          secondsToSplice: event.splicePts === null ? null : secondsBetween(event.clockPts, event.splicePts),
          copy: event.copy,
          receivedAt: Date.now(),
        };
        set({ tally }, false, 'program/cue');
      },
    };
  };
}

export const programSelectors = {
  status: (s: StudioState) => s.programStatus,
  running: (s: StudioState) => s.programStatus?.running === true,
  format: (s: StudioState) => s.programFormat,
  action: (s: StudioState) => s.programAction,
  error: (s: StudioState) => s.programError,
  switchError: (s: StudioState) => s.switchError,
  onAirSceneId: (s: StudioState) => (s.programStatus?.running ? s.programStatus.onAirSceneId : null),
  frame: (s: StudioState) => s.programStatus?.frame ?? -1,
  tally: (s: StudioState) => s.tally,
  studioMode: (s: StudioState) => s.studioMode,
  stopConfirmOpen: (s: StudioState) => s.stopConfirmOpen,
  transition: (s: StudioState) => s.transition,
};
