import { NotBuilt, Panel } from '../../components/Panel.tsx';

const BREAK_SECONDS = [30, 60, 90, 120] as const;
const NOT_BUILT = 'Cueing breaks from the deck is not built yet';

/** Ad-break buttons. Visible so the layout is known; disabled until the cue deck exists. */
export function CueDeck() {
  return (
    <Panel title="Ad cues" testId="dock-cue-deck">
      {/* biome-ignore lint/a11y/useSemanticElements: a group of buttons, not form fields; a fieldset would bring a form's semantics and styles */}
      <div className="cue-deck" role="group" aria-label="Cue an ad break">
        {BREAK_SECONDS.map((seconds) => (
          <button key={seconds} type="button" className="button cue-deck__break" disabled title={NOT_BUILT}>
            {seconds} s
          </button>
        ))}
        <button type="button" className="button cue-deck__return" disabled title={NOT_BUILT}>
          Return
        </button>
        <button type="button" className="button cue-deck__cancel" disabled title={NOT_BUILT}>
          Cancel
        </button>
      </div>
      <NotBuilt
        detail={
          <>
            Automation can already cue: <code>scte35.inject</code> puts a splice_info_section on the program's SCTE-35 PID, and the Program monitor's tally
            lights as each copy goes out.
          </>
        }
      >
        Cueing breaks from the deck is not built yet.
      </NotBuilt>
    </Panel>
  );
}
