import { useStudio } from '../../store/context.tsx';
import { scheduleSelectors } from '../../store/slices/schedule.ts';
import type { PlayoutNow } from '../../../../shared/schedule.ts';
import { formatWallTime } from './time-scale.ts';

const KIND_WORDS: Record<PlayoutNow['kind'], string> = { media: '', live: 'Live: ', filler: 'Filler: ', slate: 'Slate', break: 'Break: ' };

function describe(now: PlayoutNow): string {
  return now.kind === 'slate' ? 'Slate' : `${KIND_WORDS[now.kind]}${now.title}`;
}

/** Playout on/off: off, the operator has the program; on, the schedule has it (below breaks and alerts). */
export function PlayoutSwitch() {
  const status = useStudio(scheduleSelectors.playout);
  const setEnabled = useStudio((s) => s.setPlayoutEnabled);
  const enabled = status?.enabled === true;
  return (
    <button
      type="button"
      role="switch"
      aria-checked={enabled}
      className={`button button--small timeline-playout ${enabled ? 'timeline-playout--on' : ''}`}
      disabled={status === null}
      onClick={() => void setEnabled(!enabled)}
      data-testid="playout-switch"
      title={enabled ? 'Playout is on: the schedule has the program. Click to give it back to the operator.' : 'Playout is off: the operator has the program.'}
    >
      <span className="timeline-playout__dot" aria-hidden="true" />
      Playout {enabled ? 'on' : 'off'}
    </button>
  );
}

/** What playout has on air and next, and why something else is on air when it is. */
export function PlayoutStatusLine() {
  const status = useStudio(scheduleSelectors.playout);
  const error = useStudio(scheduleSelectors.playoutError);
  if (error) return <span className="timeline-status timeline-status--error">{error}</span>;
  if (!status) return null;
  const parts: string[] = [];
  if (status.state === 'off') parts.push('Playout off: the operator has the program');
  if (status.state === 'idle') parts.push('Playout on: it takes the program at Go Live');
  if (status.now) parts.push(`On air: ${describe(status.now)}`);
  if (status.next) parts.push(`Next ${formatWallTime(Date.parse(status.next.startAt))}: ${describe(status.next)}`);
  if (status.driftMs !== null) parts.push(`drift ${status.driftMs.toFixed(1)} ms`);
  return (
    <span className="timeline-status" data-testid="playout-status">
      {parts.join(' · ')}
      {status.message ? <strong className="timeline-status__message"> {status.message}</strong> : null}
    </span>
  );
}
