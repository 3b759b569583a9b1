import { describe, expect, it } from 'vitest';
import { FramePool, frameLayout, type FrameSlot } from '../compositor/frame-pool.ts';
import type { Program } from '../program/program.ts';
import type { OnAirControl } from '../program/on-air-control.ts';
import type { SceneInfo } from '../../../shared/program.ts';
import type { StoredSource } from '../store/program-repository.ts';
import type { MonitorSink } from './monitor-feed.ts';
import { ProgramMonitor } from './program-monitor.ts';
import { scaledScene } from './scene-picture.ts';

/** What the monitor uses of a Program: its format and its composed-frame tap. */
class FakeProgram {
  readonly format = { width: 1280, height: 720, frameRate: { num: 30, den: 1 } };
  readonly listeners = new Set<(n: number, frame: FrameSlot) => void>();
  onComposed(listener: (n: number, frame: FrameSlot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

class FakeLifecycle {
  readonly started = new Set<(control: OnAirControl) => void>();
  readonly stopped = new Set<() => void>();
  onStarted(listener: (control: OnAirControl) => void): () => void {
    this.started.add(listener);
    return () => this.started.delete(listener);
  }
  onStopped(listener: () => void): () => void {
    this.stopped.add(listener);
    return () => this.stopped.delete(listener);
  }
}

const sink = (): MonitorSink & { count: number } => {
  const s = {
    bufferedAmount: 0,
    count: 0,
    send(_data: Buffer, _options: { binary: true }, done: () => void) {
      s.count++;
      done();
    },
  };
  return s;
};

describe('ProgramMonitor', () => {
  it('taps the airing program only while someone watches, and follows program runs', () => {
    let airing: FakeProgram | null = null;
    const lifecycle = new FakeLifecycle();
    const monitor = new ProgramMonitor({ airing: () => airing as unknown as Program | null, lifecycle });
    const first = new FakeProgram();
    airing = first;
    for (const listener of lifecycle.started) listener(airing as unknown as OnAirControl);
    expect(first.listeners.size).toBe(0);

    const viewer = sink();
    const detach = monitor.attach(viewer)!;
    expect(first.listeners.size).toBe(1);

    // 30 fps program → 15 fps monitor: every other frame is sent.
    const pool = new FramePool(frameLayout(1280, 720), 1);
    const frame = pool.acquire()!;
    for (let n = 0; n < 10; n++) for (const listener of first.listeners) listener(n, frame);
    expect(viewer.count).toBe(5);

    // Stop: untapped; the next run is tapped for the same viewer.
    airing = null;
    for (const listener of lifecycle.stopped) listener();
    expect(first.listeners.size).toBe(0);
    const second = new FakeProgram();
    airing = second;
    for (const listener of lifecycle.started) listener(airing as unknown as OnAirControl);
    expect(second.listeners.size).toBe(1);

    detach();
    expect(second.listeners.size).toBe(0);
    monitor.close();
    expect(lifecycle.started.size).toBe(0);
    pool.release(frame.index);
    pool.dispose();
  });
});

describe('scaledScene', () => {
  it('scales each layer’s rect and crop to the picture, keeps opacity and visibility, leaves out layers of unknown sources', () => {
    const sources = [
      { id: 1, name: 'Cam', config: { kind: 'color', color: '#f00', width: 1920, height: 1080 } },
      { id: 2, name: 'Logo', config: { kind: 'color', color: '#00f', width: 300, height: 120 } },
    ] as unknown as StoredSource[];
    const scene = {
      id: 5,
      name: 'Main',
      layers: [
        { sourceId: 1, x: 0, y: 0, opacity: 1, visible: true, crop: { left: 30, top: 0, right: 60, bottom: 3 } },
        { sourceId: 2, x: 1500, y: 900, width: 600, height: 240, opacity: 0.5, visible: false },
        { sourceId: 9, x: 0, y: 0, opacity: 1, visible: true },
      ],
    } as unknown as SceneInfo;
    expect(scaledScene(scene, sources, 1 / 3)).toEqual({
      id: '5',
      layers: [
        {
          id: '5:0',
          sourceId: '1',
          rect: { x: 0, y: 0, width: 640, height: 360 },
          crop: { left: 10, top: 0, right: 20, bottom: 1 },
          scaled: true,
          opacity: 1,
          visible: true,
        },
        { id: '5:1', sourceId: '2', rect: { x: 500, y: 300, width: 200, height: 80 }, scaled: true, opacity: 0.5, visible: false },
      ],
    });
  });
});
