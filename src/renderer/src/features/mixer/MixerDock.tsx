import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AudioSettings, MeterReadingInfo } from '../../../../shared/program.ts';
import { describeError } from '../../api/errors.ts';
import { Panel } from '../../components/Panel.tsx';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { mixerSelectors } from '../../store/slices/mixer.ts';
import { sourcesSelectors } from '../../store/slices/sources.ts';
import { FADER_MAX_DB, FADER_MIN_DB, dbAtFaderPosition, faderPositionOf, formatDb, mixerSources, stepDb } from './fader.ts';
import { latestCommitter } from '../../api/latest-commit.ts';
import { PeakMeter } from './PeakMeter.tsx';

/** Steps of the fader's range input: fine enough that every 0.1 dB near unity has its own step. */
const FADER_STEPS = 1000;

/**
 * OBS's Audio Mixer: a strip for each source that carries sound (live inputs, media files, test
 * patterns; never an image, a colour or a text) with its post-fader peak meter, fader and mute,
 * and the master strip for the whole program mix. Every change goes to the engine at once
 * (sources.update / audio.setMaster) and applies from the next frame: nothing on air restarts.
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
  return <Strip name={source.name} audio={source.audio} reading={reading} send={send} testId="mixer-strip" sourceId={id} />;
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
}

function Strip({ name, detail, audio, reading, send, testId, sourceId }: StripProps) {
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
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
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
