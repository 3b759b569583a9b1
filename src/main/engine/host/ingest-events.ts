// How the ingest's streams reach clients: its own records mapped to the contract's events.
import type { IngestStreamEvent } from '../../../shared/contract.ts';
import type { IngestStreamInfo } from '../ingest/types.ts';

/** What clients see of a published stream: never the key, only its id and name. */
export function ingestStreamEvent(info: IngestStreamInfo): IngestStreamEvent {
  return {
    streamKeyId: info.streamKeyId,
    streamKeyName: info.streamKeyName,
    video: info.video ? { codec: info.video.codec, width: info.video.width, height: info.video.height, fps: info.video.fps } : null,
    audio: info.audio,
    bitrateKbps: info.bitrateKbps,
    bytesIn: info.bytesIn,
  };
}
