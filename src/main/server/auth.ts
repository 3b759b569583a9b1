// The API token: generated once, kept in the data dir (mode 0600), required on every request on
// every bind, loopback included (as obs-websocket 5 and Jupyter do): any local process or user can
// reach a loopback port, and only the data dir's owner can read the token.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import path from 'node:path';
import { writeFileAtomic } from '../engine/util/atomic-file.ts';
import { badRequest, decodePercentEncoded } from './errors.ts';

export const TOKEN_FILE = 'api-token';

/**
 * Cookies are per host, not per port: two studios on 127.0.0.1 would overwrite each other's cookie
 * under one name. The port in the name keeps them apart (Jupyter names its cookie the same way).
 */
export function tokenCookieName(port: number): string {
  return `studio_token_${port}`;
}

export function loadOrCreateApiToken(dataDir: string): string {
  const file = path.join(dataDir, TOKEN_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  writeFileAtomic(file, `${token}\n`, 0o600);
  return token;
}

/** Constant-time comparison: how long it takes says nothing about how much of a guess was right. */
export function tokenMatches(presented: string | undefined | null, expected: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: Authorization: Bearer, X-Studio-Token, ?token=, or our cookie. */
export function presentedToken(request: IncomingMessage, url: URL, cookieName: string): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim();
  const header = request.headers['x-studio-token'];
  if (typeof header === 'string') return header;
  const query = url.searchParams.get('token');
  if (query) return query;
  return cookieValue(request.headers.cookie, cookieName);
}

/** Our cookie's value; throws a 400 HttpError when its percent-encoding is malformed. Other cookies are not decoded. */
export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return decodePercentEncoded(part.slice(separator + 1).trim(), `the ${name} cookie`);
  }
  return undefined;
}

const PARSE_BASE = 'http://studio.invalid';

/**
 * The request target (RFC 9112 §3.2) as a URL; throws a 400 HttpError for anything else.
 * Origin-form ("/path?query") is what clients send; the path is taken as sent, so "//[" is a path,
 * not a host. Absolute-form ("http://host/path") must be accepted too (§3.2.2); only its path and
 * query are used. Everything else (authority-form, asterisk-form, garbage) is not for this server.
 */
export function parseRequestTarget(target: string | undefined): URL {
  if (!target) throw badRequest('The request has no target.');
  try {
    if (target.startsWith('/')) return new URL(`${PARSE_BASE}${target}`);
    if (/^https?:\/\//i.test(target)) {
      const absolute = new URL(target);
      return new URL(`${PARSE_BASE}${absolute.pathname}${absolute.search}`);
    }
  } catch (error) {
    throw badRequest('The request target is not a valid URL.', error);
  }
  throw badRequest('The request target must be a path ("/…") or an absolute http URL.');
}

export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1';
  return false;
}

/**
 * On a loopback bind, only requests addressed to a loopback name are served: a web page elsewhere
 * cannot reach the API through DNS rebinding (a hostile name resolving to 127.0.0.1).
 */
export function hostHeaderIsLoopback(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!;
  return isLoopbackAddress(host);
}
