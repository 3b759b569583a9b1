// What the page, the socket worker and the audio worklet of the audio monitor say to each other.

/** The AudioWorkletProcessor's registered name. */
export const MONITOR_PROCESSOR_NAME = 'studio-audio-monitor';

/** The player's counters, posted by the worklet about four times a second (the same object each time). */
export interface MonitorPlaybackReport {
  /** Packets received. */
  packets: number;
  /** Packets the engine did not send to this page (sequence gaps): it was behind. */
  missed: number;
  /** Packets' worth of samples dropped here because too much was queued. */
  dropped: number;
  /** Times the buffer ran dry. */
  underruns: number;
  /** The jitter buffer's lead now, ms. */
  leadMs: number;
  /** Sample frames buffered now. */
  buffered: number;
}

/** The socket worker's start message: where to connect, and the port to the worklet. */
export interface MonitorSocketStart {
  url: string;
  packets: MessagePort;
}

/** The socket worker's news. */
export interface MonitorSocketNews {
  open: boolean;
}
