import { useEffect, useState } from 'react';
import { Panel } from '../../components/Panel.tsx';
import { useStudio } from '../../store/context.tsx';
import { programSelectors } from '../../store/slices/program.ts';
import { firstRunSteps } from './first-run-steps.ts';

const DISMISSED_KEY = 'studio.firstRunGuide.dismissed';

function readDismissed(): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false; // storage unavailable (privacy mode): the guide simply shows
  }
}

function rememberDismissed(): void {
  try {
    localStorage.setItem(DISMISSED_KEY, '1');
  } catch {
    // not remembered across reloads; hidden for now
  }
}

/**
 * Getting started, in the empty studio: the five steps from a stream key to Go Live, each ticked from
 * the studio's own state. It goes away for good once all are done (the first Go Live), or when the
 * creator hides it.
 */
export function FirstRunGuide() {
  const streamKeyCount = useStudio((s) => s.streamKeys.length);
  const ingestStreams = useStudio((s) => s.ingestStreams);
  const sources = useStudio((s) => s.sources);
  const scenes = useStudio((s) => s.scenes);
  const outputCount = useStudio((s) => s.outputs.length);
  const programRunning = useStudio(programSelectors.running);
  const ingestUrl = useStudio((s) => s.engineStatus?.ingest.url ?? null);
  const loaded = useStudio((s) => s.streamKeysLoaded && s.sourcesLoaded && s.scenesLoaded && s.outputsLoaded);
  const [dismissed, setDismissed] = useState(readDismissed);

  // Five checks over small lists: cheaper to redo on each render than to memoise.
  const steps = firstRunSteps({
    streamKeyCount,
    publishingKeyIds: Object.keys(ingestStreams).map(Number),
    sources,
    scenes,
    outputCount,
    programRunning,
  });
  const allDone = steps.every((step) => step.done);
  // Done once is done: after the first Go Live, a Stop must not bring the guide back.
  useEffect(() => {
    if (!loaded || !allDone || dismissed) return;
    setDismissed(true);
    rememberDismissed();
  }, [loaded, allDone, dismissed]);
  if (!loaded || dismissed || allDone) return null;

  const hide = () => {
    setDismissed(true);
    rememberDismissed();
  };
  const next = steps.find((step) => !step.done);
  return (
    <Panel
      title="Getting started"
      className="first-run"
      testId="first-run-guide"
      aside={
        <button type="button" className="button button--tiny" onClick={hide} data-testid="first-run-hide">
          Hide
        </button>
      }
    >
      <ol className="first-run__steps">
        {steps.map((step) => (
          <li
            key={step.id}
            className={`first-run__step${step.done ? ' first-run__step--done' : ''}${step === next ? ' first-run__step--next' : ''}`}
            data-testid={`first-run-${step.id}`}
            data-done={step.done}
          >
            <span className="first-run__mark" aria-hidden="true">
              {step.done ? '✓' : ''}
            </span>
            <span>
              {step.title}
              {step.id === 'publish' && !step.done && ingestUrl ? (
                <span className="first-run__detail">
                  OBS Settings → Stream → Custom: server <code>{ingestUrl}</code>, stream key: your key.
                </span>
              ) : null}
              <span className="visually-hidden">{step.done ? ' (done)' : ''}</span>
            </span>
          </li>
        ))}
      </ol>
    </Panel>
  );
}
