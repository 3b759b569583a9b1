import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  commandArgs,
  commandNames,
  httpStatusOf,
  errorCodes,
  validateCommandArgs,
  type CommandArgsInput,
  type CommandName,
  type CommandResult,
  type Health,
} from './contract.ts';

/** One accepted and one refused argument set for every command, with the field the refusal names. */
const cases: { [C in CommandName]: { good: CommandArgsInput<C>; bad: unknown; badField: string | undefined } } = {
  'system.health': { good: {}, bad: { verbose: true }, badField: 'verbose' },
  'system.status': { good: {}, bad: { extra: 1 }, badField: 'extra' },
  'system.apiAccess': { good: {}, bad: { token: 'x' }, badField: 'token' },
  'settings.list': { good: {}, bad: { key: 'studio.name' }, badField: 'key' },
  'settings.set': { good: { key: 'studio.name', value: 'My channel' }, bad: { key: 'no.such.setting', value: 1 }, badField: 'key' },
  'streamKeys.list': { good: {}, bad: { all: true }, badField: 'all' },
  'streamKeys.create': { good: { name: 'OBS main' }, bad: { name: '   ' }, badField: 'name' },
  'streamKeys.reveal': { good: { id: 3 }, bad: { id: 0 }, badField: 'id' },
  'streamKeys.remove': { good: { id: 1 }, bad: { id: 1.5 }, badField: 'id' },
  'scte35.decode': { good: { section: '/DARAAAAAAAAAP/wAAAAAHpPv/8=' }, bad: { section: 42 }, badField: 'section' },
  'scte35.encode': { good: { section: { table_id: 252 } }, bad: { section: { table_id: 252 }, format: 'binary' }, badField: 'format' },
};

describe('contract', () => {
  it('has a validation case for every command', () => {
    expect(Object.keys(cases).sort()).toEqual([...commandNames].sort());
  });

  describe.each(commandNames)('%s', (command) => {
    const { good, bad, badField } = cases[command];

    it('accepts good arguments', () => {
      const result = validateCommandArgs(command, good);
      expect(result.ok).toBe(true);
    });

    it('refuses bad arguments with a typed error naming the field', () => {
      const result = validateCommandArgs(command, bad);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('BAD_ARGUMENT');
      expect(result.error.field).toBe(badField);
      expect(result.error.message).toContain(command);
      expect(result.error.message).toContain(String(badField));
    });

    it('refuses a non-object', () => {
      const result = validateCommandArgs(command, 'not an object');
      expect(result.ok).toBe(false);
    });
  });

  it('treats missing arguments as an empty object', () => {
    expect(validateCommandArgs('system.health', undefined).ok).toBe(true);
    expect(validateCommandArgs('streamKeys.create', undefined).ok).toBe(false);
  });

  it('applies defaults', () => {
    const result = validateCommandArgs('scte35.encode', { section: {} });
    expect(result.ok && result.args.format).toBe('base64');
  });

  it('trims names before checking them', () => {
    const result = validateCommandArgs('streamKeys.create', { name: '  Studio A  ' });
    expect(result.ok && result.args.name).toBe('Studio A');
  });

  it('maps every error code to an HTTP status', () => {
    for (const code of errorCodes) expect(httpStatusOf[code]).toBeGreaterThanOrEqual(400);
    expect(httpStatusOf.BAD_ARGUMENT).toBe(400);
    expect(httpStatusOf.UNKNOWN_COMMAND).toBe(404);
    expect(httpStatusOf.UNAUTHORIZED).toBe(401);
  });

  it('types results per command', () => {
    expectTypeOf<CommandResult<'system.health'>>().toEqualTypeOf<Health>();
    expectTypeOf<CommandArgsInput<'streamKeys.create'>>().toEqualTypeOf<{ name: string }>();
    expectTypeOf(commandArgs).toHaveProperty('system.status');
  });
});
