// Free loopback ports for the servers and receivers tests start.
import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';

/** A loopback port that was free a moment ago, as the OS hands them out (TCP for RTMP and HTTP, UDP for SRT). */
export async function freePort(protocol: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  if (protocol === 'tcp') {
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}
