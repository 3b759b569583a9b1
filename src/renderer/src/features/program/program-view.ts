// Which picture the right-hand monitor shows, kept in this browser (as OBS keeps a projector's
// choice in its profile): a creator who watches the encoded output keeps watching it after a reload
// or the next launch.

export type ProgramView = 'program' | 'encoded';

const STORAGE_KEY = 'studio.programMonitorView';

/** The stored choice; 'program' when none is stored, or it is unreadable. */
export function loadProgramView(): ProgramView {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'encoded' ? 'encoded' : 'program';
  } catch {
    return 'program';
  }
}

export function saveProgramView(view: ProgramView): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, view);
  } catch {
    // storage unavailable (privacy mode): kept for this session only
  }
}
