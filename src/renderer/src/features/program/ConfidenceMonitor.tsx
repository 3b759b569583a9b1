import type Hls from 'hls.js';
import type Mpegts from 'mpegts.js';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStudio } from '../../store/context.tsx';
import { TALLY_HOLD_MS, programSelectors, type TallyCue } from '../../store/slices/program.ts';
import { MonitorClock, STALE_AFTER_MS } from './monitor-clock.ts';
import { monitorFeedLoader } from './monitor-feed-loader.ts';
import { describeMonitorCue, describeSpliceTime, type MonitorCue, type MpegtsScte35Payload, tallyFromScte35 } from './scte35-tally.ts';

/** The running program's TS, the same bytes the outputs get (same origin: CSP connect-src 'self', token by cookie). */
export const PROGRAM_TS_FEED = '/api/v1/monitor/program.ts';
/** The built-in preview HLS the host serves while the program runs (same origin: CSP connect-src 'self'). */
export const PREVIEW_PLAYLIST = '/preview/program/index.m3u8';
/** The playlist appears after the first 2 s segment; until then, and after a fatal error, try again. */
const RETRY_MS = 1500;
const CLOCK_CHECK_MS = 250;
/**
 * mpegts.js's PlayerEvents.SCTE35_METADATA_ARRIVED (src/player/player-events.ts, 1.8): its runtime
 * Events has it, its d.ts's Events interface does not list it.
 */
const SCTE35_METADATA_ARRIVED = 'scte35_metadata_arrived';

type PlayerState = 'waiting' | 'playing' | 'stale' | 'unsupported';
type MonitorSource = 'ts' | 'hls';

/**
 * The encoded program as it goes out, with the SCTE-35 tally over it. By default the TS feed in
 * mpegts.js (about a second behind), whose tally is what mpegts.js found on the TS's SCTE-35 PID; the
 * HLS preview in hls.js stays as the check of the HLS path, with the engine's word for what it sent.
 * A new player opens at each program start and is torn down at its stop, so an earlier run is never shown.
 */
export function ConfidenceMonitor() {
  const running = useStudio(programSelectors.running);
  const [source, setSource] = useState<MonitorSource>('ts');
  const [muted, setMuted] = useState(true);
  // The last cue the TS player received; a new player (the next run, or back from HLS) starts dark.
  const [tsCue, setTsCue] = useState<MonitorCue | null>(null);
  const showsTs = running && source === 'ts';
  useEffect(() => {
    if (!showsTs) setTsCue(null);
  }, [showsTs]);
  return (
    <div className="confidence">
      {running ? (
        source === 'ts' ? (
          <TsPlayer muted={muted} onCue={setTsCue} />
        ) : (
          <HlsPlayer muted={muted} />
        )
      ) : (
        <div className="monitor__idle" data-testid="program-stopped">
          <p className="monitor__idle-title">Program stopped</p>
          <p className="monitor__idle-detail">Go Live to compose, encode and send the program; its encoded picture plays here.</p>
        </div>
      )}
      {source === 'ts' ? <CueTally cue={tsCue} origin="ts" /> : <EngineCueTally />}
      <div className="confidence__controls">
        <fieldset className="confidence__source" aria-label="Confidence monitor source">
          <button
            type="button"
            data-testid="confidence-source-ts"
            aria-pressed={source === 'ts'}
            title="The program's TS feed in mpegts.js: about a second behind"
            onClick={() => setSource('ts')}
          >
            TS
          </button>
          <button
            type="button"
            data-testid="confidence-source-hls"
            aria-pressed={source === 'hls'}
            title="The preview HLS in hls.js: checks the HLS path, several seconds behind"
            onClick={() => setSource('hls')}
          >
            HLS
          </button>
        </fieldset>
        <button
          type="button"
          className="confidence__mute"
          data-testid="confidence-mute"
          aria-pressed={!muted}
          aria-label={muted ? 'Listen to the program audio' : 'Mute the program audio'}
          onClick={() => setMuted((m) => !m)}
        >
          {muted ? 'Unmute' : 'Mute'}
        </button>
      </div>
    </div>
  );
}

/**
 * The monitor's state from its clock (MonitorClock), not from media events: 'playing' only while
 * currentTime moves, 'stale' once it has stood still after it played. A picture stale for
 * REOPEN_AFTER_STALE_MS calls `reopen` (the player's feed opened afresh), so a stalled feed recovers by itself.
 */
function useClockState(
  videoRef: React.RefObject<HTMLVideoElement | null>,
  reopenRef: React.RefObject<(() => void) | null>,
): [PlayerState, (s: PlayerState) => void] {
  const [state, setState] = useState<PlayerState>('waiting');
  const unsupported = state === 'unsupported';
  useEffect(() => {
    if (unsupported) return;
    const clock = new MonitorClock();
    const timer = setInterval(() => {
      const video = videoRef.current;
      if (!video) return;
      const now = performance.now();
      setState(clock.sample(video.currentTime, now));
      if (clock.shouldReopen(now)) reopenRef.current?.();
    }, CLOCK_CHECK_MS);
    return () => clearInterval(timer);
  }, [videoRef, reopenRef, unsupported]);
  return [state, setState];
}

