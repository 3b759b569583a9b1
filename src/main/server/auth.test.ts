import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostHeaderIsLoopback, isLoopbackAddress, loadOrCreateApiToken, presentedToken, TOKEN_FILE, tokenMatches } from './auth.ts';

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
    expect(presentedToken(request({ authorization: 'Bearer abc' }), url)).toBe('abc');
    expect(presentedToken(request({ 'x-studio-token': 'def' }), url)).toBe('def');
    expect(presentedToken(request({}), new URL('http://h/?token=ghi'))).toBe('ghi');
    expect(presentedToken(request({ cookie: 'a=1; studio_token=jkl' }), url)).toBe('jkl');
    expect(presentedToken(request({ authorization: 'Basic zzz' }), url)).toBeUndefined();
  });

  it('knows loopback addresses and Host headers', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopbackAddress(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'example.com']) expect(isLoopbackAddress(host)).toBe(false);
    expect(hostHeaderIsLoopback('127.0.0.1:8088')).toBe(true);
    expect(hostHeaderIsLoopback('[::1]:8088')).toBe(true);
    expect(hostHeaderIsLoopback('localhost')).toBe(true);
    expect(hostHeaderIsLoopback('evil.example:8088')).toBe(false);
    expect(hostHeaderIsLoopback(undefined)).toBe(false);
  });
});
