// The audio monitor's WebSocket, in a worker: each packet goes straight on to the player on the
// audio thread (a MessagePort, the buffer transferred), so a busy page thread delays nothing.
// Reconnects after a second when the socket closes; tells the page whether it is open.

import type { MonitorSocketNews, MonitorSocketStart } from './monitor-playback-protocol.ts';

const RECONNECT_MS = 1000;

const news = (message: MonitorSocketNews): void => self.postMessage(message);

self.onmessage = (event: MessageEvent<MonitorSocketStart>) => {
  const { url, packets } = event.data;
  const open = (): void => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => news({ open: true });
    ws.onmessage = (message: MessageEvent) => {
      if (message.data instanceof ArrayBuffer) packets.postMessage(message.data, [message.data]);
    };
    ws.onclose = () => {
      news({ open: false });
      setTimeout(open, RECONNECT_MS);
    };
  };
  open();
};
