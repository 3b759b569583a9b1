// Audio monitoring (OBS's Monitor Only / Monitor and Output): a source's audio before its fader
// and mute, for the operator's headphones. Each source listened to has one feed; while it has a
// listener, the airing program's mixer taps that source (AudioMixer.setPreFaderTap), and the tap
// is removed with the last listener, so an unmonitored source costs nothing. A listener's
// connection outlives program runs: the next run's samples follow its Go Live.
import type { Program } from '../program/program.ts';
import type { ProgramLifecycleEvents } from '../program/on-air-control.ts';
import { AudioMonitorFeed } from './audio-monitor-feed.ts';
import type { MonitorSink } from './monitor-feed.ts';
import { nowMs } from './program-monitor.ts';

export interface SourceAudioMonitorsOptions {
  /** The program airing now, if any. */
  airing: () => Pick<Program, 'tapPreFader'> | null;
  lifecycle: Pick<ProgramLifecycleEvents, 'onStarted' | 'onStopped'>;
}

interface Monitored {
  feed: AudioMonitorFeed;
  tapped: Pick<Program, 'tapPreFader'> | null;
  untap: (() => void) | null;
}

export class SourceAudioMonitors {
  readonly #options: SourceAudioMonitorsOptions;
  /** By the program's source id (the stored id as a string). */
  readonly #monitored = new Map<string, Monitored>();
  readonly #offStarted: () => void;
  readonly #offStopped: () => void;

  constructor(options: SourceAudioMonitorsOptions) {
    this.#options = options;
    this.#offStarted = options.lifecycle.onStarted(() => this.#retapAll());
    this.#offStopped = options.lifecycle.onStopped(() => this.#retapAll());
  }

  /** Sources listened to now. */
  get sourceIds(): string[] {
    return [...this.#monitored.keys()];
  }

  feedStats(sourceId: string): AudioMonitorFeed['stats'] | null {
    return this.#monitored.get(sourceId)?.feed.stats ?? null;
  }

  /** A listener of `sourceId`; null when too many listen already. The function returned detaches it. */
  attach(sourceId: string, sink: MonitorSink): (() => void) | null {
    let monitored = this.#monitored.get(sourceId);
    if (!monitored) {
      monitored = { feed: new AudioMonitorFeed(), tapped: null, untap: null };
      this.#monitored.set(sourceId, monitored);
    }
    const detach = monitored.feed.attach(sink);
    if (!detach) return null;
    this.#retap(sourceId, monitored);
    const entry = monitored;
    return () => {
      detach();
      if (entry.feed.watched) return;
      this.#retap(sourceId, entry);
      if (this.#monitored.get(sourceId) === entry) this.#monitored.delete(sourceId);
    };
  }

  #retapAll(): void {
    for (const [sourceId, monitored] of this.#monitored) this.#retap(sourceId, monitored);
  }

  /** Taps the airing program for this source while someone listens; untaps otherwise. */
  #retap(sourceId: string, monitored: Monitored): void {
    const program = monitored.feed.watched ? this.#options.airing() : null;
    if (program === monitored.tapped) return;
    monitored.untap?.();
    monitored.untap = null;
    monitored.tapped = program;
    if (!program) return;
    const feed = monitored.feed;
    monitored.untap = program.tapPreFader(sourceId, (samples, frames) => feed.write(samples, frames, nowMs()));
  }

  close(): void {
    this.#offStarted();
    this.#offStopped();
    for (const monitored of this.#monitored.values()) {
      monitored.untap?.();
      monitored.feed.close();
    }
    this.#monitored.clear();
  }
}
