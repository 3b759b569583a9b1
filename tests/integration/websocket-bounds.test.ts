// What one WebSocket client can make `studio serve` hold is bounded: connections, commands in
// flight, and the send buffer of a consumer that does not read. Against the real server process,
// whose memory is read from /proc.
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WsServerMessage } from '../../src/shared/contract.ts';
import { DEFAULT_WEBSOCKET_LIMITS } from '../../src/main/server/ws-limits.ts';
import { startStudio, type RunningStudio } from '../support/studio-server.ts';

let studio: RunningStudio;
beforeAll(async () => {
  studio = await startStudio();
});
afterAll(async () => {
  await studio?.stop();
});

const wsUrl = () => `${studio.url.replace('http', 'ws')}/api/v1/ws`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** ws keeps its TCP socket private; these tests need to cork and pause it. */
const tcpOf = (ws: WebSocket) => (ws as unknown as { _socket: Socket })._socket;

function open(): Promise<WebSocket> {
  const ws = new WebSocket(wsUrl(), { headers: studio.authHeaders });
  return new Promise((resolve, reject) => ws.once('open', () => resolve(ws)).once('error', reject));
}

function residentMegabytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) / 1024;
}

async function expectAlive(): Promise<void> {
  expect(studio.process.exitCode, studio.output()).toBeNull();
  const response = await fetch(`${studio.url}/api/v1/health`, { headers: studio.authHeaders });
  expect(response.status).toBe(200);
}

