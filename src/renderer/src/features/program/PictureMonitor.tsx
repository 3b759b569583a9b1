import { useEffect, useRef, useState } from 'react';
import { MONITOR_HEADER_BYTES, PROGRAM_MONITOR_PATH, SCENE_MONITOR_PATH, readMonitorHeader, type MonitorBridge } from '../../../../shared/monitor-frame.ts';
import { useStudio } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';
import { ConfidenceMonitor } from './ConfidenceMonitor.tsx';
import { loadProgramView, saveProgramView, type ProgramView } from './program-view.ts';
import { createYuvRenderer, type YuvRenderer } from './yuv-renderer.ts';

declare global {
  interface Window {
    /** Present only inside the desktop app: the monitors over IPC (src/preload). */
    studioMonitor?: MonitorBridge;
  }
}

/** A closed feed is opened again after this. */
const RECONNECT_MS = 1000;
/** No frame for this long: the picture is called stale (it stays, dimmed, with a note). */
const PICTURE_STALE_MS = 2000;

type PictureState = 'connecting' | 'live' | 'stale' | 'unsupported';

/** The monitor's WebSocket URL on this page's host (same origin: CSP connect-src 'self', the token by cookie). */
export function monitorSocketUrl(location: Pick<Location, 'protocol' | 'host'>, path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

/**
 * Draws a picture feed (shared/monitor-frame.ts) on a canvas: each binary message is one I420
 * frame, kept as the latest and drawn at the next animation frame (a burst never queues draws).
 * `path` null: nothing is opened. The canvas carries data-frames (frames drawn) and
 * data-delay-ms (composed → drawn, last frame) for the curious and for tests.
 */
function PictureCanvas({ path, label, testId }: { path: string | null; label: string; testId: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<PictureState>('connecting');

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || path === null) return;
    let renderer: YuvRenderer | null = createYuvRenderer(canvas);
    if (!renderer) {
      setState('unsupported');
      return;
    }
    let socket: WebSocket | null = null;
    let latest: ArrayBuffer | null = null;
    let drawn = 0;
    let lastFrameAt = 0;
    let animation = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let disposed = false;

    const draw = (): void => {
      animation = 0;
      const message = latest;
      latest = null;
      if (!message || !renderer) return;
      const header = readMonitorHeader(new DataView(message));
      if (!header) return;
      renderer.draw(new Uint8Array(message, MONITOR_HEADER_BYTES), header.width, header.height);
      drawn++;
      canvas.dataset.frames = String(drawn);
      canvas.dataset.delayMs = String(Math.round(performance.timeOrigin + performance.now() - header.composedAtMs));
      canvas.dataset.renderer = renderer.kind;
    };

    const receive = (message: ArrayBuffer): void => {
      latest = message;
      lastFrameAt = performance.now();
      setState('live');
      if (!animation) animation = requestAnimationFrame(draw);
    };

    const staleCheck = setInterval(() => {
      if (lastFrameAt > 0 && performance.now() - lastFrameAt > PICTURE_STALE_MS) setState((s) => (s === 'live' ? 'stale' : s));
    }, 500);

    // The desktop app: frames over IPC (no HTTP origin there); they end with the window.
    const bridge = window.studioMonitor;
    if (bridge) {
      const closeBridge = bridge.open(path, receive);
      return () => {
        disposed = true;
        clearInterval(staleCheck);
        if (animation) cancelAnimationFrame(animation);
        closeBridge();
      };
    }

    const open = (): void => {
      if (disposed) return;
      setState((s) => (s === 'live' ? 'stale' : s));
      const ws = new WebSocket(monitorSocketUrl(window.location, path));
      ws.binaryType = 'arraybuffer';
      ws.onmessage = (event: MessageEvent) => {
        if (event.data instanceof ArrayBuffer) receive(event.data);
      };
      ws.onclose = () => {
        if (socket === ws) socket = null;
        if (!disposed) retry = setTimeout(open, RECONNECT_MS);
      };
      socket = ws;
    };
    open();

    return () => {
      disposed = true;
      clearTimeout(retry);
      clearInterval(staleCheck);
      if (animation) cancelAnimationFrame(animation);
      if (socket) {
        socket.onclose = null;
        socket.close();
      }
      renderer?.dispose();
      renderer = null;
    };
  }, [path]);

  return (
    <div className="picture" data-state={state}>
      <canvas ref={canvasRef} className="picture__canvas" data-testid={testId} aria-label={label} width={640} height={360} />
      {state === 'stale' ? <div className="picture__note">No new frames</div> : null}
      {state === 'unsupported' ? <div className="picture__note">This browser cannot draw the picture (no canvas).</div> : null}
    </div>
  );
}

/** The composed program, before the encoder (as OBS's Program view): 640×360, 15 fps, a few ms behind. */
export function ProgramMonitor() {
  const running = useStudio(programSelectors.running);
  if (!running) {
    return (
      <div className="monitor__idle" data-testid="program-stopped">
        <p className="monitor__idle-title">Program stopped</p>
        <p className="monitor__idle-detail">Go Live to compose, encode and send the program; its picture shows here.</p>
      </div>
    );
  }
  return <PictureCanvas path={PROGRAM_MONITOR_PATH} label="Program picture" testId="program-picture" />;
}

/** The scene being edited as a real picture (rendered by the engine at 640×360, 5 fps), on air or not, before Go Live too. */
export function ScenePicture({ sceneId }: { sceneId: number | null | undefined }) {
  if (sceneId === null || sceneId === undefined) return null;
  return (
    <div className="scene-picture">
      <PictureCanvas path={`${SCENE_MONITOR_PATH}?scene=${sceneId}`} label="Scene picture" testId="scene-picture" />
    </div>
  );
}

/**
 * The right-hand monitor: the composed Program picture by default; the encoded output (the
 * confidence monitor, TS or HLS) as the other choice.
 */
export function ProgramMonitorView() {
  const [view, setStateView] = useState<ProgramView>(loadProgramView);
  const setView = (next: ProgramView) => {
    setStateView(next);
    saveProgramView(next);
  };
  return (
    <div className="program-monitor">
      {view === 'program' ? <ProgramMonitor /> : <ConfidenceMonitor />}
      <fieldset className="program-monitor__view" aria-label="Program monitor view">
        <button
          type="button"
          data-testid="program-view-program"
          aria-pressed={view === 'program'}
          title="The composed program before encoding: a few milliseconds behind"
          onClick={() => setView('program')}
        >
          Program
        </button>
        <button
          type="button"
          data-testid="program-view-encoded"
          aria-pressed={view === 'encoded'}
          title="The encoded output (TS or HLS), as viewers get it: about a second behind"
          onClick={() => setView('encoded')}
        >
          Encoded
        </button>
      </fieldset>
    </div>
  );
}