function TsPlayer({ muted, onCue }: { muted: boolean; onCue: (cue: MonitorCue) => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const reopenRef = useRef<(() => void) | null>(null);
  const [state, setState] = useClockState(videoRef, reopenRef);
  const onCueRef = useRef(onCue);
  onCueRef.current = onCue;

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let player: Mpegts.Player | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let disposed = false;
    let feedEnded = false;

    // mpegts.js loads only when a monitor opens, in its own chunk (as hls.js does).
    let mpegts: typeof Mpegts | null = null;
    const open = () => {
      if (disposed || !mpegts || feedEnded) return;
      const lib = mpegts;
      player?.destroy();
      player = lib.createPlayer(
        { type: 'mpegts', isLive: true, url: PROGRAM_TS_FEED, withCredentials: true },
        {
          // In the page's thread: a worker would need a blob: script the CSP need not allow.
          enableWorker: false,
          // Hand every byte to MSE at once, and chase the live edge: about a second behind, not four.
          enableStashBuffer: false,
          liveBufferLatencyChasing: true,
          liveBufferLatencyMaxLatency: 1.2,
          liveBufferLatencyMinRemain: 0.3,
          lazyLoad: false,
          autoCleanupSourceBuffer: true,
          autoCleanupMaxBackwardDuration: 10,
          autoCleanupMinBackwardDuration: 5,
          // A fetch that lets the engine's time_signal cues through mpegts.js's SCTE-35 parser (segmentation-duration-stripper.ts).
          customLoader: monitorFeedLoader(lib),
        },
      );
      player.on(lib.Events.ERROR, () => {
        if (disposed || feedEnded) return;
        clearTimeout(retry);
        retry = setTimeout(open, RETRY_MS);
      });
      // The feed ends when the program stops: this player's run is over; it never reopens for a
      // later run (the next Go Live mounts a new player). Until it is torn down, its clock stops and it shows stale.
      player.on(lib.Events.LOADING_COMPLETE, () => {
        feedEnded = true;
      });
      // Each splice_info_section mpegts.js parsed off the TS's SCTE-35 PID: the tally shows what this
      // monitor received, timed against the picture it shows (its pts and currentTime share one timeline).
      player.on(SCTE35_METADATA_ARRIVED, (payload: MpegtsScte35Payload) => {
        if (disposed) return;
        const cue = tallyFromScte35(payload, video.currentTime, Date.now());
        if (cue) onCueRef.current(cue);
      });
      player.attachMediaElement(video);
      player.load();
      void Promise.resolve(player.play()).catch(() => {});
    };

    void import('mpegts.js').then(
      ({ default: lib }) => {
        if (disposed) return;
        lib.LoggingControl.applyConfig({ enableVerbose: false, enableDebug: false, enableInfo: false });
        if (!lib.isSupported() || !lib.getFeatureList().mseLivePlayback) {
          setState('unsupported');
          return;
        }
        mpegts = lib;
        // A stalled feed (the picture stale while the program runs): a new player and a new request.
        reopenRef.current = open;
        open();
      },
      () => {
        if (!disposed) setState('unsupported');
      },
    );

    return () => {
      disposed = true;
      reopenRef.current = null;
      clearTimeout(retry);
      if (player) {
        player.pause();
        player.unload();
        player.detachMediaElement();
        player.destroy();
        player = null;
      }
      video.removeAttribute('src');
      video.load();
    };
  }, [setState]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.muted = muted;
  }, [muted]);

  return <MonitorVideo videoRef={videoRef} state={state} kind="ts" unsupportedText="This browser cannot play an MPEG-TS feed (no MediaSource)." />;
}

function HlsPlayer({ muted }: { muted: boolean }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const reopenRef = useRef<(() => void) | null>(null);
  const [state, setState] = useClockState(videoRef, reopenRef);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let hls: Hls | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let disposed = false;
    const play = () => void video.play().catch(() => {});

    // hls.js is most of the UI's code: it loads only when a monitor opens, in its own chunk.
    let HlsPlayerClass: typeof Hls | null = null;
    const load = () => {
      if (disposed || !HlsPlayerClass) return;
      const Hls = HlsPlayerClass;
      hls?.destroy();
      // Live edge two segments back: low delay without stalling on each new segment.
      hls = new Hls({
        liveSyncDurationCount: 2,
        liveMaxLatencyDurationCount: 5,
        backBufferLength: 10,
        // hls.js gives every text or metadata track a <track src="data:,WEBVTT">, which the page's CSP
        // (media-src 'self' blob:) refuses. The monitor shows no captions, subtitles or ID3/emsg/date-range
        // cues (its cue tally comes from the engine), so no track is created and media-src stays free of
        // `data:`, which would let any injected markup play inline media.
        enableID3MetadataCues: false,
        enableEmsgMetadataCues: false,
        enableDateRangeMetadataCues: false,
        enableCEA708Captions: false,
        enableWebVTT: false,
        enableIMSC1: false,
        renderTextTracksNatively: false,
        manifestLoadPolicy: { default: { maxTimeToFirstByteMs: 5000, maxLoadTimeMs: 10000, timeoutRetry: null, errorRetry: null } },
      });
      hls.on(Hls.Events.MANIFEST_PARSED, play);
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        clearTimeout(retry);
        retry = setTimeout(load, RETRY_MS);
      });
      hls.loadSource(PREVIEW_PLAYLIST);
      hls.attachMedia(video);
    };

    void import('hls.js').then(
      ({ default: Hls }) => {
        if (disposed) return;
        HlsPlayerClass = Hls;
        if (Hls.isSupported()) {
          reopenRef.current = load;
          load();
        } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
          video.src = PREVIEW_PLAYLIST;
          play();
        } else setState('unsupported');
      },
      () => {
        if (!disposed) setState('unsupported');
      },
    );

    return () => {
      disposed = true;
      reopenRef.current = null;
      clearTimeout(retry);
      hls?.destroy();
      video.removeAttribute('src');
      video.load();
    };
  }, [setState]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.muted = muted;
  }, [muted]);

  return <MonitorVideo videoRef={videoRef} state={state} kind="hls" unsupportedText="This browser cannot play HLS." />;
}

