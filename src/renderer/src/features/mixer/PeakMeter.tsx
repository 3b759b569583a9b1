import { useEffect, useRef } from 'react';
import type { MeterReadingInfo } from '../../../../shared/program.ts';
import {
  METER_FLOOR_DB,
  RED_FROM_DBFS,
  YELLOW_FROM_DBFS,
  applyReading,
  isStale,
  meterFraction,
  silentBallistics,
  tick,
  zoneOf,
  type MeterBallistics,
} from './ballistics.ts';

/** OBS's default meter colours (VolumeMeter): dim zones behind, bright level in front. */
const COLOURS = {
  background: { green: '#267f26', yellow: '#7f7f26', red: '#7f2626' },
  foreground: { green: '#4cff4c', yellow: '#ffff4c', red: '#ff4c4c' },
  mutedBackground: { green: '#3a403a', yellow: '#40403a', red: '#403a3a' },
  mutedForeground: { green: '#9a9f9a', yellow: '#a8a89a', red: '#a89a9a' },
} as const;
const ZONES = [
  { zone: 'green', from: METER_FLOOR_DB, to: YELLOW_FROM_DBFS },
  { zone: 'yellow', from: YELLOW_FROM_DBFS, to: RED_FROM_DBFS },
  { zone: 'red', from: RED_FROM_DBFS, to: 0 },
] as const;
const CHANNELS = 2;
const BAR_HEIGHT = 5;
const BAR_GAP = 2;
const HOLD_WIDTH = 2;
/** The dB scale under the bars, OBS-style, every 10 dB. */
const SCALE_MARKS = [-60, -50, -40, -30, -20, -10, 0];

/**
 * A stereo peak meter drawn on a canvas with OBS's ballistics (ballistics.ts): readings arrive with
 * the `audio.meters` event (10 Hz); an animation frame loop decays the level and the held peak
 * between them, and stops once the meter is empty and stale.
 */
export function PeakMeter({ reading, muted, label, testId }: { reading: MeterReadingInfo | null; muted: boolean; label: string; testId?: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const state = useRef<MeterBallistics[]>(Array.from({ length: CHANNELS }, () => silentBallistics));
  const frame = useRef<number | null>(null);
  const lastTick = useRef(0);
  const mutedRef = useRef(muted);
  mutedRef.current = muted;

  useEffect(() => {
    const draw = () => drawMeter(canvasRef.current, wrapRef.current, state.current, mutedRef.current);
    const loop = (now: number) => {
      const elapsed = now - lastTick.current;
      lastTick.current = now;
      state.current = state.current.map((channel) => tick(channel, now, elapsed));
      draw();
      frame.current = state.current.every((channel) => isStale(channel, now)) ? null : requestAnimationFrame(loop);
    };
    const wake = () => {
      if (frame.current !== null) return;
      lastTick.current = performance.now();
      frame.current = requestAnimationFrame(loop);
    };
    if (reading) {
      const now = performance.now();
      state.current = state.current.map((channel, index) => applyReading(channel, reading.peakDbfs[index] ?? reading.peakDbfs[0] ?? -Infinity, now));
      wake();
    } else {
      draw();
    }
  }, [reading]);

  // Muting recolours the meter at once, even with no readings coming (the program stopped).
  useEffect(() => {
    if (frame.current === null) drawMeter(canvasRef.current, wrapRef.current, state.current, muted);
  }, [muted]);

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    },
    [],
  );

  return (
    <div
      className={`peak-meter ${muted ? 'peak-meter--muted' : ''}`}
      ref={wrapRef}
      data-testid={testId}
      data-peak-db="silent"
      role="img"
      aria-label={`${label} level`}
    >
      <canvas ref={canvasRef} className="peak-meter__bars" />
      <div className="peak-meter__scale" aria-hidden="true">
        {SCALE_MARKS.map((db) => (
          <span
            key={db}
            className={`peak-meter__mark ${db === METER_FLOOR_DB ? 'peak-meter__mark--start' : db === 0 ? 'peak-meter__mark--end' : ''}`}
            style={{ left: `${meterFraction(db) * 100}%` }}
          >
            {db}
          </span>
        ))}
      </div>
    </div>
  );
}

/** One frame of the meter: dim zones, the bright level, the held peak; and the held peak as data-peak-db for tests and tools. */
function drawMeter(canvas: HTMLCanvasElement | null, wrap: HTMLDivElement | null, channels: readonly MeterBallistics[], muted: boolean): void {
  if (!canvas) return;
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.round((CHANNELS * BAR_HEIGHT + (CHANNELS - 1) * BAR_GAP) * ratio);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext('2d');
  if (!context) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  const w = width / ratio;
  context.clearRect(0, 0, w, height / ratio);
  const background = muted ? COLOURS.mutedBackground : COLOURS.background;
  const foreground = muted ? COLOURS.mutedForeground : COLOURS.foreground;
  channels.forEach((channel, index) => {
    const y = index * (BAR_HEIGHT + BAR_GAP);
    const level = meterFraction(channel.shownDb) * w;
    for (const { zone, from, to } of ZONES) {
      const x0 = meterFraction(from) * w;
      const x1 = meterFraction(to) * w;
      context.fillStyle = background[zone];
      context.fillRect(x0, y, x1 - x0, BAR_HEIGHT);
      if (level > x0) {
        context.fillStyle = foreground[zone];
        context.fillRect(x0, y, Math.min(level, x1) - x0, BAR_HEIGHT);
      }
    }
    if (Number.isFinite(channel.holdDb) && channel.holdDb > METER_FLOOR_DB) {
      const x = Math.min(w - HOLD_WIDTH, meterFraction(channel.holdDb) * w);
      context.fillStyle = foreground[zoneOf(channel.holdDb)];
      context.fillRect(x, y, HOLD_WIDTH, BAR_HEIGHT);
    }
  });
  if (wrap) {
    const peak = Math.max(...channels.map((channel) => channel.holdDb));
    const shown = Number.isFinite(peak) && peak > METER_FLOOR_DB ? peak.toFixed(1) : 'silent';
    if (wrap.dataset.peakDb !== shown) wrap.dataset.peakDb = shown;
  }
}
