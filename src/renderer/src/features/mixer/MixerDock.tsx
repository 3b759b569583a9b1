import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { AudioSettings, MeterReadingInfo } from '../../../../shared/program.ts';
import { AUDIO_MONITOR_MODE_LABELS, type AudioMonitorMode } from '../../../../shared/audio-monitor-frame.ts';
import { describeError } from '../../api/errors.ts';
import { Panel } from '../../components/Panel.tsx';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { mixerSelectors } from '../../store/slices/mixer.ts';
import { sourcesSelectors } from '../../store/slices/sources.ts';
import { FADER_MAX_DB, FADER_MIN_DB, dbAtFaderPosition, faderPositionOf, formatDb, mixerSources, stepDb } from './fader.ts';
import { latestCommitter } from '../../api/latest-commit.ts';
import { PeakMeter } from './PeakMeter.tsx';
import { audioMonitorPlayer, type MonitorStreamState } from './monitor-player.ts';

/** Steps of the fader's range input: fine enough that every 0.1 dB near unity has its own step. */
const FADER_STEPS = 1000;

/**
 * OBS's Audio Mixer: a strip for each source that carries sound (live inputs, media files, test
 * patterns; never an image, a colour or a text) with its post-fader peak meter, fader and mute,
 * and the master strip for the whole program mix. Every change goes to the engine at once
 * (sources.update / audio.setMaster) and applies from the next frame: nothing on air restarts.
 * Each source strip has OBS's Audio Monitoring: the source before its fader, in this page's
 * headphones; several sources monitored at once are mixed.
 */
export function MixerDock() {
  const watchMeters = useStudio((s) => s.watchMeters);
  useEffect(() => watchMeters(), [watchMeters]);
  const ids = useStudioShallow((s) => mixerSources(sourcesSelectors.list(s)).map((source) => source.id));
  const loaded = useStudio(sourcesSelectors.loaded);

  return (
    <Panel title="Audio Mixer" testId="dock-mixer" className="mixer-dock">
      <div className="mixer-dock__strips" data-testid="mixer-strips">
        {!loaded ? (
          <p className="panel__muted">Loading sources…</p>
        ) : ids.length === 0 ? (
          <p className="panel__muted" data-testid="mixer-empty">
            No source with sound yet. Live inputs, media files and test patterns get a strip here; images, colours and texts have no audio.
          </p>
        ) : (
          ids.map((id) => <SourceStrip key={id} id={id} />)
        )}
      </div>
      <MasterStrip />
    </Panel>
  );
}

function SourceStrip({ id }: { id: number }) {
  const source = useStudio(sourcesSelectors.byId(id));
  const reading = useStudio(mixerSelectors.reading(id));
  const setSourceAudio = useStudio((s) => s.setSourceAudio);
  const send = useCallback((audio: AudioSettings) => setSourceAudio(id, audio), [id, setSourceAudio]);
  if (!source) return null;
  return (
    <Strip
      name={source.name}
      audio={source.audio}
      reading={reading}
      send={send}
      testId="mixer-strip"
      sourceId={id}
      monitor={<MonitorControl id={id} name={source.name} />}
    />
  );
}

function MasterStrip() {
  const audio = useStudio(mixerSelectors.masterAudio);
  const loadError = useStudio(mixerSelectors.masterAudioError);
  const reading = useStudio(mixerSelectors.reading('master'));
  const setMasterAudio = useStudio((s) => s.setMasterAudio);
  if (!audio) return loadError ? <p className="panel__error">Could not load the master fader: {loadError}</p> : null;
  return (
    <div className="mixer-dock__master">
      <Strip name="Master" detail="program mix" audio={audio} reading={reading} send={setMasterAudio} testId="mixer-master" />
    </div>
  );
}

/** The strip's fader and mute through latestCommitter: shows the value being sent, then the engine's. */
function useLatestCommit(send: (audio: AudioSettings) => Promise<void>) {
  const [local, setLocal] = useState<AudioSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sendRef = useRef(send);
  sendRef.current = send;
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  const [committer] = useState(() =>
    latestCommitter<AudioSettings>(
      (audio) => sendRef.current(audio),
      (failure) => {
        if (!alive.current) return;
        setError(failure === null ? null : describeError(failure));
        // The store now holds what the engine took (or kept): show that.
        setLocal(null);
      },
    ),
  );
  const push = useCallback(
    (audio: AudioSettings) => {
      setLocal(audio);
      committer.push(audio);
    },
    [committer],
  );
  return { local, error, push };
}

interface StripProps {
  name: string;
  detail?: string;
  audio: AudioSettings;
  reading: MeterReadingInfo | null;
  send: (audio: AudioSettings) => Promise<void>;
  testId: string;
  sourceId?: number;
  /** The source's monitoring control (none on the master). */
  monitor?: ReactNode;
}

