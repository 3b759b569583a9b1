// An in-memory PlayoutPlanSource: the pieces a test (or bench) sets, gapless as the test makes them.
import type { PlanPiece, PlayoutPlanSource } from '../../src/main/engine/playout/plan.ts';

export class MemoryPlan implements PlayoutPlanSource {
  #pieces: PlanPiece[] = [];
  readonly #listeners = new Set<() => void>();

  /** Replaces the plan and tells the listeners (a committed edit). */
  set(pieces: PlanPiece[]): void {
    this.#pieces = [...pieces].sort((a, b) => a.startMs - b.startMs);
    for (const listener of [...this.#listeners]) listener();
  }

  piecesBetween(fromMs: number, toMs: number): PlanPiece[] {
    return this.#pieces.filter((piece) => piece.endMs > fromMs && piece.startMs < toMs);
  }

  onChanged(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
