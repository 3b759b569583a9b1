// The ad-cue deck and the emergency alert, on the program's on-air control (#12).
export { CueDeck, type CueDeckOptions, type BreakAtFrame, SLATE_SCENE_ID, SLATE_SOURCE_ID, minutesSeconds, pointOf } from './deck.ts';
export { AlertService, type AlertServiceOptions, ALERT_CARD_SCENE_ID, ALERT_CRAWL_SCENE_ID } from './alert.ts';
export { CueError, type CueErrorCode, NOT_RUNNING_MESSAGE } from './errors.ts';
export { planBreak, planBreakAt, planEarlyReturn, spliceFrameAfter, gridFrames, framesIn, type PlannedBreak, type FrameGrid } from './planner.ts';
export { breakStartSection, breakEndSection, breakCancelSection, upidOf, type BreakSignal } from './signals.ts';
export type { CueStore, NewBreakRow } from './store.ts';
