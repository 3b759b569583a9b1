// V8's heap policy for a process that moves media. The live heap is small (~20 MB), but the
// ingest and the outputs turn over megabytes of short-lived Buffers a second (node-media-server
// copies every RTMP packet into an FLV and an RTMP message, socket reads allocate per chunk).
// With V8's default growing factor a 16 Mb/s publish started a full mark-compact every ~1.5 s
// ("GC in old space requested", --trace-gc) while the heap stayed near 20 MB and ArrayBuffers
// climbed ~8 MB/s between them: ~20 ms of the event loop and concurrent marking on V8's worker
// threads each time. Those buffers die young, and scavenges free them once the old generation's
// limit is not reached first.
// Measured with `npm run bench -- pipeline --seconds 60` (and --trace-gc): no mark-compact
// while the program runs, V8's worker threads 1.8 → 0.5 CPU s a minute, the studio process
// 0.184 → 0.161-0.166 CPU s per output second. Garbage stays bounded: scavenges take it.
import v8 from 'node:v8';

/** Old generation limit = live size × (1 + percent / 100) after each full GC. */
const HEAP_GROWING_PERCENT = 400;

let tuned = false;

/** Idempotent and process-wide: the RTMP ingest and the Program, the two that churn, call it. */
export function tuneHeapForMediaThroughput(): void {
  if (tuned) return;
  tuned = true;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
