// Raw bytes to an HTTP port, for requests fetch and the ws client refuse to send (odd targets,
// malformed headers and cookies, garbage). Resolves with what came back once the server closed the
// connection, or after the timeout with `closedByServer: false`.
import net from 'node:net';

export interface RawExchange {
  /** Everything the server sent, as latin1 text. */
  response: string;
  /** The status of the first response line, or null when none came. */
  status: number | null;
  closedByServer: boolean;
}

export function rawRequest(
  port: number,
  bytes: string | Buffer,
  options: { timeoutMs?: number; host?: string /** Resolve once a response head has come, without waiting for the close. */; untilHead?: boolean } = {},
): Promise<RawExchange> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: options.host ?? '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const response = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(response);
      resolve({ response, status: match ? Number(match[1]) : null, closedByServer });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.untilHead && Buffer.concat(chunks).includes('\r\n\r\n')) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the answer is a close; a refused connection is a failure.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(true);
      else if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('connect', () => socket.write(bytes));
  });
}

/** A WebSocket upgrade request with the given target and extra header lines. */
export function upgradeRequest(target: string, headers: Record<string, string>): string {
  const lines = [
    `GET ${target} HTTP/1.1`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
