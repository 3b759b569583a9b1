// `studio serve` as users run it: a real child process on a free loopback port.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus, Health, StreamKeyWithSecret, WsServerMessage } from '../../src/shared/contract.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

const post = (studio: RunningStudio, command: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${studio.url}/api/v1/commands/${command}`, {
    method: 'POST',
    headers: { ...studio.authHeaders, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const get = (studio: RunningStudio, path: string) => fetch(`${studio.url}${path}`, { headers: studio.authHeaders });

/** The line `studio serve` prints for people: the UI's URL with the token. */
function printedUiUrl(studio: RunningStudio): string | undefined {
  return /^Open the studio: (http:\/\/\S+\/\?token=\S+)$/m.exec(studio.output())?.[1];
}

describe('studio serve on loopback', () => {
  let studio: RunningStudio;
  beforeAll(async () => {
    studio = await startStudio();
  });
  afterAll(async () => {
    await studio?.stop();
  });

  it('binds 127.0.0.1 by default and answers health with the probed ffmpeg', async () => {
    expect(studio.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await get(studio, '/api/v1/health');
    expect(response.status).toBe(200);
    const health = (await response.json()) as Health;
    expect(health.ok).toBe(true);
    expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(health.ffmpeg?.path).toBeTruthy();
    expect(health.ffmpeg?.version).toMatch(/\S/);
    expect(health.ffmpeg?.encoders).toContain('libx264');
    expect(health.ffmpeg?.protocols).toEqual(expect.arrayContaining(['srt', 'rtmp']));
  });

  it('answers status with the engine state', async () => {
    const status = (await (await get(studio, '/api/v1/status')).json()) as EngineStatus;
    expect(status.host).toBe('headless');
    expect(status.dataDir).toBe(studio.dataDir);
    expect(status.store.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(status.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(status.api).toMatchObject({ host: '127.0.0.1', port: studio.port, tokenRequired: true, token: null });
  });

  it('runs a contract command', async () => {
    const response = await post(studio, 'settings.set', { key: 'studio.name', value: 'Channel 7' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: { 'studio.name': 'Channel 7' } });
  });

  it('answers 404 for an unknown command', async () => {
    const response = await post(studio, 'no.such.command', {});
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'UNKNOWN_COMMAND', message: 'Unknown command "no.such.command".' } });
  });

  it('answers 400 naming the bad field', async () => {
    const response = await post(studio, 'streamKeys.create', { name: '' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; field: string; message: string } };
    expect(body.error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'name' });
    expect(body.error.message).toContain('"name"');
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await fetch(`${studio.url}/api/v1/commands/settings.list`, {
      method: 'POST',
      headers: { ...studio.authHeaders, 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
  });

  it('refuses a cross-site form post', async () => {
    const response = await fetch(`${studio.url}/api/v1/commands/settings.list`, {
      method: 'POST',
      headers: { ...studio.authHeaders, 'Content-Type': 'text/plain', Origin: 'https://evil.example' },
      body: '{}',
    });
    expect(response.status).toBe(403);
  });

  it('refuses a request addressed to another host name (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: studio.port, path: '/api/v1/health', headers: { ...studio.authHeaders, Host: 'evil.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });

  it('serves /metrics as Prometheus text', async () => {
    const response = await get(studio, '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await response.text());
    const names = families.map((family) => family.name);
    expect(names).toEqual(
      expect.arrayContaining(['studio_build_info', 'studio_uptime_seconds', 'studio_ffmpeg_available', 'studio_process_cpu_seconds_total']),
    );
    for (const family of families) {
      expect(family.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      for (const metric of family.metrics) {
        const value = metric.value ?? metric.sum;
        if (value !== undefined) expect(Number.isNaN(Number(value))).toBe(false);
      }
    }
    expect(families.find((family) => family.name === 'studio_ffmpeg_available')?.metrics[0]?.value).toBe('1');
  });

  it('serves the built UI with a strict CSP', async () => {
    const response = await get(studio, '/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('<div id="root">');
  });

  it('keeps running, and says why, when its RTMP port is taken', async () => {
    const second = await startStudio({ args: ['--rtmp-port', String(studio.rtmpPort)] });
    try {
      const status = (await (await get(second, '/api/v1/status')).json()) as EngineStatus;
      expect(status.ingest).toMatchObject({ running: false, error: expect.stringContaining('already in use') });
      expect((await get(second, '/api/v1/health')).status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('carries commands and pushes events over the WebSocket', async () => {
    const ws = new WebSocket(`${studio.url.replace('http', 'ws')}/api/v1/ws`, { headers: studio.authHeaders });
    const messages: WsServerMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as WsServerMessage));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'command', id: 1, command: 'streamKeys.create', args: { name: 'OBS' } }));
    ws.send(JSON.stringify({ type: 'command', id: 2, command: 'streamKeys.create', args: { name: 5 } }));
    await expect.poll(() => messages.some((m) => m.type === 'event' && m.event === 'engine.status'), { timeout: 5000 }).toBe(true);
    await expect.poll(() => messages.filter((m) => m.type !== 'event').length).toBe(2);
    const created = messages.find((m) => m.type === 'result' && m.id === 1) as { result: StreamKeyWithSecret };
    expect(created.result.key).toMatch(/^live_/);
    expect(messages.find((m) => m.type === 'error' && m.id === 2)).toMatchObject({ error: { code: 'BAD_ARGUMENT', field: 'name' } });
    expect(messages.some((m) => m.type === 'event' && m.event === 'streamKeys.changed')).toBe(true);
    ws.close();

    // The key is a secret: never in the log, the status or the list.
    const status = await (await get(studio, '/api/v1/status')).text();
    const list = await (await post(studio, 'streamKeys.list', {})).text();
    for (const text of [studio.output(), status, list]) expect(text).not.toContain(created.result.key);
  });
});

describe('the API token on a loopback bind', () => {
  let studio: RunningStudio;
  beforeAll(async () => {
    studio = await startStudio();
  });
  afterAll(async () => {
    await studio?.stop();
  });

  it('is required on every request, the token-revealing commands included', async () => {
    const requests: Array<[string, RequestInit]> = [
      ['/api/v1/health', {}],
      ['/api/v1/status', {}],
      ['/metrics', {}],
      ['/', {}],
      ['/assets/none.js', {}],
      ['/preview/program/index.m3u8', {}],
      ['/api/v1/commands/system.apiAccess', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }],
      ['/api/v1/commands/streamKeys.reveal', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":1}' }],
    ];
    for (const [path, init] of requests) {
      for (const credential of [{}, { Authorization: 'Bearer wrong' }, { Cookie: `studio_token_${studio.port}=wrong` }]) {
        const response = await fetch(`${studio.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...credential } });
        expect(response.status, `${path} ${JSON.stringify(credential)}`).toBe(401);
        const body = await response.text();
        expect(body).not.toContain('"result"');
        expect(body).not.toContain(studio.token);
      }
    }
    const socket = new WebSocket(`${studio.url.replace('http', 'ws')}/api/v1/ws`);
    const refused = await new Promise<number>((resolve) => socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)));
    expect(refused).toBe(401);
  });

  it('shows a browser without the cookie a page that says to open the printed URL', async () => {
    const response = await fetch(`${studio.url}/`, { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('studio serve');
    expect(page).toContain('/?token=');
    expect(page).not.toContain(studio.token);
  });

  it('prints the UI URL with the token once, on stdout, and never in a log line', () => {
    const url = printedUiUrl(studio);
    expect(url).toBe(`http://127.0.0.1:${studio.port}/?token=${studio.token}`);
    expect(studio.output().split(studio.token).length - 1).toBe(1);
  });

  it('the printed URL leaves the token in an HttpOnly, SameSite=Strict cookie and sends the browser on without it', async () => {
    const opened = await fetch(printedUiUrl(studio)!, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/');
    const cookie = opened.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^studio_token_${studio.port}=${studio.token};`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const pair = cookie.split(';')[0]!;

    // The cookie alone authenticates the page, the API and the WebSocket.
    const page = await fetch(`${studio.url}/`, { headers: { Cookie: pair } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const access = await post(studio, 'system.apiAccess', {}, { Authorization: '', Cookie: pair });
    expect(await access.json()).toMatchObject({ result: { tokenRequired: true, token: studio.token } });
    const socket = new WebSocket(`${studio.url.replace('http', 'ws')}/api/v1/ws`, { headers: { Cookie: pair } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.close();

    // The redirect keeps the rest of the query, and never leaves the site: "//host" is a path here.
    const deep = await fetch(`${studio.url}//evil.example/?token=${studio.token}&tab=outputs`, { redirect: 'manual' });
    expect(deep.status).toBe(303);
    expect(deep.headers.get('location')).toBe('/evil.example/?tab=outputs');
  });

  it('a wrong token in the URL sets no cookie', async () => {
    const opened = await fetch(`${studio.url}/?token=wrong`, { redirect: 'manual' });
    expect(opened.status).toBe(401);
    expect(opened.headers.get('set-cookie')).toBeNull();
    await opened.body?.cancel();
  });
});

describe('studio serve on a non-loopback address', () => {
  let studio: RunningStudio;
  let token: string;
  beforeAll(async () => {
    studio = await startStudio({ host: '0.0.0.0' });
    const { readFileSync } = await import('node:fs');
    token = readFileSync(`${studio.dataDir}/api-token`, 'utf8').trim();
  });
  afterAll(async () => {
    await studio?.stop();
  });

  it('refuses every request without the right token with 401 and nothing else', async () => {
    const base = `http://127.0.0.1:${studio.port}`;
    for (const [path, init] of [
      ['/api/v1/health', {}],
      ['/api/v1/status', {}],
      ['/metrics', {}],
      ['/', {}],
      ['/api/v1/commands/settings.list', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }],
    ] as const) {
      const missing = await fetch(`${base}${path}`, init);
      expect(missing.status, path).toBe(401);
      expect(JSON.stringify(await missing.json())).not.toContain('"result"');
      const wrong = await fetch(`${base}${path}`, { ...init, headers: { ...('headers' in init ? init.headers : {}), Authorization: 'Bearer wrong' } });
      expect(wrong.status, path).toBe(401);
      await wrong.body?.cancel();
    }
    const socket = new WebSocket(`ws://127.0.0.1:${studio.port}/api/v1/ws`);
    const refused = await new Promise<number>((resolve) => socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)));
    expect(refused).toBe(401);
    // The token appears once: in the URL printed for people, which a browser on this machine can open.
    expect(studio.output().split(token).length - 1).toBe(1);
    expect(printedUiUrl(studio)).toBe(`http://127.0.0.1:${studio.port}/?token=${token}`);
  });

  it('serves requests that carry the token', async () => {
    const base = `http://127.0.0.1:${studio.port}`;
    const health = await fetch(`${base}/api/v1/health`, { headers: { Authorization: `Bearer ${token}` } });
    expect(health.status).toBe(200);
    const page = await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('set-cookie')).toContain(`studio_token_${studio.port}=`);
    const access = await fetch(`${base}/api/v1/commands/system.apiAccess`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Studio-Token': token },
      body: '{}',
    });
    expect(await access.json()).toMatchObject({ result: { tokenRequired: true, token } });
    const socket = new WebSocket(`ws://127.0.0.1:${studio.port}/api/v1/ws`, { headers: { Authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.close();
  });
});