function MonitorVideo({
  videoRef,
  state,
  kind,
  unsupportedText,
}: {
  videoRef: React.RefObject<HTMLVideoElement | null>;
  state: PlayerState;
  kind: MonitorSource;
  unsupportedText: string;
}) {
  return (
    <>
      <video
        ref={videoRef}
        className="confidence__video"
        data-testid="confidence-monitor"
        data-state={state}
        data-source={kind}
        muted
        playsInline
        autoPlay
        aria-label="Confidence monitor: the encoded program"
      />
      {state === 'stale' ? (
        <p className="confidence__overlay confidence__overlay--stale" role="status" data-testid="confidence-stale">
          Stale: the encoded picture has not moved for over {STALE_AFTER_MS / 1000} s
        </p>
      ) : state !== 'playing' ? (
        <p className="confidence__overlay" role="status">
          {state === 'unsupported' ? unsupportedText : kind === 'ts' ? 'Waiting for the encoded program…' : 'Waiting for the first encoded segment…'}
        </p>
      ) : null}
    </>
  );
}

/** The engine's `scte35.sent` in the tally's terms (only the HLS view uses it). */
function fromEngine(tally: TallyCue): MonitorCue {
  return {
    eventId: tally.eventId,
    outOfNetwork: tally.outOfNetwork,
    cancelled: false,
    spliceCommandType: tally.spliceCommandType,
    secondsToSplice: tally.secondsToSplice,
    receivedAt: tally.receivedAt,
  };
}

/**
 * The HLS view's tally. hls.js reads no SCTE-35 PID (the preview playlist carries cues only as
 * EXT-X-DATERANGE, which this player does not load): the tally says what the engine sent instead, and says so.
 */
function EngineCueTally() {
  const tally = useStudio(programSelectors.tally);
  const watchCues = useStudio((s) => s.watchCues);
  useEffect(() => watchCues(), [watchCues]);
  return <CueTally cue={tally ? fromEngine(tally) : null} origin="engine" />;
}

const ORIGIN_TITLE: Record<'ts' | 'engine', string> = {
  ts: 'SCTE-35 as received in the TS feed (mpegts.js parsed the section off the SCTE-35 PID)',
  engine: 'SCTE-35 as sent by the engine: hls.js does not parse the SCTE-35 PID, so this is not what the HLS monitor received',
};

/** Lights for a few seconds after each copy of a cue arrives (the engine repeats a cue until its splice). */
function CueTally({ cue: last, origin }: { cue: MonitorCue | null; origin: 'ts' | 'engine' }) {
  const [, setNow] = useState(0);
  const rerender = useCallback(() => setNow(Date.now()), []);

  // Re-render once the hold runs out so the tally goes dark.
  useEffect(() => {
    if (!last) return;
    const left = last.receivedAt + TALLY_HOLD_MS - Date.now();
    if (left <= 0) return;
    const timer = setTimeout(rerender, left + 20);
    return () => clearTimeout(timer);
  }, [last, rerender]);

  const lit = last !== null && Date.now() - last.receivedAt < TALLY_HOLD_MS;
  const cue = lit && last ? last : null;
  const described = cue ? describeMonitorCue(cue) : null;
  return (
    <div
      className={`tally ${described ? `tally--lit tally--${described.kind}` : ''}`}
      data-testid="cue-tally"
      data-lit={lit}
      data-origin={origin}
      data-event-id={cue && cue.eventId !== null ? cue.eventId : undefined}
      title={ORIGIN_TITLE[origin]}
      role="status"
      aria-live="polite"
    >
      {cue && described ? (
        <>
          <span className="tally__kind">CUE {described.label}</span>
          {cue.eventId !== null ? <span className="tally__event">#{cue.eventId}</span> : null}
          <span className="tally__when">{describeSpliceTime(cue.secondsToSplice)}</span>
        </>
      ) : (
        <span className="tally__kind">SCTE-35</span>
      )}
      {origin === 'engine' ? <span className="tally__origin">engine</span> : null}
    </div>
  );
}
