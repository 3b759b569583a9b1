import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineStatus, StudioBridge, WsClientMessage, WsServerMessage } from '../../../shared/contract.ts';
import { createIpcClient, createWebSocketClient, webSocketUrl, type StudioClient, type WebSocketLike } from './client.ts';
import { StudioApiError } from './errors.ts';

/** A WebSocket the test drives by hand: open it, answer frames, drop it. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: WsClientMessage[] = [];
  closedByClient = false;

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as WsClientMessage);
  }
  close(): void {
    this.closedByClient = true;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: WsServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({});
  }
}

function setup(options: { requestTimeoutMs?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const urls: string[] = [];
  const client = createWebSocketClient({
    url: 'ws://studio.test/api/v1/ws',
    createSocket: (url) => {
      urls.push(url);
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    initialReconnectDelayMs: 100,
    maxReconnectDelayMs: 1000,
    reconnectJitter: 0,
    ...options,
  });
  const states: string[] = [];
  client.onConnectionState((state) => states.push(state));
  const latest = () => sockets[sockets.length - 1]!;
  return { client, sockets, urls, states, latest };
}

describe('webSocketUrl', () => {
  it('follows the page: ws for http, wss for https, same host and port', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:8088' })).toBe('ws://127.0.0.1:8088/api/v1/ws');
    expect(webSocketUrl({ protocol: 'https:', host: 'studio.example' })).toBe('wss://studio.example/api/v1/ws');
  });
});

describe('WebSocket client', () => {
  let client: StudioClient | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    client?.close();
    vi.useRealTimers();
  });

  it('holds calls made while connecting and sends them once the socket opens', async () => {
    const t = setup();
    client = t.client;
    expect(t.client.connectionState).toBe('connecting');
    const health = t.client.call('streamKeys.create', { name: 'Camera 1' });
    expect(t.latest().sent).toHaveLength(0);
    t.latest().open();
    expect(t.states).toEqual(['open']);
    expect(t.latest().sent).toEqual([{ type: 'command', id: 1, command: 'streamKeys.create', args: { name: 'Camera 1' } }]);
    const created = { id: 7, name: 'Camera 1', masked: '••••beef', createdAt: '2026-01-01T00:00:00Z', key: 'k-beef' };
    t.latest().receive({ type: 'result', id: 1, result: created });
    await expect(health).resolves.toEqual(created);
  });

  it('sends an empty argument object when a command takes none', () => {
    const t = setup();
    client = t.client;
    t.latest().open();
    void t.client.call('system.status').catch(() => {});
    expect(t.latest().sent[0]).toEqual({ type: 'command', id: 1, command: 'system.status', args: {} });
  });

  it('matches answers to calls by id, whatever their order', async () => {
    const t = setup();
    client = t.client;
    t.latest().open();
    const first = t.client.call('streamKeys.reveal', { id: 1 });
    const second = t.client.call('streamKeys.remove', { id: 2 });
    t.latest().receive({ type: 'result', id: 2, result: { removed: true } });
    t.latest().receive({ type: 'result', id: 1, result: { id: 1, name: 'a', masked: '••••0001', createdAt: '', key: 'x0001' } });
    await expect(second).resolves.toEqual({ removed: true });
    await expect(first).resolves.toMatchObject({ key: 'x0001' });
  });

  it('rebuilds the engine error with its code and field', async () => {
    const t = setup();
    client = t.client;
    t.latest().open();
    const call = t.client.call('streamKeys.create', { name: '' });
    t.latest().receive({
      type: 'error',
      id: 1,
      error: { code: 'BAD_ARGUMENT', message: 'streamKeys.create: argument "name" must not be empty', field: 'name' },
    });
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioApiError);
    expect(error).toMatchObject({ code: 'BAD_ARGUMENT', field: 'name', message: 'streamKeys.create: argument "name" must not be empty' });
  });

  it('times out a call the engine never answers, naming the command', async () => {
    const t = setup({ requestTimeoutMs: 2000 });
    client = t.client;
    t.latest().open();
    const call = t.client.call('system.status');
    const settled = call.catch((e: unknown) => e);
    vi.advanceTimersByTime(2000);
    const error = await settled;
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect((error as Error).message).toMatch(/^system\.status: .*within 2 s/);
    // A late answer for a timed-out call is ignored.
    t.latest().receive({ type: 'result', id: 1, result: {} });
  });

  it('rejects calls in flight when the connection drops, then reconnects with growing delays', async () => {
    const t = setup();
    client = t.client;
    t.latest().open();
    const call = t.client.call('streamKeys.list').catch((e: unknown) => e);
    t.latest().drop();
    expect(await call).toMatchObject({ code: 'DISCONNECTED', message: expect.stringMatching(/lost before it answered/) });
    expect(t.client.connectionState).toBe('closed');

    // While closed, a call fails at once rather than waiting for a connection that may not come.
    await expect(t.client.call('streamKeys.list')).rejects.toMatchObject({ code: 'DISCONNECTED' });

    // Backoff: 100 ms, then 200 ms, then 400 ms after each failed attempt.
    expect(t.sockets).toHaveLength(1);
    vi.advanceTimersByTime(99);
    expect(t.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(t.sockets).toHaveLength(2);
    expect(t.client.connectionState).toBe('connecting');
    t.latest().drop();
    vi.advanceTimersByTime(199);
    expect(t.sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(t.sockets).toHaveLength(3);
    t.latest().drop();
    vi.advanceTimersByTime(400);
    expect(t.sockets).toHaveLength(4);

    // A successful open resets the backoff.
    t.latest().open();
    t.latest().drop();
    vi.advanceTimersByTime(100);
    expect(t.sockets).toHaveLength(5);
    expect(t.urls.every((url) => url === 'ws://studio.test/api/v1/ws')).toBe(true);
    expect(t.states).toEqual(['open', 'closed', 'connecting', 'closed', 'connecting', 'closed', 'connecting', 'open', 'closed', 'connecting']);
  });

  it('caps the reconnect delay', () => {
    const t = setup();
    client = t.client;
    for (let attempt = 0; attempt < 8; attempt++) {
      t.latest().drop();
      vi.advanceTimersByTime(1000);
    }
    expect(t.sockets).toHaveLength(9);
  });

  it('rejects calls waiting for a connection that fails', async () => {
    const t = setup();
    client = t.client;
    const call = t.client.call('system.status').catch((e: unknown) => e);
    t.latest().drop();
    expect(await call).toMatchObject({ code: 'DISCONNECTED', message: 'system.status: cannot reach the studio engine' });
  });

  it('reconnect() tries at once instead of waiting for the backoff', () => {
    const t = setup();
    client = t.client;
    t.latest().drop();
    t.client.reconnect();
    expect(t.sockets).toHaveLength(2);
  });

  it('delivers pushed events to subscribers until they unsubscribe', () => {
    const t = setup();
    client = t.client;
    t.latest().open();
    const seen: number[] = [];
    const unsubscribe = t.client.subscribe('engine.status', (status) => seen.push(status.uptimeSeconds));
    const other: unknown[] = [];
    t.client.subscribe('streamKeys.changed', (keys) => other.push(keys));
    const status = (uptimeSeconds: number) => ({ uptimeSeconds }) as EngineStatus;
    t.latest().receive({ type: 'event', event: 'engine.status', payload: status(1) });
    t.latest().receive({ type: 'event', event: 'engine.status', payload: status(2) });
    unsubscribe();
    t.latest().receive({ type: 'event', event: 'engine.status', payload: status(3) });
    expect(seen).toEqual([1, 2]);
    expect(other).toEqual([]);
  });

  it('keeps other listeners going when one throws', () => {
    const t = setup();
    client = t.client;
    t.latest().open();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: number[] = [];
    t.client.subscribe('engine.status', () => {
      throw new Error('listener bug');
    });
    t.client.subscribe('engine.status', (status) => seen.push(status.uptimeSeconds));
    t.latest().receive({ type: 'event', event: 'engine.status', payload: { uptimeSeconds: 5 } as EngineStatus });
    expect(seen).toEqual([5]);
    expect(consoleError).toHaveBeenCalledOnce();
    consoleError.mockRestore();
  });

  it('close() rejects what is pending, closes the socket and stops reconnecting', async () => {
    const t = setup();
    const call = t.client.call('system.status').catch((e: unknown) => e);
    t.client.close();
    expect(await call).toMatchObject({ code: 'DISCONNECTED' });
    expect(t.latest().closedByClient).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(t.sockets).toHaveLength(1);
    await expect(t.client.call('system.status')).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });
});

describe('IPC client', () => {
  function bridgeWith(commands: Partial<StudioBridge['commands']>): StudioBridge {
    return {
      commands: commands as StudioBridge['commands'],
      onEvent: () => () => {},
    };
  }

  it('unwraps the envelope the preload returns', async () => {
    const client = createIpcClient(bridgeWith({ 'streamKeys.remove': async (args) => ({ result: { removed: args.id === 3 } }) }));
    expect(client.connectionState).toBe('open');
    await expect(client.call('streamKeys.remove', { id: 3 })).resolves.toEqual({ removed: true });
  });

  it('throws the envelope error as a StudioApiError with its field', async () => {
    const client = createIpcClient(
      bridgeWith({
        'streamKeys.create': async () => ({ error: { code: 'BAD_ARGUMENT', message: 'name must not be empty', field: 'name' } }),
      }),
    );
    await expect(client.call('streamKeys.create', { name: '' })).rejects.toMatchObject({
      name: 'StudioApiError',
      code: 'BAD_ARGUMENT',
      field: 'name',
    });
  });

  it('times out when the main process does not answer', async () => {
    vi.useFakeTimers();
    try {
      const client = createIpcClient(bridgeWith({ 'system.status': () => new Promise(() => {}) }), { requestTimeoutMs: 500 });
      const call = client.call('system.status').catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(500);
      expect(await call).toMatchObject({ code: 'TIMEOUT' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('says so when the bridge lacks a command', async () => {
    const client = createIpcClient(bridgeWith({}));
    await expect(client.call('system.health')).rejects.toMatchObject({ code: 'UNKNOWN_COMMAND' });
  });

  it('requires the arguments a command needs (type level)', () => {
    const client = createIpcClient(bridgeWith({ 'streamKeys.create': async () => ({ error: { code: 'INTERNAL', message: 'x' } }) }));
    // @ts-expect-error streamKeys.create needs { name }
    void client.call('streamKeys.create').catch(() => {});
  });
});
