// dispatchCommand: the one door every transport goes through. Unknown commands and bad arguments
// are refused before a handler runs; every handler outcome becomes an envelope; nothing throws.
import { describe, expect, it } from 'vitest';
import { httpStatusOf, type CommandEnvelope } from '../../../shared/contract.ts';
import { EngineError } from '../errors.ts';
import { Logger } from '../log.ts';
import { dispatchCommand } from './dispatch.ts';
import type { CallContext, HandlerTable } from './handlers.ts';

function capturingLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: new Logger({ sink: (line) => lines.push(line), level: 'debug' }), lines };
}

/** A table with only the handlers a test needs; calls are recorded. */
function table(handlers: Record<string, (args: never, context: CallContext) => unknown>): {
  handlers: HandlerTable;
  calls: Array<[string, unknown, CallContext]>;
} {
  const calls: Array<[string, unknown, CallContext]> = [];
  const wrapped: Record<string, (args: never, context: CallContext) => unknown> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    wrapped[name] = (args, context) => {
      calls.push([name, args, context]);
      return handler(args, context);
    };
  }
  return { handlers: wrapped as unknown as HandlerTable, calls };
}

const trusted: CallContext = { trusted: true };

function errorOf(envelope: CommandEnvelope) {
  if (!('error' in envelope)) throw new Error(`expected an error envelope, got ${JSON.stringify(envelope)}`);
  return envelope.error;
}

