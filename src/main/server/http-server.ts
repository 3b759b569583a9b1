// The headless host's HTTP + WebSocket server: the public automation API, the contract over
// WebSocket, /metrics, and the built renderer so the same UI runs in any browser.
//
// Every request carries the API token, on every bind (loopback too). Every parsing step (target,
// Host, cookie, path encoding, body, WebSocket message) answers a malformed input with a 400 and
// nothing else: no request can make the process exit.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_PREFIX, httpStatusOf, type CommandEnvelope, type CommandError, type WsClientMessage, type WsServerMessage } from '../../shared/contract.ts';
import type { CommandResult } from '../../shared/contract.ts';
import { asRunToCsv } from '../../shared/cues.ts';
import { parseMediaPictureRoute } from '../../shared/media.ts';
import type { Engine } from '../engine/host/engine.ts';
import { hostHeaderIsLoopback, isLoopbackAddress, parseRequestTarget, presentedToken, tokenCookieName, tokenMatches } from './auth.ts';
import { decodePercentEncoded, HttpError, REASON_PHRASES } from './errors.ts';
import { serveStatic } from './static-files.ts';
import { TsFeed } from './ts-feed.ts';
import { IPTV_PREFIX, serveIptv } from './iptv.ts';
import { createMonitorSockets } from './monitor-sockets.ts';
import { receiveUpload } from './uploads.ts';
import { CLOSE_POLICY_VIOLATION, DEFAULT_WEBSOCKET_LIMITS, SendBudget, type WebSocketLimits } from './ws-limits.ts';
import { errorMessage } from '../engine/errors.ts';

export const DEFAULT_PORT = 8088;
const MAX_BODY_BYTES = 1 << 20;
/** The as-run CSV's rows when no limit is asked: the most cues.asRun gives. */
const AS_RUN_CSV_MAX_ROWS = 10_000;
const WS_PATH = `${API_PREFIX}/ws`;
/** The confidence monitor's live TS (see ts-feed.ts). */
export const TS_FEED_PATH = `${API_PREFIX}/monitor/program.ts`;
/** A browser's image or media file, stored in the data dir (see uploads.ts). */
export const UPLOADS_PATH = `${API_PREFIX}/uploads`;
/** How often every connection's send buffer is looked at, so a consumer that went quiet is still closed. */
const BACKPRESSURE_SWEEP_MS = 1000;
/** A consumer closed for slowness does not read its close frame either: its socket goes after this. */
const SLOW_CONSUMER_TERMINATE_MS = 1000;

export interface ApiServerOptions {
  engine: Engine;
  host: string;
  port: number;
  /** Built renderer (out/renderer); null serves the API only. */
  staticDir: string | null;
  /** Required on every request, on every bind. */
  token: string;
  webSocketLimits?: Partial<WebSocketLimits>;
}

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, error: CommandError): void {
  sendJson(response, status, { error });
}

const UNAUTHORIZED_MESSAGE =
  'A valid API token is required. Open the URL that `studio serve` printed (it ends in /?token=…), ' +
  'or send the token from the api-token file in the data dir as "Authorization: Bearer <token>".';

