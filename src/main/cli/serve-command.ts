// `studio serve`: the engine headless, with the HTTP/WebSocket API and the browser UI.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../engine/data-dir.ts';
import { Engine } from '../engine/host/engine.ts';
import { consoleLogger } from '../engine/log.ts';
import { handleShutdownSignals, killTrackedChildren } from '../engine/process/reaper.ts';
import { packageVersion } from '../engine/version.ts';
import { loadOrCreateApiToken, TOKEN_FILE } from '../server/auth.ts';
import { type ApiServer, DEFAULT_PORT, startApiServer } from '../server/http-server.ts';
import type { CliIo } from './io.ts';
import { errorMessage } from '../engine/errors.ts';

const USAGE = 'usage: studio serve [--port N] [--host ADDR] [--data-dir DIR] [--rtmp-port N] [--rtmp-host ADDR]';

/** A wildcard bind (0.0.0.0, ::) is not an address a browser can open: this machine's loopback is. */
function openableUrl(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::' || host === '[::]') return `http://[::1]:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function parseServeArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      'rtmp-port': { type: 'string', default: '1935' },
      'rtmp-host': { type: 'string', default: '127.0.0.1' },
    },
    strict: true,
  }).values;
}

export async function runServeCommand(argv: string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parseServeArgs>;
  try {
    values = parseServeArgs(argv);
  } catch (error) {
    io.stderr(`studio serve: ${errorMessage(error)}. ${USAGE}\n`);
    return 1;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`studio serve: --port must be a whole number from 0 to 65535 (0 picks a free port), got "${values.port}"\n`);
    return 1;
  }
  const rtmpPort = Number(values['rtmp-port']);
  if (!Number.isInteger(rtmpPort) || rtmpPort < 0 || rtmpPort > 65535) {
    io.stderr(`studio serve: --rtmp-port must be a whole number from 1 to 65535, or 0 for no RTMP ingest, got "${values['rtmp-port']}"\n`);
    return 1;
  }
  // For tests and unusual networks: how long a connection may take over its RTMP handshake.
  const handshakeTimeoutText = process.env.STUDIO_RTMP_HANDSHAKE_TIMEOUT_MS;
  const handshakeTimeoutMs = handshakeTimeoutText === undefined || handshakeTimeoutText === '' ? undefined : Number(handshakeTimeoutText);
  if (handshakeTimeoutMs !== undefined && (!Number.isInteger(handshakeTimeoutMs) || handshakeTimeoutMs < 1)) {
    io.stderr(`studio serve: STUDIO_RTMP_HANDSHAKE_TIMEOUT_MS must be a whole number of milliseconds above 0, got "${handshakeTimeoutText}"\n`);
    return 1;
  }
  const host = values.host!;
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const staticDir = fileURLToPath(new URL('../../../out/renderer', import.meta.url));
  const log = consoleLogger();

  let engine: Engine;
  try {
    engine = await Engine.create({
      dataDir,
      version: packageVersion(),
      host: 'headless',
      log,
      rtmp: rtmpPort === 0 ? null : { port: rtmpPort, bind: values['rtmp-host']!, ...(handshakeTimeoutMs ? { handshakeTimeoutMs } : {}) },
    });
  } catch (error) {
    io.stderr(`studio serve: ${errorMessage(error)}\n`);
    return 1;
  }
  const token = loadOrCreateApiToken(dataDir);
  let server: ApiServer;
  try {
    server = await startApiServer({ engine, host, port, staticDir: existsSync(staticDir) ? staticDir : null, token });
  } catch (error) {
    await engine.close();
    io.stderr(`studio serve: cannot listen on ${host}:${port}: ${errorMessage(error)}\n`);
    return 1;
  }
  if (!existsSync(staticDir)) log.warn(`the UI is not built (${staticDir} is missing): run "npm run build"; the API works without it`);
  io.stdout(`Studio ${packageVersion()} listening on ${server.url}\n`);
  io.stdout(`Data dir: ${dataDir}\n`);
  const ingest = engine.status().ingest;
  io.stdout(ingest.running ? `RTMP ingest: ${ingest.url}/<stream key>\n` : `RTMP ingest: off${ingest.error ? ` (${ingest.error})` : ''}\n`);
  // The token, once, on stdout only (as Jupyter does): never in a log line. Every request needs it.
  io.stdout(`API token required on every request; it is in ${path.join(dataDir, TOKEN_FILE)}\n`);
  io.stdout(`Open the studio: ${openableUrl(host, server.port)}/?token=${token}\n`);

  // SIGINT/SIGTERM/SIGHUP: stop taking requests, then the engine closes the program, the outputs
  // and the store (WAL checkpointed), and the process exits 0. A second signal, or a shutdown
  // longer than the timeout, kills every child and exits FORCED_EXIT_CODE at once.
  return new Promise<number>((resolve) => {
    let stopping = false;
    const forceExit = (why: string) => {
      log.error(`${why}: killing children and exiting now`);
      killTrackedChildren();
      process.exit(FORCED_EXIT_CODE);
    };
    const release = handleShutdownSignals((signal) => {
      if (stopping) return forceExit(`${signal} during shutdown`);
      stopping = true;
      log.info(`${signal}: shutting down`);
      const timeoutMs = shutdownTimeoutMs();
      const deadline = setTimeout(() => forceExit(`shutdown took longer than ${timeoutMs / 1000} s`), timeoutMs);
      void server
        .close()
        .catch((error: unknown) => log.error('closing the API server failed', { error }))
        .then(() => engine.close())
        .then(
          () => 0,
          (error: unknown) => {
            log.error('shutdown failed', { error });
            return 1;
          },
        )
        .then((code) => {
          clearTimeout(deadline);
          release();
          log.info('shut down');
          // Whatever still holds the event loop (a library's timer, a lingering socket) must not
          // keep a finished studio alive.
          setTimeout(() => process.exit(code), 1000).unref();
          resolve(code);
        });
    });
  });
}

/**
 * A shutdown that takes longer than this is cut short: children killed, exit non-zero. The
 * environment may set it (STUDIO_SHUTDOWN_TIMEOUT_MS), e.g. below an orchestrator's grace period.
 */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

function shutdownTimeoutMs(): number {
  const configured = Number(process.env.STUDIO_SHUTDOWN_TIMEOUT_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : SHUTDOWN_TIMEOUT_MS;
}

/** Exit code of a forced shutdown (a second signal, or the timeout). */
export const FORCED_EXIT_CODE = 1;
