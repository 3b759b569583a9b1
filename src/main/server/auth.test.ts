import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cookieValue,
  hostHeaderIsLoopback,
  isLoopbackAddress,
  loadOrCreateApiToken,
  parseRequestTarget,
  presentedToken,
  tokenCookieName,
  TOKEN_FILE,
  tokenMatches,
} from './auth.ts';
import { HttpError } from './errors.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-auth-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('API token', () => {
  it('is generated once, kept in the data dir readable by the owner only, and reused', () => {
    const token = loadOrCreateApiToken(dataDir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = path.join(dataDir, TOKEN_FILE);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateApiToken(dataDir)).toBe(token);
  });

  it('matches only the exact token', () => {
    const token = loadOrCreateApiToken(dataDir);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(undefined, token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches(token.slice(0, -1), token)).toBe(false);
    expect(tokenMatches(`${token.slice(0, -1)}x`, token)).toBe(token.endsWith('x'));
    expect(tokenMatches(`${token}x`, token)).toBe(false);
  });

  it('is read from a bearer header, X-Studio-Token, the query or our cookie', () => {
    const url = new URL('http://h/api/v1/health');
    const cookie = tokenCookieName(8088);
    expect(cookie).toBe('studio_token_8088');
    expect(presentedToken(request({ authorization: 'Bearer abc' }), url, cookie)).toBe('abc');
    expect(presentedToken(request({ 'x-studio-token': 'def' }), url, cookie)).toBe('def');
    expect(presentedToken(request({}), new URL('http://h/?token=ghi'), cookie)).toBe('ghi');
    expect(presentedToken(request({ cookie: 'a=1; studio_token_8088=jkl' }), url, cookie)).toBe('jkl');
    // Another studio's cookie on the same host (cookies are not per port) is not ours.
    expect(presentedToken(request({ cookie: 'studio_token_9000=mno' }), url, cookie)).toBeUndefined();
    expect(presentedToken(request({ authorization: 'Basic zzz' }), url, cookie)).toBeUndefined();
  });

  it('answers a malformed percent-encoded cookie with a 400 HttpError, and leaves other cookies undecoded', () => {
    const thrown = (() => {
      try {
        cookieValue('studio_token_1=%E0%A4%A', 'studio_token_1');
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(thrown).toBeInstanceOf(HttpError);
    expect(thrown).toMatchObject({ status: 400, code: 'BAD_ARGUMENT' });
    expect(cookieValue('other=%E0%A4%A; studio_token_1=abc', 'studio_token_1')).toBe('abc');
  });

  it('parses request targets, answering odd ones with a 400 HttpError', () => {
    expect(parseRequestTarget('/api/v1/ws?x=1').pathname).toBe('/api/v1/ws');
    expect(parseRequestTarget('/%E0%A4%A').pathname).toBe('/%E0%A4%A');
    // Origin-form keeps the path as sent: "//[" is a path, not a host.
    expect(parseRequestTarget('//[').pathname).toBe('//[');
    expect(parseRequestTarget('http://elsewhere.example/api/v1/ws?token=t').pathname).toBe('/api/v1/ws');
    expect(parseRequestTarget('http://elsewhere.example/api/v1/ws?token=t').searchParams.get('token')).toBe('t');
    for (const target of ['http://[', 'http://a:99999/', 'https://[::1', '*', 'example.com:443', '', undefined, 'ftp://a/']) {
      expect(() => parseRequestTarget(target), String(target)).toThrow(HttpError);
    }
  });

  it('knows loopback addresses and Host headers', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopbackAddress(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'example.com']) expect(isLoopbackAddress(host)).toBe(false);
    expect(hostHeaderIsLoopback('127.0.0.1:8088')).toBe(true);
    expect(hostHeaderIsLoopback('[::1]:8088')).toBe(true);
    expect(hostHeaderIsLoopback('localhost')).toBe(true);
    expect(hostHeaderIsLoopback('evil.example:8088')).toBe(false);
    expect(hostHeaderIsLoopback(undefined)).toBe(false);
    for (const odd of ['', '[', '[::1', ':', '[]', '127.0.0.1.evil.example', 'evil@127.0.0.1']) expect(hostHeaderIsLoopback(odd), odd).toBe(false);
  });
});
