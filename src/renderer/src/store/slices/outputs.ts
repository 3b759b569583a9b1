import type { OutputInfo } from '../../../../shared/contract.ts';
import type { OutputSettingsInput, OutputState, OutputStatus } from '../../../../shared/outputs.ts';
import type { StudioClient } from '../../api/client.ts';
import { StudioApiError, describeError } from '../../api/errors.ts';
import type { SliceCreator, StudioState } from '../types.ts';
import type { FieldError } from './streamKeys.ts';

export interface OutputsSliceState {
  outputs: OutputInfo[];
  outputsLoaded: boolean;
  outputsError: string | null;
  /** Live states pushed by `outputs.status`, by output id ("3"; "program" is the built-in preview). */
  outputStatuses: Record<string, OutputStatus>;
  outputCreateError: FieldError | null;
}

export interface OutputsSliceActions {
  loadOutputs(): Promise<void>;
  receiveOutputs(outputs: OutputInfo[]): void;
  receiveOutputStatus(status: OutputStatus): void;
  /** Resolves true when created; otherwise the error (with its field) is in outputCreateError. */
  createOutput(settings: OutputSettingsInput): Promise<boolean>;
  clearOutputCreateError(): void;
  /** These throw a StudioApiError. */
  removeOutput(id: number): Promise<void>;
  startOutput(id: number): Promise<void>;
  stopOutput(id: number): Promise<void>;
  startAllOutputs(): Promise<void>;
  stopAllOutputs(): Promise<void>;
}

export type OutputsSlice = OutputsSliceState & OutputsSliceActions;

export const outputsInitialState: OutputsSliceState = {
  outputs: [],
  outputsLoaded: false,
  outputsError: null,
  outputStatuses: {},
  outputCreateError: null,
};

export function createOutputsSlice(client: StudioClient): SliceCreator<OutputsSlice> {
  return (set, get) => {
    const upsert = (output: OutputInfo) => {
      const list = get().outputs;
      get().receiveOutputs(list.some((o) => o.id === output.id) ? list.map((o) => (o.id === output.id ? output : o)) : [...list, output]);
    };
    // A command's answer holds each status as it was when the command ran; pushes come over the
    // socket, in order, but not in order with answers. A status pushed while the command was in
    // flight is newer than the answer's (a start answers "starting" and its "running" may arrive
    // first): the answer must not put the older one back, or the card stays "starting" until the next change.
    let pushes = 0;
    const lastPushFor = new Map<string, number>();
    const keepNewerPushes = (outputs: OutputInfo[], askedAfterPush: number): OutputInfo[] =>
      outputs.map((output) => {
        const id = String(output.id);
        const pushed = get().outputStatuses[id];
        return (lastPushFor.get(id) ?? 0) > askedAfterPush && pushed ? { ...output, status: pushed } : output;
      });
    return {
      ...outputsInitialState,
      async loadOutputs() {
        const asked = pushes;
        try {
          get().receiveOutputs(keepNewerPushes(await client.call('outputs.list'), asked));
        } catch (error) {
          set({ outputsError: describeError(error) }, false, 'outputs/loadFailed');
        }
      },
      receiveOutputs(outputs) {
        set(
          (s) => {
            const outputStatuses = { ...s.outputStatuses };
            for (const output of outputs) if (output.status) outputStatuses[String(output.id)] = output.status;
            return { outputs, outputStatuses, outputsLoaded: true, outputsError: null };
          },
          false,
          'outputs/list',
        );
      },
      receiveOutputStatus(status) {
        pushes += 1;
        lastPushFor.set(status.id, pushes);
        set((s) => ({ outputStatuses: { ...s.outputStatuses, [status.id]: status } }), false, 'outputs/status');
      },
      async createOutput(settings) {
        set({ outputCreateError: null }, false, 'outputs/create');
        try {
          upsert(await client.call('outputs.create', { settings }));
          return true;
        } catch (error) {
          const field = error instanceof StudioApiError ? (error.field ?? null) : null;
          set({ outputCreateError: { message: describeError(error), field } }, false, 'outputs/createFailed');
          return false;
        }
      },
      clearOutputCreateError() {
        if (get().outputCreateError) set({ outputCreateError: null }, false, 'outputs/clearError');
      },
      async removeOutput(id) {
        const { removed } = await client.call('outputs.remove', { id });
        if (removed) get().receiveOutputs(get().outputs.filter((output) => output.id !== id));
      },
      async startOutput(id) {
        const asked = pushes;
        upsert(keepNewerPushes([await client.call('outputs.start', { id })], asked)[0]!);
      },
      async stopOutput(id) {
        const asked = pushes;
        upsert(keepNewerPushes([await client.call('outputs.stop', { id })], asked)[0]!);
      },
      async startAllOutputs() {
        const asked = pushes;
        get().receiveOutputs(keepNewerPushes(await client.call('outputs.startAll'), asked));
      },
      async stopAllOutputs() {
        const asked = pushes;
        get().receiveOutputs(keepNewerPushes(await client.call('outputs.stopAll'), asked));
      },
    };
  };
}

/** An output sends (or tries to) in these states; in the others its bitrate is nothing. */
export const ACTIVE_OUTPUT_STATES: ReadonlySet<OutputState> = new Set(['starting', 'running', 'backoff']);

/** What a card calls an output's state: an output "running" with the program off air is only ready (nothing to send). */
export type ShownOutputState = OutputState | 'ready';

export function shownOutputState(state: OutputState, programRunning: boolean): ShownOutputState {
  return state === 'running' && !programRunning ? 'ready' : state;
}

/** What an output card shows: the engine's own counters, pushed twice a second while live. */
export interface OutputFigures {
  state: OutputState;
  bytesOut: number;
  /** The engine's rate over its last seconds of bytes sent; null when the output is not sending (stopped, idle, failed). */
  bitrateKbps: number | null;
  reconnects: number;
  droppedBytes: number;
  /** The last error met, once recovered from (while failing, the reason says it). */
  recoveredError: string | null;
}

/**
 * The figures of a status as they are, never made up: a stopped output's last status still carries
 * the rate of its last seconds, which it no longer sends, so it shows none.
 */
export function outputFigures(status: OutputStatus | null): OutputFigures | null {
  if (!status) return null;
  const active = ACTIVE_OUTPUT_STATES.has(status.state);
  return {
    state: status.state,
    bytesOut: status.bytesOut,
    bitrateKbps: active ? status.bitrateKbps : null,
    reconnects: status.reconnects,
    droppedBytes: status.droppedBytes,
    recoveredError: status.state === 'running' && status.lastError ? status.lastError : null,
  };
}

export const outputsSelectors = {
  ids: (s: StudioState) => s.outputs.map((output) => output.id),
  byId: (id: number) => (s: StudioState) => s.outputs.find((output) => output.id === id) ?? null,
  status: (id: number | string) => (s: StudioState) => s.outputStatuses[String(id)] ?? null,
  loaded: (s: StudioState) => s.outputsLoaded,
  error: (s: StudioState) => s.outputsError,
  createError: (s: StudioState) => s.outputCreateError,
};