describe('WebSocket bounds', () => {
  it(`refuses the connection over ${DEFAULT_WEBSOCKET_LIMITS.maxConnections} with 503, and takes one again once one closes`, async () => {
    const clients: WebSocket[] = [];
    try {
      for (let index = 0; index < DEFAULT_WEBSOCKET_LIMITS.maxConnections; index += 1) clients.push(await open());
      const extra = new WebSocket(wsUrl(), { headers: studio.authHeaders });
      const refused = await new Promise<number>((resolve, reject) => {
        extra.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        extra.once('open', () => reject(new Error('a connection over the cap was accepted')));
      });
      expect(refused).toBe(503);

      const closed = new Promise((resolve) => clients[0]!.once('close', resolve));
      clients[0]!.close();
      await closed;
      await expect
        .poll(
          async () => {
            try {
              clients[0] = await open();
              return true;
            } catch {
              return false;
            }
          },
          { timeout: 10_000 },
        )
        .toBe(true);
    } finally {
      for (const client of clients) client.terminate();
    }
    await expectAlive();
  });

  it(`answers commands over ${DEFAULT_WEBSOCKET_LIMITS.maxCommandsInFlight} in flight with an error, and takes more once answered`, async () => {
    const ws = await open();
    try {
      const answers = new Map<number, WsServerMessage>();
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as WsServerMessage;
        if (message.type !== 'event') answers.set(message.id, message);
      });
      // One write: the server reads the whole burst at once, before any command is answered.
      const burst = (first: number, count: number) => {
        tcpOf(ws).cork();
        for (let id = first; id < first + count; id += 1) ws.send(JSON.stringify({ type: 'command', id, command: 'settings.list', args: {} }));
        tcpOf(ws).uncork();
      };
      burst(1, 100);
      await expect.poll(() => answers.size, { timeout: 15_000 }).toBe(100);
      const refused = [...answers.values()].filter((answer) => answer.type === 'error');
      const served = [...answers.values()].filter((answer) => answer.type === 'result');
      expect(refused.length).toBeGreaterThan(0);
      expect(served.length).toBeGreaterThanOrEqual(1);
      expect(served.length).toBeLessThanOrEqual(DEFAULT_WEBSOCKET_LIMITS.maxCommandsInFlight * 4);
      for (const answer of refused) {
        expect(answer).toMatchObject({ type: 'error', error: { code: 'UNAVAILABLE', message: expect.stringContaining('Too many commands in flight') } });
      }

      // Answered commands no longer count: a burst within the cap is served whole.
      burst(1001, 10);
      await expect.poll(() => answers.size, { timeout: 15_000 }).toBe(110);
      for (let id = 1001; id < 1011; id += 1) expect(answers.get(id)?.type).toBe('result');
    } finally {
      ws.terminate();
    }
  });

  it("closes a consumer that sends thousands of commands and never reads, and the server's memory stays bounded", async () => {
    // The analytics of an hour on air (360 samples, one per 10 s), as the stats collector stores them:
    // each stats.history answer is then ~100 KB, what made the server grow by hundreds of MB.
    const db = new Database(path.join(studio.dataDir, 'studio.db'));
    try {
      db.pragma('busy_timeout = 5000');
      const insert = db.prepare('INSERT INTO analytics_samples (sampled_at, metrics) VALUES (?, ?)');
      db.transaction(() => {
        for (let index = 0; index < 360; index += 1) {
          const at = new Date(Date.now() - index * 10_000).toISOString();
          const sample = {
            at,
            program: { fps: 29.97, targetFps: 30, framesRendered: 1000 + index, framesDropped: 0, encoderFps: 30, bitrateKbps: 6000, speed: 1 },
            sources: [{ id: 'rtmp-1', state: 'running', reason: null, framesDecoded: 1000 + index, framesDropped: 0 }],
            outputs: [],
            usage: { cpuPercent: 42.5, hostCpuPercent: 61.2, rssBytes: 250_000_000, heapUsedBytes: 80_000_000, diskFreeBytes: 100_000_000_000 },
          };
          insert.run(at, JSON.stringify(sample));
        }
      })();
    } finally {
      db.close();
    }
    const probe = await studio.command<{ result: unknown[] }>('stats.history', {});
    expect(probe.body.result).toHaveLength(360);
    const answerBytes = JSON.stringify(probe.body.result).length;
    expect(answerBytes).toBeGreaterThan(80_000);

    const pid = studio.process.pid!;
    await sleep(500);
    const baseline = residentMegabytes(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, residentMegabytes(pid));
      } catch {
        // the process is gone: the assertions below say so
      }
    }, 50);

    const ws = await open();
    let clientClosed = false;
    ws.on('close', () => (clientClosed = true));
    ws.on('error', () => {});
    // Never read again: the server's answers pile up on its side.
    tcpOf(ws).pause();
    const COMMANDS = 3000;
    const closedLine = /closed a WebSocket client that reads too slowly/;
    let serverClosedIt = false;
    try {
      let sent = 0;
      const deadline = Date.now() + 60_000;
      // Small bursts, so most commands are dispatched and answered rather than refused as too many in flight.
      while (sent < COMMANDS && ws.readyState === WebSocket.OPEN && !closedLine.test(studio.output()) && Date.now() < deadline) {
        tcpOf(ws).cork();
        for (let index = 0; index < 8; index += 1, sent += 1) ws.send(JSON.stringify({ type: 'command', id: sent, command: 'stats.history', args: {} }));
        tcpOf(ws).uncork();
        await sleep(5);
      }
      // Without a bound, the answers would go on piling up: give the server time to either close it or grow.
      for (const until = Date.now() + 20_000; Date.now() < until && !serverClosedIt; await sleep(100)) serverClosedIt = closedLine.test(studio.output());
      await sleep(500);
    } finally {
      clearInterval(sampler);
    }
    try {
      const growth = peak - baseline;
      expect(growth, `RSS ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`).toBeLessThan(50);
      expect(serverClosedIt, 'the server logged closing the slow consumer').toBe(true);
      // Once the server has let go of it, the client learns it is closed (its socket resumed to read the end).
      tcpOf(ws).resume();
      await expect.poll(() => clientClosed, { timeout: 30_000 }).toBe(true);
    } finally {
      ws.terminate();
    }
    await expectAlive();
  }, 180_000);
});