function Strip({ name, detail, audio, reading, send, testId, sourceId, monitor }: StripProps) {
  const { local, error, push } = useLatestCommit(send);
  const shown = local ?? audio;
  const setGain = (gainDb: number) => {
    if (gainDb !== shown.gainDb) push({ gainDb, muted: shown.muted });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const fine = event.shiftKey ? 0.1 : 1;
    const steps: Record<string, number> = { ArrowUp: fine, ArrowRight: fine, ArrowDown: -fine, ArrowLeft: -fine, PageUp: 6, PageDown: -6 };
    if (event.key in steps) setGain(stepDb(shown.gainDb, steps[event.key]!));
    else if (event.key === 'Home') setGain(FADER_MIN_DB);
    else if (event.key === 'End') setGain(FADER_MAX_DB);
    else return;
    event.preventDefault();
  };
  const dbText = formatDb(shown.gainDb);

  return (
    <div className={`mixer-strip ${shown.muted ? 'mixer-strip--muted' : ''}`} data-testid={testId} data-source-id={sourceId} data-muted={shown.muted}>
      <div className="mixer-strip__head">
        <span className="mixer-strip__name" title={name}>
          {name}
          {detail ? <span className="mixer-strip__detail"> · {detail}</span> : null}
        </span>
        <span className="mixer-strip__db mono" data-testid="mixer-db">
          {dbText}
        </span>
      </div>
      <PeakMeter reading={reading} muted={shown.muted} label={name} testId="mixer-meter" />
      <div className="mixer-strip__controls">
        <input
          type="range"
          className="mixer-strip__fader"
          min={0}
          max={FADER_STEPS}
          step={1}
          value={Math.round(faderPositionOf(shown.gainDb) * FADER_STEPS)}
          aria-label={`${name} volume`}
          aria-valuetext={dbText}
          title={`${dbText} · double-click for 0 dB`}
          data-testid="mixer-fader"
          onChange={(event) => setGain(dbAtFaderPosition(Number(event.target.value) / FADER_STEPS))}
          onKeyDown={onKeyDown}
          onDoubleClick={() => setGain(0)}
        />
        <button
          type="button"
          className={`mixer-strip__mute ${shown.muted ? 'mixer-strip__mute--on' : ''}`}
          aria-pressed={shown.muted}
          aria-label={`Mute ${name}`}
          title={shown.muted ? `${name} is muted: click to unmute` : `Mute ${name}`}
          data-testid="mixer-mute"
          onClick={() => push({ gainDb: shown.gainDb, muted: !shown.muted })}
        >
          <SpeakerIcon muted={shown.muted} />
        </button>
        {monitor}
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const MONITOR_MODES: readonly AudioMonitorMode[] = ['off', 'monitor-only', 'monitor-and-output'];

/** The menu's size, to place it before it is drawn. */
const MENU_WIDTH = 200;
const MENU_HEIGHT = 90;

const MONITOR_STATE_TEXT: Record<MonitorStreamState, string> = {
  connecting: 'connecting',
  waiting: 'waiting for the program to air',
  playing: 'playing in this page',
};

/**
 * The headphones: a click toggles monitoring (Monitor Off ↔ the last mode used, Monitor and Output
 * at first); the caret (or a right-click) opens OBS's three choices. Monitoring starts in that
 * click, which is also what lets the page start its audio (autoplay policy). The button carries
 * data-monitor-state and its stream's counters (data-monitor-packets, -missed, -underruns, -dropped, -lead-ms),
 * as the picture monitors carry theirs.
 */
function MonitorControl({ id, name }: { id: number; name: string }) {
  const mode = useStudio(mixerSelectors.monitorMode(id));
  const setMonitorMode = useStudio((s) => s.setMonitorMode);
  const [lastOn, setLastOn] = useState<Exclude<AudioMonitorMode, 'off'>>('monitor-and-output');
  /** Where the open menu sits (fixed, so the dock's scrolling never clips it); null when closed. */
  const [menuAt, setMenuAt] = useState<{ left: number; top?: number; bottom?: number } | null>(null);
  const menuOpen = menuAt !== null;
  const [error, setError] = useState<string | null>(null);
  const [streamState, setStreamState] = useState<MonitorStreamState | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const on = mode !== 'off';

  // Between Monitor Only and Monitor and Output the stream goes on: only the program's mute changes.
  useEffect(() => {
    if (!on) {
      setStreamState(null);
      return;
    }
    return audioMonitorPlayer.listen(id, {
      onState: setStreamState,
      onReport: (report) => {
        const data = buttonRef.current?.dataset;
        if (!data) return;
        data.monitorPackets = String(report.packets);
        data.monitorMissed = String(report.missed);
        data.monitorUnderruns = String(report.underruns);
        data.monitorDropped = String(report.dropped);
        data.monitorLeadMs = String(report.leadMs);
      },
    });
  }, [id, on]);

  useEffect(() => {
    if (!menuOpen) return;
    const close = (event: Event) => {
      if (event.type === 'keydown' && (event as globalThis.KeyboardEvent).key !== 'Escape') return;
      if (event.target instanceof Node && menuRef.current?.contains(event.target)) return;
      setMenuAt(null);
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, [menuOpen]);

  const openMenu = () => {
    const box = menuRef.current?.getBoundingClientRect();
    if (!box) return;
    // Below the control when the menu fits there, above it otherwise; kept inside the window.
    const left = Math.max(4, Math.min(box.right - MENU_WIDTH, window.innerWidth - MENU_WIDTH - 4));
    setMenuAt(box.bottom + MENU_HEIGHT + 8 <= window.innerHeight ? { left, top: box.bottom + 4 } : { left, bottom: window.innerHeight - box.top + 4 });
  };

  const choose = (next: AudioMonitorMode) => {
    setMenuAt(null);
    if (next !== 'off') {
      audioMonitorPlayer.unlock();
      setLastOn(next);
    }
    setError(null);
    setMonitorMode(id, next).catch((failure: unknown) => setError(describeError(failure)));
  };

  const supported = audioMonitorPlayer.supported;
  const label = AUDIO_MONITOR_MODE_LABELS[mode];
  const title = !supported
    ? 'This browser cannot play audio (no Web Audio)'
    : on
      ? `${label}: ${streamState ? MONITOR_STATE_TEXT[streamState] : 'starting'} · click for ${AUDIO_MONITOR_MODE_LABELS.off}`
      : `${label} · click for ${AUDIO_MONITOR_MODE_LABELS[lastOn]}`;

  return (
    <div className="mixer-monitor" ref={menuRef}>
      <button
        ref={buttonRef}
        type="button"
        className={`mixer-strip__monitor ${on ? 'mixer-strip__monitor--on' : ''}`}
        aria-pressed={on}
        aria-label={`Monitor ${name}`}
        title={title}
        disabled={!supported}
        data-testid="mixer-monitor"
        data-monitor={mode}
        data-monitor-state={streamState ?? 'off'}
        onClick={() => choose(on ? 'off' : lastOn)}
        onContextMenu={(event) => {
          event.preventDefault();
          openMenu();
        }}
      >
        <HeadphonesIcon />
      </button>
      <button
        type="button"
        className="mixer-strip__monitor-menu"
        aria-haspopup="menu"
        aria-expanded={menuOpen}
        aria-label={`Audio Monitoring of ${name}`}
        title="Audio Monitoring"
        disabled={!supported}
        data-testid="mixer-monitor-menu"
        onClick={() => (menuOpen ? setMenuAt(null) : openMenu())}
      >
        <svg viewBox="0 0 8 8" width="8" height="8" aria-hidden="true" focusable="false">
          <path d="M1 2.5l3 3 3-3" stroke="currentColor" strokeWidth="1.3" fill="none" />
        </svg>
      </button>
      {menuOpen ? (
        <div className="mixer-monitor__menu" role="menu" aria-label={`Audio Monitoring of ${name}`} style={{ ...menuAt, width: MENU_WIDTH }}>
          {MONITOR_MODES.map((choice) => (
            <button
              key={choice}
              type="button"
              role="menuitemradio"
              aria-checked={choice === mode}
              className="mixer-monitor__item"
              onClick={() => choose(choice)}
            >
              {AUDIO_MONITOR_MODE_LABELS[choice]}
            </button>
          ))}
        </div>
      ) : null}
      {error ? (
        <p className="field__error mixer-monitor__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function HeadphonesIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d="M2.5 10V8a5.5 5.5 0 0 1 11 0v2" stroke="currentColor" strokeWidth="1.4" fill="none" />
      <rect x="1.5" y="9" width="3.5" height="5" rx="1" fill="currentColor" />
      <rect x="11" y="9" width="3.5" height="5" rx="1" fill="currentColor" />
    </svg>
  );
}

function SpeakerIcon({ muted }: { muted: boolean }) {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d="M2 6h3l4-3v10l-4-3H2z" fill="currentColor" />
      {muted ? (
        <path d="M11 5.5l4 5M15 5.5l-4 5" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" fill="none" />
      ) : (
        <path d="M11 5.5a3.5 3.5 0 0 1 0 5M12.8 3.8a6 6 0 0 1 0 8.4" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" fill="none" />
      )}
    </svg>
  );
}
