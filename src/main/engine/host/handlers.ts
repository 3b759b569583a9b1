import type { Stats } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import type { CommandArgs, CommandName, CommandResult } from '../../../shared/contract.ts';
import type { SourceConfig } from '../../../shared/program.ts';
import { EngineError } from '../errors.ts';
import { decodeSection, encodeSection, parseSectionText, sectionFromJson, Scte35Error } from '../scte35/index.ts';
import type { Engine } from './engine.ts';
import { ingestStreamEvent } from './ingest-events.ts';
import { createScheduleHandlers } from './schedule-handlers.ts';
import { playoutHandlers } from './playout-handlers.ts';

export interface CallContext {
  /** The desktop window, a loopback client, or a holder of the API token. */
  trusted: boolean;
}

export type HandlerTable = {
  [C in CommandName]: (args: CommandArgs<C>, context: CallContext) => CommandResult<C> | Promise<CommandResult<C>>;
};

/**
 * A path from a client is checked before FFmpeg or sharp opens it: it must be a readable regular
 * file. (The schema already refused relative paths, URLs and NUL bytes.)
 */
async function checkLocalFile(config: SourceConfig): Promise<void> {
  if (config.kind !== 'media' && config.kind !== 'image') return;
  let stats: Stats;
  try {
    stats = await stat(config.path);
    await access(config.path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `cannot be opened (${code})`;
    throw new EngineError('BAD_PATH', `config.path: ${config.path} ${why}.`, { apiCode: 'BAD_ARGUMENT', field: 'config.path' });
  }
  if (!stats.isFile()) throw new EngineError('BAD_PATH', `config.path: ${config.path} is not a file.`, { apiCode: 'BAD_ARGUMENT', field: 'config.path' });
}

/** An RTMP source must name a stream key that exists: a dangling id would take the feed of a later key. */
function checkStreamKey(config: SourceConfig, streamKeys: Engine['repositories']['streamKeys']): void {
  if (config.kind !== 'rtmp' || streamKeys.has(config.streamKeyId)) return;
  throw new EngineError('BAD_REFERENCE', `config.streamKeyId: there is no stream key with id ${config.streamKeyId}.`, {
    apiCode: 'BAD_ARGUMENT',
    field: 'config.streamKeyId',
  });
}

/** SCTE-35 codec errors become argument errors: the client's section is what is wrong. */
function asArgumentError(error: unknown, argument: string): never {
  if (error instanceof Scte35Error) {
    const where = error.field ? ` (field ${error.field}${error.offset !== undefined ? `, byte ${error.offset}` : ''})` : '';
    throw new EngineError(error.code, `${argument}: ${error.message}${where}`, { apiCode: 'BAD_ARGUMENT', field: argument });
  }
  throw error;
}

export function createHandlers(engine: Engine): HandlerTable {
  const { settings, streamKeys, program: programRepository } = engine.repositories;
  const host = engine.programHost;
  const outputs = engine.outputsHost;
  const outputsChanged = () => engine.events.emit('outputs.changed', outputs.list());
  const sourcesChanged = () =>
    engine.events.emit(
      'sources.changed',
      programRepository.sources().map((source) => host.sourceInfo(source)),
    );
  const scenesChanged = () => engine.events.emit('scenes.changed', programRepository.scenes());
  const programStatus = (status = host.status()) => {
    engine.events.emit('program.status', status);
    return status;
  };
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
      engine.ingest?.disconnect(id, 'stream key removed');
      engine.log.info('stream key removed', { id });
      engine.events.emit('streamKeys.changed', streamKeys.list());
      return { removed };
    },

    'ingest.list': () => (engine.ingest?.running ? engine.ingest.streams().map(ingestStreamEvent) : []),
    'program.getFormat': () => host.formatSettings(),
    'program.setFormat': (format) => host.setFormat(format),
    // Serialized in the hosts' one lifecycle queue; the preview output follows through its hooks.
    // Sources follow: one the program could not start shows failed (with why), and all clear on stop.
    'program.start': async () => {
      const status = await host.start();
      sourcesChanged();
      return programStatus(status);
    },
    'program.stop': async () => {
      const status = await host.stop();
      sourcesChanged();
      return programStatus(status);
    },
    'program.status': () => host.status(),
    'program.ptsOfFrame': ({ frame }) => ({ frame, pts: host.ptsOfFrame(frame) }),
    'program.switchScene': ({ sceneId, atFrame, transition }) => host.switchScene(sceneId, atFrame, transition),
    'program.tbar': ({ sceneId, position }) => host.tbar(sceneId, position),

    'sources.list': () => programRepository.sources().map((source) => host.sourceInfo(source)),
    'sources.create': async ({ name, config, audio }) => {
      await checkLocalFile(config);
      checkStreamKey(config, streamKeys);
      const created = programRepository.createSource(name, config, audio ?? { gainDb: 0, muted: false });
      try {
        await host.sourceAdded(created);
      } catch (error) {
        programRepository.removeSource(created.id);
        throw error;
      }
      sourcesChanged();
      return host.sourceInfo(created);
    },
    'sources.update': async ({ id, name, config, audio }) => {
      if (config) await checkLocalFile(config);
      if (config) checkStreamKey(config, streamKeys);
      const before = programRepository.source(id);
      const after = programRepository.updateSource(id, { name, config, audio });
      try {
        await host.sourceChanged(before, after);
      } catch (error) {
        // The running program refused it and kept the source as it was: so does the store.
        programRepository.updateSource(id, { name: before.name, config: before.config, audio: before.audio });
        throw error;
      }
      sourcesChanged();
      return host.sourceInfo(after);
    },
    'sources.remove': async ({ id }) => {
      const removed = programRepository.removeSource(id);
      if (!removed) throw new EngineError('NOT_FOUND', `No source with id ${id}.`, { apiCode: 'NOT_FOUND', field: 'id' });
      await host.sourceRemoved(id);
      sourcesChanged();
      scenesChanged();
      return { removed };
    },

    'audio.getMaster': () => host.masterAudio(),
    'audio.setMaster': async (audio) => {
      const master = await host.setMasterAudio(audio);
      engine.events.emit('audio.master', master);
      return master;
    },

    'stats.get': () => engine.stats.last,
    'stats.history': ({ limit }) => engine.stats.history(limit),

    'outputs.list': () => outputs.list(),
    'outputs.create': ({ settings }) => {
      const created = outputs.create(settings);
      outputsChanged();
      return created;
    },
    'outputs.update': async ({ id, settings, keepSecret }) => {
      const updated = await outputs.update(id, outputs.resolveEdit(id, settings, keepSecret));
      outputsChanged();
      return updated;
    },
    'outputs.remove': async ({ id }) => {
      const removed = await outputs.remove(id);
      if (!removed) throw new EngineError('NOT_FOUND', `No output with id ${id}.`, { apiCode: 'NOT_FOUND', field: 'id' });
      outputsChanged();
      return { removed };
    },
    'outputs.start': ({ id }) => outputs.start(id),
    'outputs.stop': ({ id }) => outputs.stop(id),
    'outputs.startAll': () => outputs.startAll(),
    'outputs.stopAll': () => outputs.stopAll(),
    'outputs.status': () => outputs.statuses(),

    'scenes.list': () => programRepository.scenes(),
    'scenes.create': ({ name, layers }) => {
      const scene = programRepository.createScene(name, layers);
      host.sceneChanged(scene);
      scenesChanged();
      return scene;
    },
    'scenes.update': ({ id, name, layers }) => {
      const scene = programRepository.updateScene(id, { name, layers });
      host.sceneChanged(scene);
      scenesChanged();
      return scene;
    },
    'scenes.remove': ({ id }) => {
      const removed = programRepository.removeScene(id);
      if (!removed) throw new EngineError('NOT_FOUND', `No scene with id ${id}.`, { apiCode: 'NOT_FOUND', field: 'id' });
      host.sceneRemoved(id);
      scenesChanged();
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
    'scte35.inject': ({ section }) => {
      const control = host.events.control;
      if (!control) throw new EngineError('NOT_RUNNING', 'The program is not running: start it before injecting cues.', { apiCode: 'CONFLICT' });
      let bytes: Uint8Array;
      try {
        bytes = parseSectionText(section);
        decodeSection(bytes);
      } catch (error) {
        return asArgumentError(error, 'section');
      }
      // The same cue channel as the deck's: one queue on the program's SCTE-35 PID.
      const queued = control.cues.queue(bytes);
      const hex = Buffer.from(bytes).toString('hex');
      engine.log.info('SCTE-35 section queued', { queued, hex });
      return { queued, hex };
    },
    'scte35.log': ({ limit }) => engine.scte35Log.recent(limit),
    'scte35.encode': ({ section, format }) => {
      try {
        const bytes = Buffer.from(encodeSection(sectionFromJson(section)));
        return { encoded: format === 'hex' ? bytes.toString('hex') : bytes.toString('base64'), format };
      } catch (error) {
        return asArgumentError(error, 'section');
      }
    },

    // The ad-cue deck and the emergency alert (#12): the services answer, refusals are CueErrors.
    'cues.startBreak': (args) => engine.cues.startBreak(args),
    'cues.returnNow': () => engine.cues.returnNow(),
    'cues.cancel': () => engine.cues.cancel(),
    'cues.status': () => engine.cues.status(),
    'cues.asRun': ({ limit }) => engine.cues.asRun(limit),
    'cues.getSettings': () => engine.cues.settings(),
    'cues.setSettings': (changes) => engine.cues.setSettings(changes),
    'alerts.start': (args) => engine.alerts.start(args),
    'alerts.stop': () => engine.alerts.stop(),
    'alerts.status': () => engine.alerts.status(),
    'alerts.log': ({ limit }) => engine.alerts.log(limit),

    // The media library (#14): the library answers and emits media.changed itself.
    // The schedule's rules around it: what has aired is pinned before chapters can change (a
    // re-import or an edit), so aired items' breaks never move what is on air; media that an item
    // not yet aired plays stays (CONFLICT naming the items).
    'media.import': ({ path }) => {
      engine.schedule.pinStarted();
      return engine.media.import(path);
    },
    'media.list': () => engine.media.list(),
    'media.update': ({ id, name, chapters }) => {
      if (chapters !== undefined) engine.schedule.pinStarted();
      return engine.media.update(id, { name, chapters });
    },
    'media.remove': ({ id }) => {
      engine.schedule.refuseMediaRemoval(id);
      engine.schedule.pinStarted();
      return engine.media.remove(id);
    },

    ...createScheduleHandlers(engine),
    ...playoutHandlers(engine),
  };
}
