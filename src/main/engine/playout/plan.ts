// What playout is given to play: the schedule resolved into a gapless run of pieces in wall time.
// The schedule (engine/schedule) makes it from the stored items; playout (this folder) turns it
// into frames. Gaps are already filled here (filler media, else the slate), so playout never has
// to decide what a gap shows, only how to air each piece frame-exactly.

/** One piece on air, from `startMs` (inclusive) to `endMs` (exclusive), wall time (ms since the epoch). */
export type PlanPiece =
  | {
      kind: 'media';
      /** The schedule item it comes from. */
      itemId: number;
      mediaId: number;
      title: string;
      path: string;
      startMs: number;
      endMs: number;
      /** Where in the file the first frame comes from (the item's in point). */
      inSeconds: number;
      /** The file's loudness (EBU R128 integrated), null when unknown: playout gains it to the target. */
      loudnessLufs: number | null;
      /** Breaks at chapter marks: the show pauses before the frame at `atSeconds` (file time) and resumes after. */
      breaks: { atSeconds: number; durationSeconds: number }[];
    }
  | { kind: 'live'; itemId: number; sceneId: number; title: string; startMs: number; endMs: number }
  | {
      kind: 'filler';
      /** The filler media, or null: the slate. */
      mediaId: number | null;
      title: string;
      path: string | null;
      startMs: number;
      endMs: number;
      inSeconds: number;
      loudnessLufs: number | null;
      /** Why filler is here instead of an item (the item's problem), or null for a plain gap. */
      standsInFor: { itemId: number; reason: string } | null;
    };

/** The schedule as playout reads it. */
export interface PlayoutPlanSource {
  /** The pieces that overlap [fromMs, toMs), in order, gapless over that range. */
  piecesBetween(fromMs: number, toMs: number): PlanPiece[];
  /** Called after every committed edit; returns the unsubscribe. */
  onChanged(listener: () => void): () => void;
}
