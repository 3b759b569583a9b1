import { NotBuilt, Panel } from '../../components/Panel.tsx';

const BREAK_SECONDS = [30, 60, 90, 120] as const;
const NOT_BUILT = 'Needs the live pipeline, which is not built yet';

/** Ad-break buttons. Visible so the layout is known; disabled until cues can be sent. */
export function CueDeck() {
  return (
    <Panel title="Ad cues" testId="dock-cue-deck">
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
      <NotBuilt>Ad cues need the live pipeline, which is not built yet.</NotBuilt>
    </Panel>
  );
}
