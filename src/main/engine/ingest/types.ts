// What the RTMP ingest tells the rest of the engine. A stream key travels only as its id and
// name: the key itself never leaves the store, never reaches an event or a log line.

export interface IngestVideoInfo {
  /** 'h264', 'hevc', ... from onMetaData or the sequence header. */
  codec: string | null;
  width: number;
  height: number;
  /** Frames per second: declared in onMetaData when present, else measured from timestamps. */
  fps: number;
  /** Measured from the video tags' timestamps over the last stats interval; null until known. */
  measuredFps: number | null;
}

export interface IngestAudioInfo {
  codec: string | null;
  sampleRate: number;
  channels: number;
}

export interface IngestStreamInfo {
  streamKeyId: number;
  streamKeyName: string;
  /** The app path part, e.g. 'live'. */
  app: string;
  /** The publisher's address, host only. */
  remoteAddress: string;
  startedAt: string;
  video: IngestVideoInfo | null;
  audio: IngestAudioInfo | null;
  /** Bytes per second received over the last stats window, as kbit/s (RTMP framing included). */
  bitrateKbps: number;
  bytesIn: number;
}

export interface IngestUnpublished {
  streamKeyId: number;
  streamKeyName: string;
  reason: string;
  durationMs: number;
}

export interface IngestRefused {
  /** Never the key: what was wrong with the attempt. */
  reason: 'unknown stream key' | 'unknown app' | 'already publishing';
  remoteAddress: string;
}

export interface IngestEvents {
  /** A publisher with a valid key is on, and its media is known (codec, size, rate, bitrate). */
  'ingest.published': IngestStreamInfo;
  /** Fresh figures for a published stream, every stats interval. */
  'ingest.stats': IngestStreamInfo;
  'ingest.unpublished': IngestUnpublished;
  'ingest.refused': IngestRefused;
}

export type IngestEventName = keyof IngestEvents;

/** A live in-process copy of one stream as FLV bytes: header, metadata, sequence headers, GOP, then live tags. */
export interface LiveFeed {
  /** Detaches from the stream; no more writes after this. */
  close(): void;
}

/** What a live source needs from the ingest; RtmpIngest implements it. */
export interface LiveInputProvider {
  isLive(streamKeyId: number): boolean;
  streamInfo(streamKeyId: number): IngestStreamInfo | undefined;
  /** Undefined when the stream is not published now. `write` gets every FLV chunk in order. */
  openFeed(streamKeyId: number, write: (chunk: Buffer) => void): LiveFeed | undefined;
  on<E extends IngestEventName>(event: E, listener: (payload: IngestEvents[E]) => void): () => void;
}
