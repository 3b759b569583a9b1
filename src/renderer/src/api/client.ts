// The renderer's one API client. In the desktop app it talks to the engine through the preload
// bridge (`window.studio`, Electron IPC); in a browser it opens a WebSocket to `studio serve`.
// Both transports carry the same contract and the same error envelope.
import type {
  API_PREFIX,
  CommandArgsInput,
  CommandEnvelope,
  CommandName,
  CommandResult,
  EventName,
  EventPayloads,
  StudioBridge,
  WsClientMessage,
  WsServerMessage,
} from '../../../shared/contract.ts';
import { describeError, StudioApiError } from './errors.ts';

declare global {
  interface Window {
    /** Present only inside the desktop app, where the preload exposes it. */
    studio?: StudioBridge;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';
export type TransportKind = 'ipc' | 'websocket';
export type EventListener<E extends EventName> = (payload: EventPayloads[E]) => void;

/** Commands whose arguments may all be left out can be called without an argument object. */
export type CallArgs<C extends CommandName> = Record<never, never> extends CommandArgsInput<C> ? [args?: CommandArgsInput<C>] : [args: CommandArgsInput<C>];

export interface StudioClient {
  readonly transport: TransportKind;
  /** Runs a command; resolves with its result or throws a StudioApiError. */
  call<C extends CommandName>(command: C, ...args: CallArgs<C>): Promise<CommandResult<C>>;
  /** Listens to an engine event; returns the unsubscribe function. */
  subscribe<E extends EventName>(event: E, listener: EventListener<E>): () => void;
  readonly connectionState: ConnectionState;
  /** Calls the listener on every change of connection state; returns the unsubscribe function. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  /** Tries to connect now instead of waiting for the next backoff step. */
  reconnect(): void;
  /** Closes the connection for good. */
  close(): void;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** The WebSocket path on the headless host; checked against the contract's prefix at compile time. */
const WS_PATH = '/api/v1/ws' satisfies `${typeof API_PREFIX}/ws`;

export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`;
}

/** The client this renderer should use: IPC inside Electron, a same-origin WebSocket elsewhere. */
export function createStudioClient(): StudioClient {
  if (window.studio) return createIpcClient(window.studio);
  return createWebSocketClient({ url: webSocketUrl(window.location) });
}

function unwrap<R>(command: CommandName, envelope: CommandEnvelope<R>): R {
  if (envelope && typeof envelope === 'object') {
    if ('error' in envelope && envelope.error) throw StudioApiError.fromEnvelope(envelope.error);
    if ('result' in envelope) return envelope.result;
  }
  throw new StudioApiError('INTERNAL', `${command}: the engine sent an answer without a result or an error`);
}

function timeoutError(command: CommandName, timeoutMs: number): StudioApiError {
  return new StudioApiError('TIMEOUT', `${command}: the studio engine did not answer within ${Math.round(timeoutMs / 1000)} s`);
}

// ---------------------------------------------------------------------------
// Electron IPC, through the preload bridge
// ---------------------------------------------------------------------------

export interface IpcClientOptions {
  requestTimeoutMs?: number;
}

export function createIpcClient(bridge: StudioBridge, options: IpcClientOptions = {}): StudioClient {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let closed = false;

  return {
    transport: 'ipc',
    get connectionState(): ConnectionState {
      return closed ? 'closed' : 'open';
    },
    async call<C extends CommandName>(command: C, ...rest: CallArgs<C>): Promise<CommandResult<C>> {
      if (closed) throw new StudioApiError('DISCONNECTED', `${command}: the client is closed`);
      const fn = bridge.commands[command] as ((args: CommandArgsInput<C>) => Promise<CommandEnvelope<CommandResult<C>>>) | undefined;
      if (typeof fn !== 'function') {
        throw new StudioApiError('UNKNOWN_COMMAND', `${command}: this desktop app does not offer the command`);
      }
      const args = (rest[0] ?? {}) as CommandArgsInput<C>;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError(command, timeoutMs)), timeoutMs);
      });
      try {
        const envelope = await Promise.race([fn(args), timeout]);
        return unwrap(command, envelope);
      } catch (error) {
        if (error instanceof StudioApiError) throw error;
        throw new StudioApiError('UNAVAILABLE', `${command}: ${describeError(error)}`, undefined, { cause: error });
      } finally {
        clearTimeout(timer);
      }
    },
    subscribe(event, listener) {
      return bridge.onEvent(event, listener);
    },
    onConnectionState() {
      // IPC is up for as long as the window lives.
      return () => {};
    },
    reconnect() {},
    close() {
      closed = true;
    },
  };
}

// ---------------------------------------------------------------------------
// WebSocket, to `studio serve`
// ---------------------------------------------------------------------------

/** The part of the browser WebSocket this client uses; tests pass a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface WebSocketClientOptions {
  url: string;
  createSocket?: (url: string) => WebSocketLike;
  requestTimeoutMs?: number;
  /** First reconnect delay; doubles on each failed attempt up to maxReconnectDelayMs. */
  initialReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** 0..1; the share of each delay that is randomised, so many clients do not retry in step. */
  reconnectJitter?: number;
  random?: () => number;
}

interface PendingCall {
  command: CommandName;
  frame: string;
  sent: boolean;
  resolve: (result: unknown) => void;
  reject: (error: StudioApiError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const WS_OPEN = 1;

export function createWebSocketClient(options: WebSocketClientOptions): StudioClient {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const initialDelayMs = options.initialReconnectDelayMs ?? 500;
  const maxDelayMs = options.maxReconnectDelayMs ?? 10_000;
  const jitter = options.reconnectJitter ?? 0.3;
  const random = options.random ?? Math.random;

  const pending = new Map<number, PendingCall>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocketLike | null = null;
  let nextId = 1;
  let failedAttempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let closedForGood = false;

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  }

  function settle(id: number): PendingCall | undefined {
    const call = pending.get(id);
    if (!call) return undefined;
    pending.delete(id);
    clearTimeout(call.timer);
    return call;
  }

  function rejectAll(reason: (call: PendingCall) => string): void {
    for (const id of [...pending.keys()]) {
      const call = settle(id)!;
      call.reject(new StudioApiError('DISCONNECTED', reason(call)));
    }
  }

  function connect(): void {
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    if (closedForGood) return;
    setState('connecting');
    let ws: WebSocketLike;
    try {
      ws = createSocket(options.url);
    } catch {
      onSocketClosed();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      failedAttempts = 0;
      setState('open');
      for (const call of pending.values()) {
        if (!call.sent) {
          ws.send(call.frame);
          call.sent = true;
        }
      }
    };
    ws.onmessage = (event) => {
      if (socket !== ws) return;
      handleFrame(event.data);
    };
    // A failed connection fires error then close; close alone does the work.
    ws.onerror = () => {};
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      onSocketClosed();
    };
  }

  function onSocketClosed(): void {
    const wasOpen = state === 'open';
    rejectAll((call) =>
      call.sent && wasOpen
        ? `${call.command}: the connection to the studio engine was lost before it answered`
        : `${call.command}: cannot reach the studio engine`,
    );
    setState('closed');
    if (closedForGood) return;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** failedAttempts);
    const delay = Math.round(base * (1 - jitter * random()));
    failedAttempts += 1;
    reconnectTimer = setTimeout(connect, delay);
  }

  function handleFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: WsServerMessage;
    try {
      message = JSON.parse(data) as WsServerMessage;
    } catch {
      console.warn('studio client: ignoring a frame that is not JSON');
      return;
    }
    if (message.type === 'event') {
      const set = listeners.get(message.event);
      if (!set) return;
      for (const listener of [...set]) {
        try {
          listener(message.payload);
        } catch (error) {
          console.error(`studio client: a listener of ${message.event} threw`, error);
        }
      }
      return;
    }
    if (message.type === 'result' || message.type === 'error') {
      const call = settle(message.id);
      if (!call) return;
      if (message.type === 'result') call.resolve(message.result);
      else call.reject(StudioApiError.fromEnvelope(message.error));
    }
  }

  connect();

  return {
    transport: 'websocket',
    get connectionState() {
      return state;
    },
    call<C extends CommandName>(command: C, ...rest: CallArgs<C>): Promise<CommandResult<C>> {
      if (closedForGood) {
        return Promise.reject(new StudioApiError('DISCONNECTED', `${command}: the client is closed`));
      }
      if (state === 'closed') {
        return Promise.reject(new StudioApiError('DISCONNECTED', `${command}: not connected to the studio engine; reconnecting`));
      }
      const id = nextId++;
      const message: WsClientMessage = { type: 'command', id, command, args: rest[0] ?? {} };
      return new Promise<CommandResult<C>>((resolve, reject) => {
        const call: PendingCall = {
          command,
          frame: JSON.stringify(message),
          sent: false,
          resolve: resolve as (result: unknown) => void,
          reject,
          timer: setTimeout(() => {
            if (settle(id)) reject(timeoutError(command, timeoutMs));
          }, timeoutMs),
        };
        pending.set(id, call);
        // While connecting, the call waits for the socket to open (or fail).
        if (state === 'open' && socket && socket.readyState === WS_OPEN) {
          socket.send(call.frame);
          call.sent = true;
        }
      });
    },
    subscribe<E extends EventName>(event: E, listener: EventListener<E>) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
    onConnectionState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    reconnect() {
      if (closedForGood || state !== 'closed') return;
      failedAttempts = 0;
      connect();
    },
    close() {
      closedForGood = true;
      clearTimeout(reconnectTimer);
      const ws = socket;
      socket = null;
      rejectAll((call) => `${call.command}: the client was closed`);
      setState('closed');
      ws?.close(1000, 'client closed');
    },
  };
}
