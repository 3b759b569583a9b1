import type { CommandArgs, CommandName, CommandResult } from '../../../shared/contract.ts';
import { EngineError } from '../errors.ts';
import { decodeSection, encodeSection, parseSectionText, sectionFromJson, Scte35Error } from '../scte35/index.ts';
import type { Engine } from './engine.ts';

export interface CallContext {
  /** The desktop window, a loopback client, or a holder of the API token. */
  trusted: boolean;
}

export type HandlerTable = {
  [C in CommandName]: (args: CommandArgs<C>, context: CallContext) => CommandResult<C> | Promise<CommandResult<C>>;
};

/** SCTE-35 codec errors become argument errors: the client's section is what is wrong. */
function asArgumentError(error: unknown, argument: string): never {
  if (error instanceof Scte35Error) {
    const where = error.field ? ` (field ${error.field}${error.offset !== undefined ? `, byte ${error.offset}` : ''})` : '';
    throw new EngineError(error.code, `${argument}: ${error.message}${where}`, { apiCode: 'BAD_ARGUMENT', field: argument });
  }
  throw error;
}

export function createHandlers(engine: Engine): HandlerTable {
  const { settings, streamKeys } = engine.repositories;
  return {
    'system.health': () => engine.health(),
    'system.status': () => engine.status(),
    'system.apiAccess': (_args, context) => engine.apiAccess(context.trusted),

    'settings.list': () => settings.list(),
    'settings.set': ({ key, value }) => {
      settings.set(key, value);
      const all = settings.list();
      engine.events.emit('settings.changed', all);
      return all;
    },

    'streamKeys.list': () => streamKeys.list(),
    'streamKeys.create': ({ name }) => {
      const created = streamKeys.create(name);
      engine.log.registerSecret(created.key);
      engine.log.info('stream key created', { id: created.id, name: created.name });
      engine.events.emit('streamKeys.changed', streamKeys.list());
      return created;
    },
    'streamKeys.reveal': ({ id }) => streamKeys.reveal(id),
    'streamKeys.remove': ({ id }) => {
      const removed = streamKeys.remove(id);
      if (!removed) throw new EngineError('NOT_FOUND', `No stream key with id ${id}.`, { apiCode: 'NOT_FOUND', field: 'id' });
      engine.log.info('stream key removed', { id });
      engine.events.emit('streamKeys.changed', streamKeys.list());
      return { removed };
    },

    'scte35.decode': ({ section }) => {
      try {
        const bytes = parseSectionText(section);
        return { section: decodeSection(bytes) as unknown as Record<string, unknown>, hex: Buffer.from(bytes).toString('hex') };
      } catch (error) {
        return asArgumentError(error, 'section');
      }
    },
    'scte35.encode': ({ section, format }) => {
      try {
        const bytes = Buffer.from(encodeSection(sectionFromJson(section)));
        return { encoded: format === 'hex' ? bytes.toString('hex') : bytes.toString('base64'), format };
      } catch (error) {
        return asArgumentError(error, 'section');
      }
    },
  };
}
