// The headless host's HTTP + WebSocket server: the public automation API, the contract over
// WebSocket, /metrics, and the built renderer so the same UI runs in any browser.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  API_PREFIX,
  httpStatusOf,
  type CommandEnvelope,
  type CommandError,
  type WsClientMessage,
  type WsServerMessage,
} from '../../shared/contract.ts';
import type { Engine } from '../engine/host/engine.ts';
import { hostHeaderIsLoopback, isLoopbackAddress, presentedToken, TOKEN_COOKIE, tokenMatches } from './auth.ts';
import { serveStatic } from './static-files.ts';

export const DEFAULT_PORT = 8088;
const MAX_BODY_BYTES = 1 << 20;
/** A client that cannot keep up loses events rather than growing our memory. */
const MAX_WS_BUFFERED_BYTES = 4 << 20;

export interface ApiServerOptions {
  engine: Engine;
  host: string;
  port: number;
  /** Built renderer (out/renderer); null serves the API only. */
  staticDir: string | null;
  /** Required unless the host is loopback. */
  token: string | null;
}

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  readonly code: CommandError['code'];
  constructor(status: number, code: CommandError['code'], message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, error: CommandError): void {
  sendJson(response, status, { error });
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'BAD_ARGUMENT', `Request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'BAD_ARGUMENT', `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { engine } = options;
  const log = engine.log.child('http');
  const tokenRequired = !isLoopbackAddress(options.host);
  if (tokenRequired && !options.token) throw new Error(`Binding ${options.host} needs an API token.`);

  /** Who may talk to us: a token holder on a public bind; on loopback, requests addressed to loopback. */
  function authorize(request: IncomingMessage, url: URL): HttpError | null {
    if (tokenRequired) {
      return tokenMatches(presentedToken(request, url), options.token!) ? null : new HttpError(401, 'UNAUTHORIZED', 'A valid API token is required.');
    }
    if (!hostHeaderIsLoopback(request.headers.host)) return new HttpError(403, 'FORBIDDEN', 'This studio only answers requests addressed to localhost.');
    return null;
  }

  /** Browsers send Origin on cross-site requests; a page from elsewhere must not drive the studio. */
  function sameOrigin(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (!origin) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://studio.invalid');
    const denied = authorize(request, url);
    if (denied) return sendError(response, denied.status, { code: denied.code, message: denied.message });
    const method = request.method ?? 'GET';
    const route = url.pathname;

    if (route === `${API_PREFIX}/health` && method === 'GET') return sendJson(response, 200, engine.health());
    if (route === `${API_PREFIX}/status` && method === 'GET') return sendJson(response, 200, engine.status());
    if (route.startsWith(`${API_PREFIX}/commands/`)) {
      if (method !== 'POST') throw new HttpError(405, 'BAD_ARGUMENT', 'Commands are sent with POST.');
      if (!sameOrigin(request)) throw new HttpError(403, 'FORBIDDEN', 'Cross-origin requests are refused.');
      const contentType = request.headers['content-type'] ?? '';
      const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
      if (hasBody && !contentType.startsWith('application/json')) {
        throw new HttpError(415, 'BAD_ARGUMENT', 'Send command arguments as Content-Type: application/json.');
      }
      const command = decodeURIComponent(route.slice(`${API_PREFIX}/commands/`.length));
      const args = await readJsonBody(request);
      const envelope = await engine.dispatch(command, args, { trusted: true });
      return 'error' in envelope ? sendError(response, httpStatusOf[envelope.error.code], envelope.error) : sendJson(response, 200, envelope);
    }
    if (route === '/metrics' && method === 'GET') {
      const text = await engine.metrics.metrics();
      response.writeHead(200, { 'Content-Type': engine.metrics.contentType, 'Cache-Control': 'no-store' });
      response.end(text);
      return;
    }
    if (route.startsWith(`${API_PREFIX}/`)) throw new HttpError(404, 'NOT_FOUND', `No API route ${method} ${route}.`);
    // The confidence monitor's HLS: the built-in preview and any HLS output, by output id.
    if (route.startsWith('/preview/') && (method === 'GET' || method === 'HEAD')) {
      if (serveStatic(engine.outputsHost.previewRoot, route.slice('/preview'.length), response)) return;
      throw new HttpError(404, 'NOT_FOUND', `No preview at ${route}; is the program running?`);
    }

    if ((method === 'GET' || method === 'HEAD') && options.staticDir) {
      // Opening the UI with ?token= on a public bind leaves a cookie, so its assets and WebSocket authenticate.
      const cookie: Record<string, string> =
        tokenRequired && url.searchParams.has('token')
          ? { 'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(options.token!)}; HttpOnly; SameSite=Strict; Path=/` }
          : {};
      if (serveStatic(options.staticDir, route, response, cookie)) return;
    }
    throw new HttpError(404, 'NOT_FOUND', `Nothing at ${route}.`);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof HttpError) return sendError(response, error.status, { code: error.code, message: error.message });
      log.error('request failed', { url: request.url, error });
      sendError(response, 500, { code: 'INTERNAL', message: 'Internal error.' });
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://studio.invalid');
    const denied = url.pathname !== `${API_PREFIX}/ws` ? new HttpError(404, 'NOT_FOUND', 'Not found') : authorize(request, url);
    const refused = denied ?? (sameOrigin(request) ? null : new HttpError(403, 'FORBIDDEN', 'Cross-origin WebSocket refused.'));
    if (refused) {
      socket.end(`HTTP/1.1 ${refused.status} ${refused.status === 401 ? 'Unauthorized' : refused.status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveWebSocket(ws));
  });

  function serveWebSocket(ws: WebSocket): void {
    const send = (message: WsServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = engine.events.subscribeAll((event, payload) => {
      if (ws.bufferedAmount < MAX_WS_BUFFERED_BYTES) send({ type: 'event', event, payload });
    });
    ws.on('close', unsubscribe);
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      let message: WsClientMessage;
      try {
        if (isBinary) throw new Error('binary frames are not part of the protocol');
        message = JSON.parse(data.toString()) as WsClientMessage;
        if (message?.type !== 'command' || typeof message.id !== 'number' || typeof message.command !== 'string') {
          throw new Error('expected {"type":"command","id":<number>,"command":<string>,"args":{...}}');
        }
      } catch (error) {
        send({ type: 'error', id: -1, error: { code: 'BAD_ARGUMENT', message: `Malformed message: ${(error as Error).message}` } });
        return;
      }
      void engine.dispatch(message.command, message.args, { trusted: true }).then((envelope: CommandEnvelope) => {
        send('error' in envelope ? { type: 'error', id: message.id, error: envelope.error } : { type: 'result', id: message.id, result: envelope.result });
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${formatHost(options.host)}:${port}`;
  engine.setApiAccess({ host: options.host, port, url, tokenRequired }, options.token);
  log.info(`listening on ${url}`, { tokenRequired });

  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
