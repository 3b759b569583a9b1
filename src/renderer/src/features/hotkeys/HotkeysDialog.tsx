import { sourceKindHasAudio } from '../../../../shared/program.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ACTION_LABEL, DECK_ACTIONS } from '../cue-deck/deck-logic.ts';
import { useStudio } from '../../store/context.tsx';
import { HotkeyCapture } from '../../hotkeys/HotkeyCapture.tsx';
import { hotkeyConflicts, studioHotkeyRows, type StudioHotkeyAction } from '../../hotkeys/studio-hotkeys.ts';

/**
 * OBS's Settings → Hotkeys for the studio: a key for Go Live, Stop, Transition, Studio Mode, each
 * scene and each source with audio. A key also bound elsewhere (here or on the cue deck) is named.
 */
export function HotkeysDialog({ onClose }: { onClose: () => void }) {
  const hotkeys = useStudio((s) => s.studioHotkeys);
  const setHotkey = useStudio((s) => s.setStudioHotkey);
  const scenes = useStudio((s) => s.scenes);
  const sources = useStudio((s) => s.sources);
  const cueHotkeys = useStudio((s) => s.cueSettings?.hotkeys ?? null);
  const rows = studioHotkeyRows(
    scenes,
    sources.filter((source) => sourceKindHasAudio(source.config.kind)),
  );
  const labelOf = (action: StudioHotkeyAction) => rows.find((row) => row.action === action)?.label ?? action;
  const deckKeys = cueHotkeys ? DECK_ACTIONS.map((action) => ({ label: `Ad cues: ${ACTION_LABEL[action]}`, key: cueHotkeys[action] })) : [];

  return (
    <Dialog title="Hotkeys" onClose={onClose} testId="hotkeys-dialog">
      <p className="panel__muted">
        Click a box, then press the key (with Ctrl, Alt or Shift if you like). Backspace clears it, Escape cancels. Keys typed in a field are never hotkeys. The
        ad-cue keys are set in the Ad cues settings.
      </p>
      <table className="hotkeys">
        <tbody>
          {rows.map((row) => {
            const key = hotkeys[row.action] ?? null;
            const conflicts = hotkeyConflicts(key, row.action, hotkeys, deckKeys, labelOf);
            return (
              <tr key={row.action} data-testid="studio-hotkey-row" data-action={row.action}>
                <th scope="row">{row.label}</th>
                <td>
                  <HotkeyCapture value={key} onChange={(value) => setHotkey(row.action, value)} testId={`studio-hotkey-${row.action}`} />
                </td>
                <td className="hotkeys__note">{conflicts.length > 0 ? <span className="hotkeys__conflict">also {conflicts.join(', ')}</span> : null}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Dialog>
  );
}
