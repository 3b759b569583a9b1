// The playout's commands (#14): its switch and its status. The playout emits playout.status itself
// (on every change and once a second while the program runs).
import type { Engine } from './engine.ts';
import type { HandlerTable } from './handlers.ts';

export function playoutHandlers(engine: Engine): Pick<HandlerTable, 'playout.setEnabled' | 'playout.status'> {
  return {
    'playout.setEnabled': ({ enabled }) => {
      const status = engine.playout.setEnabled(enabled);
      // The switch is stored as the setting playout.enabled: clients listing settings see it change.
      engine.events.emit('settings.changed', engine.repositories.settings.list());
      return status;
    },
    'playout.status': () => engine.playout.status(),
  };
}