/** What a browser shows when it opens the studio without the token. */
const UNAUTHORIZED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Broadcast Studio: open it with its token</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>Open the studio with its token</h1>
<p>This studio answers only requests that carry its API token.</p>
<p>Open the URL that <code>studio serve</code> printed when it started: it ends in <code>/?token=…</code>.
This browser then keeps the token in a cookie, and this address works.</p>
<p>The token is also in the <code>api-token</code> file of the studio's data dir.</p>
</body></html>
`;

function sendUnauthorizedPage(response: ServerResponse): void {
  response.writeHead(401, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(UNAUTHORIZED_PAGE),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(UNAUTHORIZED_PAGE);
}

/** A status line, headers and a JSON error body, for a socket that has no ServerResponse (upgrades, client errors). */
function rawErrorResponse(status: number, error: CommandError | null): string {
  const body = error ? JSON.stringify({ error }) : '';
  return (
    `HTTP/1.1 ${status} ${REASON_PHRASES[status] ?? 'Error'}\r\n` +
    'Connection: close\r\n' +
    (body ? 'Content-Type: application/json; charset=utf-8\r\n' : '') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
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
    throw new HttpError(400, 'BAD_ARGUMENT', `Request body is not valid JSON: ${errorMessage(error)}`);
  }
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Paths a browser navigates to (the UI), as opposed to the API, metrics and media. */
function isUiPath(route: string): boolean {
  return !route.startsWith(`${API_PREFIX}/`) && route !== '/metrics' && !route.startsWith('/preview/') && !route.startsWith(`${IPTV_PREFIX}/`);
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { engine, token } = options;
  const log = engine.log.child('http');
  const limits: WebSocketLimits = { ...DEFAULT_WEBSOCKET_LIMITS, ...options.webSocketLimits };
  if (!token) throw new Error('The API server needs an API token.');
  const loopbackBind = isLoopbackAddress(options.host);
  // Set from the bound port once listening; no request arrives before.
  let cookieName = tokenCookieName(options.port);
  let listeningUrl = `http://${formatHost(options.host)}:${options.port}`;
  const tsFeed = new TsFeed({ onDropped: (reason) => log.warn(`dropped a confidence-monitor feed that ${reason}`) });
  const iptvFeed = new TsFeed({ onDropped: (reason) => log.warn(`dropped an IPTV client (/iptv/channel.ts) that ${reason}`) });
  const stopEndsFeeds = engine.programLifecycle.onStopped(() => {
    tsFeed.endAll();
    iptvFeed.endAll();
  });

  /**
   * Who may talk to us: a token holder, on every bind. On loopback, only requests addressed to a
   * loopback name too: a web page elsewhere cannot reach the API through DNS rebinding.
   */
  function authorize(request: IncomingMessage, url: URL): HttpError | null {
    if (loopbackBind && !hostHeaderIsLoopback(request.headers.host)) {
      return new HttpError(403, 'FORBIDDEN', 'This studio only answers requests addressed to localhost.');
    }
    if (!tokenMatches(presentedToken(request, url, cookieName), token)) return new HttpError(401, 'UNAUTHORIZED', UNAUTHORIZED_MESSAGE);
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
    const url = parseRequestTarget(request.url);
    const method = request.method ?? 'GET';
    const route = url.pathname;
    const denied = authorize(request, url);
    if (denied) {
      const browserNavigation = (method === 'GET' || method === 'HEAD') && isUiPath(route) && (request.headers.accept ?? '').includes('text/html');
      if (denied.status === 401 && browserNavigation) return sendUnauthorizedPage(response);
      return sendError(response, denied.status, denied.toCommandError());
    }

    // The printed URL (/?token=…) leaves the token in an HttpOnly cookie, then sends the browser on
    // to the same page without it, so the token stays out of the address bar and the history.
    if ((method === 'GET' || method === 'HEAD') && isUiPath(route) && url.searchParams.has('token')) {
      url.searchParams.delete('token');
      // One leading slash: "//host" would be a redirect to another site.
      const location = `/${route.replace(/^\/+/, '')}${url.search}`;
      response.writeHead(303, {
        Location: location,
        'Set-Cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'Content-Length': 0,
      });
      response.end();
      return;
    }

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
      const command = decodePercentEncoded(route.slice(`${API_PREFIX}/commands/`.length), 'the command name');
      const args = await readJsonBody(request);
      const envelope = await engine.dispatch(command, args, { trusted: true });
      return 'error' in envelope ? sendError(response, httpStatusOf[envelope.error.code], envelope.error) : sendJson(response, 200, envelope);
    }
    if (route === `${API_PREFIX}/cues/as-run.csv` && method === 'GET') return sendAsRunCsv(url, response);
    if (route === UPLOADS_PATH) {
      if (method !== 'POST') throw new HttpError(405, 'BAD_ARGUMENT', 'Uploads are sent with POST.');
      if (!sameOrigin(request)) throw new HttpError(403, 'FORBIDDEN', 'Cross-origin requests are refused.');
      const status = engine.status();
      return receiveUpload(request, response, url, {
        dataDir: status.dataDir,
        probe: { ffprobePath: status.ffmpeg?.ffprobePath ?? null, ffmpegPath: status.ffmpeg?.path ?? null },
        log: log.child('uploads'),
      });
    }
    const picture = parseMediaPictureRoute(route);
    if (picture && (method === 'GET' || method === 'HEAD')) return sendMediaPicture(picture, method, response);
    if (route === TS_FEED_PATH && method === 'GET') {
      const program = engine.programHost.airingProgram;
      if (!program) throw new HttpError(409, 'CONFLICT', 'The program is not running; the feed opens at Go Live.');
      return tsFeed.attach(program, response);
    }
    // The channel for IPTV players (iptv.ts): the token rides in the URL (players send no headers).
    if (route.startsWith(`${IPTV_PREFIX}/`)) return serveIptv({ engine, tsFeed: iptvFeed, token, serverUrl: () => listeningUrl }, request, response, url);
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
      if (serveStatic(options.staticDir, route, response)) return;
    }
    throw new HttpError(404, 'NOT_FOUND', `Nothing at ${route}.`);
  }

  /**
   * A library item's cached thumbnail or filmstrip (the file in the data dir). no-cache: a re-import
   * makes the picture again under the same path; the page adds a version to the URL as well.
   */
  function sendMediaPicture(picture: { id: number; kind: 'thumbnail' | 'filmstrip' }, method: string, response: ServerResponse): void {
    const file = engine.media.picturePath(picture.id, picture.kind);
    let size: number;
    try {
      if (!file) throw new Error('none');
      size = statSync(file).size;
    } catch {
      throw new HttpError(404, 'NOT_FOUND', `Media ${picture.id} has no ${picture.kind} (yet).`);
    }
    response.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': size, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    if (method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(file!);
    stream.once('error', () => response.destroy());
    stream.pipe(response);
  }

  /**
   * The as-run log as CSV (the same text the UI exports: asRunToCsv). `?limit=N` (1..10000, default
   * 10000), checked by the cues.asRun command's own schema, so a bad one is a 400 naming the field.
   */
  async function sendAsRunCsv(url: URL, response: ServerResponse): Promise<void> {
    const limit = url.searchParams.get('limit');
    const envelope = await engine.dispatch('cues.asRun', { limit: limit === null ? AS_RUN_CSV_MAX_ROWS : Number(limit) }, { trusted: true });
    if ('error' in envelope) return sendError(response, httpStatusOf[envelope.error.code], envelope.error);
    const body = asRunToCsv(envelope.result as CommandResult<'cues.asRun'>);
    const day = new Date().toISOString().slice(0, 10);
    response.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': `attachment; filename="as-run-${day}.csv"`,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof HttpError) return sendError(response, error.status, error.toCommandError());
      log.error('request failed', { url: request.url, error });
      sendError(response, 500, { code: 'INTERNAL', message: 'Internal error.' });
    });
  });

  // Bytes that are not HTTP (a bad request line or header, headers too large, a timeout): answer
  // and drop the connection. Node does much the same by default; here it is our decision, stated.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const responding = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage?.headersSent === true;
    if (socket.writable && !responding && error.code !== 'ECONNRESET') {
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      socket.write(rawErrorResponse(status, null));
    }
    socket.destroy();
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  const monitors = createMonitorSockets(engine);

  function refuseUpgrade(socket: Duplex, error: unknown): void {
    const refusal = error instanceof HttpError ? error : null;
    if (!refusal) log.error('WebSocket upgrade failed', { error });
    const status = refusal?.status ?? 500;
    const body = refusal?.toCommandError() ?? { code: 'INTERNAL' as const, message: 'Internal error.' };
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(rawErrorResponse(status, body), () => socket.destroy());
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The HTTP server no longer watches this socket: an error on it (a reset) must not go unhandled.
    socket.on('error', () => socket.destroy());
    // The last line of defence: whatever throws here is a refusal, never the end of the process.
    try {
      const url = parseRequestTarget(request.url);
      if (url.pathname !== WS_PATH && !monitors.handles(url.pathname))
        throw new HttpError(404, 'NOT_FOUND', `No WebSocket at ${url.pathname}; it is at ${WS_PATH}.`);
      const denied = authorize(request, url);
      if (denied) throw denied;
      if (!sameOrigin(request)) throw new HttpError(403, 'FORBIDDEN', 'Cross-origin WebSocket refused.');
      if (monitors.handles(url.pathname)) return monitors.upgrade(request, socket, head, url);
      if (sockets.clients.size >= limits.maxConnections) {
        throw new HttpError(503, 'UNAVAILABLE', `Too many WebSocket connections (${limits.maxConnections}); close one and try again.`);
      }
      sockets.handleUpgrade(request, socket, head, (ws) => serveWebSocket(ws));
    } catch (error) {
      refuseUpgrade(socket, error);
    }
  });

  /** Every open connection's back-pressure check, run by the sweep as well as on each send. */
  const backpressureChecks = new Set<() => void>();
  const sweep = setInterval(() => {
    for (const check of backpressureChecks) check();
  }, BACKPRESSURE_SWEEP_MS);
  sweep.unref();

  function serveWebSocket(ws: WebSocket): void {
    const budget = new SendBudget(limits);
    let commandsInFlight = 0;
    let closing = false;

    const closeSlowConsumer = (reason: string): void => {
      if (closing) return;
      closing = true;
      log.warn(`closed a WebSocket client that ${reason}`);
      // Close frames carry at most 123 bytes of reason (RFC 6455 §5.5).
      ws.close(CLOSE_POLICY_VIOLATION, reason.slice(0, 123));
      // It does not read, so the close frame may never leave: its buffer goes within a second, not after ws's 30 s close timeout.
      setTimeout(() => ws.terminate(), SLOW_CONSUMER_TERMINATE_MS).unref();
    };

    /** Sends unless the consumer is too slow: events are shed first; past the caps, it is closed. */
    const deliver = (message: WsServerMessage): void => {
      if (closing || ws.readyState !== ws.OPEN) return;
      // What is already waiting decides, not the new message: one large answer (a day of stats
      // history) still goes to a consumer that keeps up, and the overshoot is at most one message.
      const verdict = budget.verdict(ws.bufferedAmount, Date.now());
      if (verdict.action === 'close') return closeSlowConsumer(verdict.reason);
      if (verdict.action === 'shed-events' && message.type === 'event') return;
      ws.send(JSON.stringify(message));
    };

    const checkBackpressure = (): void => {
      if (closing || ws.readyState !== ws.OPEN) return;
      const verdict = budget.verdict(ws.bufferedAmount, Date.now());
      if (verdict.action === 'close') closeSlowConsumer(verdict.reason);
    };
    backpressureChecks.add(checkBackpressure);

    const unsubscribe = engine.events.subscribeAll((event, payload) => deliver({ type: 'event', event, payload }));
    ws.on('close', () => {
      unsubscribe();
      backpressureChecks.delete(checkBackpressure);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      // A consumer being closed for slowness gets no more work done for it.
      if (closing) return;
      let message: WsClientMessage;
      try {
        if (isBinary) throw new Error('binary frames are not part of the protocol');
        message = JSON.parse(data.toString()) as WsClientMessage;
        if (message?.type !== 'command' || typeof message.id !== 'number' || typeof message.command !== 'string') {
          throw new Error('expected {"type":"command","id":<number>,"command":<string>,"args":{...}}');
        }
      } catch (error) {
        deliver({ type: 'error', id: -1, error: { code: 'BAD_ARGUMENT', message: `Malformed message: ${errorMessage(error)}` } });
        return;
      }
      const { id, command } = message;
      if (commandsInFlight >= limits.maxCommandsInFlight) {
        deliver({
          type: 'error',
          id,
          error: {
            code: 'UNAVAILABLE',
            message: `Too many commands in flight on this connection (${limits.maxCommandsInFlight}); wait for answers before sending more.`,
          },
        });
        return;
      }
      commandsInFlight += 1;
      engine
        .dispatch(command, message.args, { trusted: true })
        .catch((error: unknown): CommandEnvelope => {
          log.error('WebSocket command failed', { command, error });
          return { error: { code: 'INTERNAL', message: 'Internal error.' } };
        })
        .then((envelope: CommandEnvelope) => {
          commandsInFlight -= 1;
          deliver('error' in envelope ? { type: 'error', id, error: envelope.error } : { type: 'result', id, result: envelope.result });
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
  cookieName = tokenCookieName(port);
  const url = `http://${formatHost(options.host)}:${port}`;
  listeningUrl = url;
  engine.setApiAccess({ host: options.host, port, url, tokenRequired: true }, token);
  log.info(`listening on ${url}`);

  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweep);
        stopEndsFeeds();
        tsFeed.destroyAll();
        iptvFeed.destroyAll();
        for (const client of sockets.clients) client.terminate();
        monitors.close();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
