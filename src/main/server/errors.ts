// The HTTP host's errors: each one is an answer (a status and the contract's error envelope),
// never a reason for the process to stop.
import type { CommandError } from '../../shared/contract.ts';

export class HttpError extends Error {
  readonly status: number;
  readonly code: CommandError['code'];
  constructor(status: number, code: CommandError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }

  toCommandError(): CommandError {
    return { code: this.code, message: this.message };
  }
}

/** A request we cannot even parse (its target, a header, its encoding): 400, and nothing else. */
export function badRequest(message: string, cause?: unknown): HttpError {
  return new HttpError(400, 'BAD_ARGUMENT', message, cause === undefined ? undefined : { cause });
}

/** decodeURIComponent throws URIError on malformed percent-encoding (`%E0%A4%A`); this answers 400 instead. */
export function decodePercentEncoded(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    throw badRequest(`Malformed percent-encoding in ${what}.`, error);
  }
}

/** Reason phrases for the statuses we write by hand on a raw socket (upgrade refusals, client errors). */
export const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
