// Thin worker adapter around BlendCore: the frame memory, the plans and this worker's scratch
// frame arrive once in workerData, pools once each by 'register'; then each run is
// [planSlot, bandY0, bandY1, seq] and the reply is the seq. All pixels stay in shared memory.
import { parentPort, workerData } from 'node:worker_threads';
import type { BlendWorkerData, BlendWorkerMessage, BlendWorkerReply } from './executor.ts';
import { BlendCore } from './plan.ts';
import { errorMessage } from '../errors.ts';

const port = parentPort;
if (!port) throw new Error('blend-worker.ts runs only as a worker thread');

const data = workerData as BlendWorkerData;
const core = new BlendCore(data.memory);
core.setScratch(data.scratch, data.layout);
core.setScaleScratch(data.scaleScratch);
const plans = new Int32Array(data.plans);

port.on('message', (message: BlendWorkerMessage) => {
  if (Array.isArray(message)) {
    const seq = message[3];
    try {
      core.runPlan(plans, message[0], message[1], message[2]);
      port.postMessage(seq satisfies BlendWorkerReply);
    } catch (error) {
      port.postMessage({ type: 'error', seq, message: errorMessage(error) } satisfies BlendWorkerReply);
    }
    return;
  }
  if (message.type === 'register') core.register(message.pool);
  else if (message.type === 'unregister') core.unregister(message.poolId);
  else if (message.type === 'close') port.close();
});
