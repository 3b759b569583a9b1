import type Hls from 'hls.js';
import { useEffect, useRef, useState } from 'react';
import { useStudio } from '../../store/context.tsx';
import { TALLY_HOLD_MS, programSelectors, type TallyCue } from '../../store/slices/program.ts';

/** The built-in preview HLS the host serves while the program runs (same origin: CSP connect-src 'self'). */
export const PREVIEW_PLAYLIST = '/preview/program/index.m3u8';
/** The playlist appears after the first 2 s segment; until then, and after a fatal error, try again. */
const RETRY_MS = 1500;

type PlayerState = 'waiting' | 'playing' | 'unsupported';

/**
 * The encoded program as it goes out (an HLS of the same TS bytes the outputs send), muted,
 * with the SCTE-35 tally over it.
 */
export function ConfidenceMonitor() {
  const running = useStudio(programSelectors.running);
  return (
    <div className="confidence">
      {running ? (
        <HlsPlayer />
      ) : (
        <div className="monitor__idle" data-testid="program-stopped">
          <p className="monitor__idle-title">Program stopped</p>
          <p className="monitor__idle-detail">Go Live to compose, encode and send the program; its encoded picture plays here.</p>
        </div>
      )}
      <CueTally />
    </div>
  );
}

function HlsPlayer() {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<PlayerState>('waiting');

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let hls: Hls | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let disposed = false;
    const play = () => void video.play().catch(() => {});
    const onPlaying = () => setState('playing');
    video.addEventListener('playing', onPlaying);

    // hls.js is most of the UI's code: it loads only when a monitor opens, in its own chunk.
    let HlsPlayerClass: typeof Hls | null = null;
    const load = () => {
      if (disposed || !HlsPlayerClass) return;
      const Hls = HlsPlayerClass;
      hls?.destroy();
      setState('waiting');
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
        if (Hls.isSupported()) load();
        else if (video.canPlayType('application/vnd.apple.mpegurl')) {
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
      clearTimeout(retry);
      video.removeEventListener('playing', onPlaying);
      hls?.destroy();
      video.removeAttribute('src');
      video.load();
    };
  }, []);

  return (
    <>
      <video
        ref={videoRef}
        className="confidence__video"
        data-testid="confidence-monitor"
        data-state={state}
        muted
        playsInline
        autoPlay
        aria-label="Confidence monitor: the encoded program"
      />
      {state !== 'playing' ? (
        <p className="confidence__overlay" role="status">
          {state === 'unsupported' ? 'This browser cannot play HLS.' : 'Waiting for the first encoded segment…'}
        </p>
      ) : null}
    </>
  );
}

function describeCue(cue: TallyCue): { label: string; kind: 'out' | 'in' | 'other' } {
  if (cue.outOfNetwork === true) return { label: 'OUT', kind: 'out' };
  if (cue.outOfNetwork === false) return { label: 'IN', kind: 'in' };
  return { label: `CMD 0x${cue.spliceCommandType.toString(16).padStart(2, '0')}`, kind: 'other' };
}

/** Lights for a few seconds after each copy of a cue goes out on the SCTE-35 PID. */
function CueTally() {
  const tally = useStudio(programSelectors.tally);
  const watchCues = useStudio((s) => s.watchCues);
  const [, setNow] = useState(0);

  useEffect(() => watchCues(), [watchCues]);
  // Re-render once the hold runs out so the tally goes dark.
  useEffect(() => {
    if (!tally) return;
    const left = tally.receivedAt + TALLY_HOLD_MS - Date.now();
    if (left <= 0) return;
    const timer = setTimeout(() => setNow(Date.now()), left + 20);
    return () => clearTimeout(timer);
  }, [tally]);

  const lit = tally !== null && Date.now() - tally.receivedAt < TALLY_HOLD_MS;
  const cue = lit && tally ? describeCue(tally) : null;
  return (
    <div
      className={`tally ${cue ? `tally--lit tally--${cue.kind}` : ''}`}
      data-testid="cue-tally"
      data-lit={lit}
      data-event-id={lit && tally?.eventId !== null ? tally?.eventId : undefined}
      role="status"
      aria-live="polite"
    >
      {cue && tally ? (
        <>
          <span className="tally__kind">CUE {cue.label}</span>
          {tally.eventId !== null ? <span className="tally__event">#{tally.eventId}</span> : null}
          {tally.secondsToSplice !== null ? (
            <span className="tally__when">{tally.secondsToSplice > 0.05 ? `splice in ${tally.secondsToSplice.toFixed(1)} s` : 'at splice'}</span>
          ) : (
            <span className="tally__when">immediate</span>
          )}
        </>
      ) : (
        <span className="tally__kind">SCTE-35</span>
      )}
    </div>
  );
}
