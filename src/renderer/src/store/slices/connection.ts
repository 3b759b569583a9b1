import type { ConnectionState, TransportKind } from '../../api/client.ts';
import type { SliceCreator, StudioState } from '../types.ts';

export interface ConnectionSliceState {
  connection: ConnectionState;
  transport: TransportKind;
}

export interface ConnectionSliceActions {
  setConnection(state: ConnectionState): void;
}

export type ConnectionSlice = ConnectionSliceState & ConnectionSliceActions;

export const connectionInitialState: ConnectionSliceState = {
  connection: 'connecting',
  transport: 'websocket',
};

export function createConnectionSlice(transport: TransportKind): SliceCreator<ConnectionSlice> {
  return (set) => ({
    ...connectionInitialState,
    transport,
    setConnection: (connection) => set({ connection }, false, 'connection/set'),
  });
}

export const connectionSelectors = {
  state: (s: StudioState) => s.connection,
  transport: (s: StudioState) => s.transport,
  isOpen: (s: StudioState) => s.connection === 'open',
};