describe('dispatchCommand', () => {
  it('refuses an unknown command with UNKNOWN_COMMAND (HTTP 404), naming it, without calling any handler', async () => {
    const { handlers, calls } = table({ 'settings.list': () => ({}) });
    const { log } = capturingLog();
    for (const name of ['nope.nothing', 'constructor', '__proto__', 'toString', '']) {
      const error = errorOf(await dispatchCommand(handlers, name, {}, trusted, log));
      expect(error.code).toBe('UNKNOWN_COMMAND');
      expect(httpStatusOf[error.code]).toBe(404);
      expect(error.message).toContain(`"${name}"`);
    }
    expect(calls).toEqual([]);
  });

  it('refuses bad arguments with BAD_ARGUMENT naming the field, without calling the handler', async () => {
    const { handlers, calls } = table({ 'streamKeys.reveal': () => ({}), 'outputs.update': () => ({}), 'program.switchScene': () => ({}) });
    const { log } = capturingLog();

    const wrongType = errorOf(await dispatchCommand(handlers, 'streamKeys.reveal', { id: 'seven' }, trusted, log));
    expect(wrongType).toMatchObject({ code: 'BAD_ARGUMENT', field: 'id' });
    expect(wrongType.message).toContain('streamKeys.reveal');

    const missing = errorOf(await dispatchCommand(handlers, 'streamKeys.reveal', {}, trusted, log));
    expect(missing).toMatchObject({ code: 'BAD_ARGUMENT', field: 'id' });

    const unknownKey = errorOf(await dispatchCommand(handlers, 'streamKeys.reveal', { id: 1, extra: true }, trusted, log));
    expect(unknownKey).toMatchObject({ code: 'BAD_ARGUMENT', field: 'extra' });
    expect(unknownKey.message).toContain('unknown argument "extra"');

    const nested = errorOf(await dispatchCommand(handlers, 'program.switchScene', { sceneId: 1, transition: { kind: 'fade', frames: 0 } }, trusted, log));
    expect(nested).toMatchObject({ code: 'BAD_ARGUMENT', field: 'transition.frames' });

    const notAnObject = errorOf(await dispatchCommand(handlers, 'streamKeys.reveal', 'id=1', trusted, log));
    expect(notAnObject.code).toBe('BAD_ARGUMENT');

    expect(httpStatusOf.BAD_ARGUMENT).toBe(400);
    expect(calls).toEqual([]);
  });

  it('passes the validated arguments (defaults filled in) and the call context to the handler, and wraps its result', async () => {
    const { handlers, calls } = table({ 'program.switchScene': (args: { sceneId: number }) => ({ sceneId: args.sceneId, atFrame: null }) });
    const { log } = capturingLog();
    const envelope = await dispatchCommand(handlers, 'program.switchScene', { sceneId: 3 }, { trusted: false }, log);
    expect(envelope).toEqual({ result: { sceneId: 3, atFrame: null } });
    expect(calls).toEqual([['program.switchScene', { sceneId: 3, transition: { kind: 'cut' } }, { trusted: false }]]);
  });

  it('treats missing arguments of a command that takes none as {}', async () => {
    const { handlers } = table({ 'settings.list': () => ({ listed: true }) });
    const { log } = capturingLog();
    expect(await dispatchCommand(handlers, 'settings.list', undefined, trusted, log)).toEqual({ result: { listed: true } });
    expect(await dispatchCommand(handlers, 'settings.list', null, trusted, log)).toEqual({ result: { listed: true } });
  });

  it('awaits an async handler', async () => {
    const { handlers } = table({
      'settings.list': async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { late: true };
      },
    });
    const { log } = capturingLog();
    expect(await dispatchCommand(handlers, 'settings.list', {}, trusted, log)).toEqual({ result: { late: true } });
  });

  it('maps an EngineError to its API code, message and field; a client error is not logged as a failure', async () => {
    const { handlers } = table({
      'scenes.remove': () => {
        throw new EngineError('NOT_FOUND', 'No scene with id 9.', { apiCode: 'NOT_FOUND', field: 'id' });
      },
      'program.start': async () => {
        throw new EngineError('RUNNING', 'Already on air.', { apiCode: 'CONFLICT' });
      },
    });
    const { log, lines } = capturingLog();
    expect(await dispatchCommand(handlers, 'scenes.remove', { id: 9 }, trusted, log)).toEqual({
      error: { code: 'NOT_FOUND', message: 'No scene with id 9.', field: 'id' },
    });
    // No field: the envelope has none (not field: undefined).
    const conflict = await dispatchCommand(handlers, 'program.start', {}, trusted, log);
    expect(conflict).toEqual({ error: { code: 'CONFLICT', message: 'Already on air.' } });
    expect(Object.keys(errorOf(conflict))).toEqual(['code', 'message']);
    expect(lines.filter((line) => line.includes(' error '))).toEqual([]);
  });

  it('an EngineError with the INTERNAL code is logged with its code', async () => {
    const { handlers } = table({
      'settings.list': () => {
        throw new EngineError('DISK_GONE', 'The store cannot be read.');
      },
    });
    const { log, lines } = capturingLog();
    expect(await dispatchCommand(handlers, 'settings.list', {}, trusted, log)).toEqual({ error: { code: 'INTERNAL', message: 'The store cannot be read.' } });
    expect(lines.some((line) => line.includes('settings.list failed') && line.includes('DISK_GONE'))).toBe(true);
  });

  it('an unexpected throw becomes INTERNAL (HTTP 500): no stack, no cause, no extra properties go to the client; the log gets it', async () => {
    const failure = Object.assign(new TypeError('cannot read properties of undefined'), {
      secretPath: '/root/.studio/db.sqlite',
      cause: new Error('deep cause'),
    });
    const { handlers } = table({
      'settings.list': () => {
        throw failure;
      },
      'settings.set': async () => {
        throw 'a bare string';
      },
    });
    const { log, lines } = capturingLog();
    const envelope = await dispatchCommand(handlers, 'settings.list', {}, trusted, log);
    const error = errorOf(envelope);
    expect(error.code).toBe('INTERNAL');
    expect(httpStatusOf[error.code]).toBe(500);
    expect(Object.keys(error).sort()).toEqual(['code', 'message']);
    expect(error.message).toMatch(/^settings\.list failed: /);
    const serialized = JSON.stringify(envelope);
    expect(serialized).not.toContain(failure.stack!.split('\n')[1]!.trim());
    expect(serialized).not.toContain('/root/.studio');
    expect(serialized).not.toContain('deep cause');
    expect(lines.some((line) => line.includes('settings.list failed unexpectedly') && line.includes('cannot read properties'))).toBe(true);

    const bare = errorOf(await dispatchCommand(handlers, 'settings.set', { key: 'studio.name', value: 'x' }, trusted, log));
    expect(bare).toEqual({ code: 'INTERNAL', message: 'settings.set failed: a bare string' });
  });
});
