// The one wrapper every transport goes through (IPC, WebSocket, HTTP): unknown commands are
// refused, arguments validated against the contract, and every outcome becomes an envelope.
// Nothing a client sends can crash the engine.
import { isCommandName, validateCommandArgs, type CommandEnvelope, type CommandName } from '../../../shared/contract.ts';
import { EngineError, errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { CallContext, HandlerTable } from './handlers.ts';

export async function dispatchCommand(handlers: HandlerTable, command: string, rawArgs: unknown, context: CallContext, log: Logger): Promise<CommandEnvelope> {
  if (!isCommandName(command)) {
    return { error: { code: 'UNKNOWN_COMMAND', message: `Unknown command "${command}".` } };
  }
  const validated = validateCommandArgs(command, rawArgs);
  if (!validated.ok) return { error: validated.error };
  try {
    const handler = handlers[command] as (args: unknown, context: CallContext) => unknown;
    return { result: await handler(validated.args, context) };
  } catch (error) {
    return { error: toCommandError(command, error, log) };
  }
}

function toCommandError(command: CommandName, error: unknown, log: Logger) {
  if (error instanceof EngineError) {
    if (error.apiCode === 'INTERNAL') log.error(`${command} failed`, { code: error.code, error });
    return error.toCommandError();
  }
  log.error(`${command} failed unexpectedly`, { error });
  return { code: 'INTERNAL' as const, message: `${command} failed: ${errorMessage(error)}` };
}
