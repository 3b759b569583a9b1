// The channel timeline's commands (#14): the schedule service validates, commits, emits
// schedule.changed / playout.settings, and answers. playout.setEnabled and playout.status belong
// to playout.
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
