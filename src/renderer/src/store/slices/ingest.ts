import type { IngestStreamEvent } from '../../../../shared/contract.ts';
import type { StudioClient } from '../../api/client.ts';
import { describeError } from '../../api/errors.ts';
import type { SliceCreator, StudioState } from '../types.ts';

export interface IngestSliceState {
  /** Publishers on the RTMP ingest now, by stream key id, from ingest.list and the ingest.* events. */
  ingestStreams: Record<number, IngestStreamEvent>;
  ingestLoaded: boolean;
  ingestError: string | null;
  /** The last publish the ingest refused since this window connected (wrong key, wrong app, a second publisher). */
  lastRefusedPublish: { reason: string; remoteAddress: string; at: number } | null;
}

export interface IngestSliceActions {
  loadIngest(): Promise<void>;
  receiveIngestList(streams: IngestStreamEvent[]): void;
  /** ingest.published and ingest.stats: the publisher and its latest figures. */
  receiveIngestStream(stream: IngestStreamEvent): void;
  receiveIngestUnpublished(streamKeyId: number): void;
  receiveIngestRefused(refused: { reason: string; remoteAddress: string }): void;
}

export type IngestSlice = IngestSliceState & IngestSliceActions;

export const ingestInitialState: IngestSliceState = { ingestStreams: {}, ingestLoaded: false, ingestError: null, lastRefusedPublish: null };

export function createIngestSlice(client: StudioClient): SliceCreator<IngestSlice> {
  return (set, get) => ({
    ...ingestInitialState,
    async loadIngest() {
      try {
        get().receiveIngestList(await client.call('ingest.list'));
      } catch (error) {
        // What was known before may be stale now (events missed while disconnected): no longer claimed.
        set({ ingestError: describeError(error), ingestLoaded: false, ingestStreams: {} }, false, 'ingest/loadFailed');
      }
    },
    receiveIngestList(streams) {
      set(
        { ingestStreams: Object.fromEntries(streams.map((stream) => [stream.streamKeyId, stream])), ingestLoaded: true, ingestError: null },
        false,
        'ingest/list',
      );
    },
    receiveIngestStream(stream) {
      set((s) => ({ ingestStreams: { ...s.ingestStreams, [stream.streamKeyId]: stream } }), false, 'ingest/stream');
    },
    receiveIngestUnpublished(streamKeyId) {
      set(
        (s) => {
          const { [streamKeyId]: _gone, ...rest } = s.ingestStreams;
          return { ingestStreams: rest };
        },
        false,
        'ingest/unpublished',
      );
    },
    receiveIngestRefused({ reason, remoteAddress }) {
      set({ lastRefusedPublish: { reason, remoteAddress, at: Date.now() } }, false, 'ingest/refused');
    },
  });
}

export const ingestSelectors = {
  byKeyId: (streamKeyId: number) => (s: StudioState) => s.ingestStreams[streamKeyId] ?? null,
  lastRefused: (s: StudioState) => s.lastRefusedPublish,
};
