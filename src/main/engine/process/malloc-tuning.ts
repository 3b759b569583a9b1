// glibc's malloc policy for an ffmpeg that moves raw frames through a pipe or a socket.
//
// The program's encoder reads one 1080p frame (3 MB) per packet from its stdin; a decoding source
// makes one per frame for its socket. A 3 MB request is above glibc's mmap threshold, so each
// packet was mapped fresh, faulted in page by page while the kernel copied the frame into it
// (760 faults a frame), and unmapped or trimmed when freed. The threshold adapts upward after a
// free, but the encoder's input thread and the thread that frees its packets use different
// arenas, and the trim at the top of the heap gave the pages back anyway.
// With both thresholds above any frame (8K yuv420p is 50 MB) the freed packet's pages are reused
// by the next one. Measured on 300 frames of 1080p through `ffmpeg -f rawvideo -i pipe:0 -f null -`
// (two inputs, so a threaded demuxer, as the encoder has): 67,600 → 16,600 minor faults and
// 1.26 → 0.61 s of system time. In `npm run bench -- pipeline --seconds 60` (1080p30): the decoder
// and encoder 0.659 → 0.554 CPU s per output second, and the encoder took no new page in 10 s.
// The price: after a stall that queued many frames inside ffmpeg (its input queue holds up to
// -thread_queue_size packets), the memory they took stays with the process, up to the trim
// threshold, instead of going back to the system. It is what that peak needed anyway.
// Only glibc reads GLIBC_TUNABLES; other C libraries and platforms ignore it.

/** Above the largest frame we move (7680x4320 yuv420p = 49.8 MB). */
const MMAP_THRESHOLD_BYTES = 64 * 1024 * 1024;
/** Free memory at the heap's top kept for the next frames rather than returned to the kernel. */
const TRIM_THRESHOLD_BYTES = 256 * 1024 * 1024;

const FRAME_MOVER_TUNABLES = `glibc.malloc.mmap_threshold=${MMAP_THRESHOLD_BYTES}:glibc.malloc.trim_threshold=${TRIM_THRESHOLD_BYTES}`;

/**
 * The environment for an ffmpeg child that reads or writes raw frames: `base` with our malloc
 * tunables. Tunables already in `base` come after ours, so a user's own setting wins.
 */
export function frameMoverEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const own = base.GLIBC_TUNABLES;
  return { ...base, GLIBC_TUNABLES: own ? `${FRAME_MOVER_TUNABLES}:${own}` : FRAME_MOVER_TUNABLES };
}
