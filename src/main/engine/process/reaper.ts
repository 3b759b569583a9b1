// No child outlives the studio. What guarantees it, strongest first:
//
// 1. Linux: children are started through util-linux `setpriv --pdeathsig KILL`, which sets
//    PR_SET_PDEATHSIG and then execs the program (same pid). The kernel sends SIGKILL to the
//    child when the thread that spawned it dies, by any means, SIGKILL of the studio included.
//    Node spawns from the main thread, so that thread's death is the studio's death.
//    (Spawning from a worker thread would tie the child to that worker: don't.)
// 2. Everywhere: every live child is SIGKILLed synchronously on the studio's 'exit' (normal end,
//    process.exit, an uncaught exception). On SIGINT, SIGTERM and SIGHUP, a host that registered a
//    graceful shutdown (handleShutdownSignals: `studio serve`) is told instead: it stops the
//    outputs and the program, closes the store, and exits, and the 'exit' hook kills what is left.
//    Without one, every child is killed at once and the signal is re-raised, so the process still
//    dies of it.
// 3. Pipes, as a last resort where 1 is missing and 2 could not run (SIGKILL on macOS/Windows):
//    a decoder writing to a pipe gets EPIPE once the studio is gone and ffmpeg exits; an encoder
//    reading its stdin sees EOF and exits. `-nostdin` keeps ffmpeg off the terminal.
import { spawnSync, type ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooksInstalled = false;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killAllNow(): void {
  for (const child of live) {
    try {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    } catch {
      // the child is already gone
    }
  }
  live.clear();
}

let shutdownHandler: ((signal: NodeJS.Signals) => void) | null = null;

function onSignal(signal: NodeJS.Signals): void {
  if (shutdownHandler) {
    shutdownHandler(signal);
    return;
  }
  killAllNow();
  // Our listener replaced Node's default "die of this signal". If nobody else wants the
  // signal, restore the default and die of it, as the studio would have without us.
  if (process.listenerCount(signal) === 1) {
    for (const name of SIGNALS) process.removeListener(name, onSignal);
    process.removeListener('exit', killAllNow);
    process.kill(process.pid, signal);
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/**
 * Hands SIGINT, SIGTERM and SIGHUP to `handler` instead of killing the children and dying: the
 * host shuts down in order and ends the process itself (children left then die on 'exit').
 * The handler sees every signal, a second one during shutdown included. Returns the unregister.
 */
export function handleShutdownSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  installHooks();
  shutdownHandler = handler;
  return () => {
    if (shutdownHandler === handler) shutdownHandler = null;
  };
}

/** Kills every tracked child now (SIGKILL): a forced exit. */
export function killTrackedChildren(): void {
  killAllNow();
}

/** Registers a spawned child so it is killed with the studio; it is forgotten once it exits. */
export function trackChild(child: ChildProcess): void {
  installHooks();
  if (child.exitCode !== null || child.signalCode !== null) return;
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** How many tracked children are alive; for tests and stats. */
export function liveChildCount(): number {
  return live.size;
}

let deathSignalWrapper: string | null | undefined;

/**
 * The `setpriv` binary if it supports --pdeathsig here (Linux, util-linux ≥ 2.33), else null.
 * Checked once: one tiny run of `setpriv --pdeathsig KILL -- true`.
 */
export function parentDeathWrapper(): string | null {
  if (deathSignalWrapper !== undefined) return deathSignalWrapper;
  deathSignalWrapper = null;
  if (process.platform !== 'linux' || process.env.STUDIO_NO_PDEATHSIG === '1') return null;
  for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv']) {
    const probe = spawnSync(candidate, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore', timeout: 2000 });
    if (probe.status === 0) {
      deathSignalWrapper = candidate;
      break;
    }
  }
  return deathSignalWrapper;
}

/** The argv that starts `command` so the kernel kills it with us, where the platform can. */
export function withParentDeathSignal(command: string, args: readonly string[]): { file: string; args: string[] } {
  const wrapper = parentDeathWrapper();
  if (!wrapper) return { file: command, args: [...args] };
  return { file: wrapper, args: ['--pdeathsig', 'KILL', '--', command, ...args] };
}
