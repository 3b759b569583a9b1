// The channel timeline's commands (#14): the schedule service validates, commits, emits
// schedule.changed / playout.settings, and answers. playout.setEnabled and playout.status belong
// to playout.
import type { PlayoutPlanSource } from '../playout/plan.ts';
import type { ProgramLifecycleEvents } from '../program/on-air-control.ts';
import type { ScheduleService } from '../schedule/schedule-service.ts';
import type { Engine } from './engine.ts';
import type { HandlerTable } from './handlers.ts';

type ScheduleCommand =
  | 'schedule.add'
  | 'schedule.addLive'
  | 'schedule.move'
  | 'schedule.trim'
  | 'schedule.setBreaks'
  | 'schedule.remove'
  | 'schedule.list'
  | 'playout.getSettings'
  | 'playout.setSettings';

export function createScheduleHandlers(engine: Engine): Pick<HandlerTable, ScheduleCommand> {
  return {
    'schedule.add': (args) => engine.schedule.add(args),
    'schedule.addLive': (args) => engine.schedule.addLive(args),
    'schedule.move': (args) => engine.schedule.move(args),
    'schedule.trim': (args) => engine.schedule.trim(args),
    'schedule.setBreaks': (args) => engine.schedule.setBreaks(args),
    'schedule.remove': (args) => engine.schedule.remove(args),
    'schedule.list': (args) => engine.schedule.list(args),
    'playout.getSettings': () => engine.schedule.settings(),
    'playout.setSettings': (patch) => engine.schedule.setSettings(patch),
  };
}

/** What the schedule needs of playout (engine/playout's Playout offers these). */
export interface PlayoutForSchedule {
  useSchedule(plan: PlayoutPlanSource, settings: () => { loudnessTargetLufs: number; channelName: string }): void;
  framesOf(itemId: number): { startFrame: number; startPts: number | null } | null;
  /** Called whenever playout plans items anew (what framesOf answers changed); returns the unsubscribe. */
  onPlanned(listener: () => void): () => void;
}

/**
 * Hands playout the schedule's plan and settings, and lets schedule.list carry each item's
 * `startFrame`/`startPts` from playout while the program runs. Clients are told to list again when
 * the program starts and stops (frames appear and go), and whenever playout plans items anew. Returns
 * the disconnect.
 */
export function connectScheduleToPlayout(schedule: ScheduleService, playout: PlayoutForSchedule, lifecycle: ProgramLifecycleEvents): () => void {
  // biome-ignore lint/correctness/useHookAtTopLevel: Playout.useSchedule is a method, not a React hook
  playout.useSchedule(schedule, () => schedule.settings());
  schedule.setFrameLocator((item) => playout.framesOf(item.id));
  const unsubscribe = [
    lifecycle.onStarted(() => schedule.framesChanged()),
    lifecycle.onStopped(() => schedule.framesChanged()),
    playout.onPlanned(() => schedule.framesChanged()),
  ];
  return () => {
    for (const each of unsubscribe) each();
    schedule.setFrameLocator(null);
  };
}
