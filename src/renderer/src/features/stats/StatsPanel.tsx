import { useEffect, type ReactNode } from 'react';
import { droppedLevel, fpsLevel, type StatLevel } from '../../../../shared/stats.ts';
import { formatBytes, formatKbps, OUTPUT_STATE_LEVEL } from '../../components/format.ts';
import { Panel } from '../../components/Panel.tsx';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { statsSelectors } from '../../store/slices/stats.ts';

/** OBS's stats dock: live figures from the `stats` event, coloured by OBS's thresholds. */
export function StatsPanel() {
  const watchStats = useStudio((s) => s.watchStats);
  useEffect(() => watchStats(), [watchStats]);
  return (
    <Panel title="Stats" className="stats-panel" testId="dock-stats">
      <ProgramFigures />
      <UsageFigures />
      <OutputFigures />
    </Panel>
  );
}

function Stat({
  label,
  level,
  testId,
  title,
  children,
}: {
  label: string;
  level?: StatLevel | undefined;
  testId?: string;
  title?: string;
  children: ReactNode;
}) {
  return (
    <div className={`stat ${level ? `stat--${level}` : ''}`} data-testid={testId} data-level={level} title={title}>
      <dt>{label}</dt>
      <dd className="mono">{children}</dd>
    </div>
  );
}

const fixed = (value: number | null | undefined, digits: number, unit = '') =>
  value === null || value === undefined ? '–' : `${value.toFixed(digits)}${unit}`;

function ProgramFigures() {
  const program = useStudio(statsSelectors.program);
  const known = useStudio((s) => s.stats !== null);
  if (!known) return <p className="panel__muted">Waiting for the first figures…</p>;
  if (!program)
    return (
      <p className="panel__muted" data-testid="stats-stopped">
        Program stopped: frame and encoder figures show while on air.
      </p>
    );

  // Every frame out is either composed or a repeat; a dropped frame went out as a repeat.
  const total = program.framesComposed + program.framesRepeated;
  const droppedPercent = total > 0 ? (program.framesDropped / total) * 100 : 0;
  const reasons = Object.entries(program.dropReasons)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  return (
    <dl className="stats-grid" data-testid="stats-program">
      <Stat label="FPS" level={fpsLevel(program.fps, program.fpsTarget)} testId="stat-fps" title="Frames made over the last second, against the program's rate">
        <span data-testid="stat-fps-value">{program.fps.toFixed(2)}</span> / {program.fpsTarget.toFixed(2)}
      </Stat>
      <Stat
        label="Dropped"
        level={droppedLevel(program.framesDropped, total)}
        testId="stat-dropped"
        title={reasons ? `Why: ${reasons}` : 'Frames not composed in time'}
      >
        {program.framesDropped} ({droppedPercent.toFixed(1)} %)
      </Stat>
      <Stat label="Composed" testId="stat-composed">
        {program.framesComposed}
      </Stat>
      <Stat label="Repeated" testId="stat-repeated" title="The last picture sent again: late sources and dropped frames">
        {program.framesRepeated}
      </Stat>
      <Stat label="Compose" testId="stat-compose-ms">
        {fixed(program.composeMsPerFrame, 2, ' ms')}
      </Stat>
      <Stat label="Encoder" testId="stat-encoder" title="FFmpeg's own fps and speed (1.00× is real time)">
        {fixed(program.encoder.fps, 1, ' fps')} · {fixed(program.encoder.speed, 2, '×')}
      </Stat>
      <Stat label="Bitrate" testId="stat-encoder-bitrate">
        {program.encoder.bitrateKbps === null ? '–' : formatKbps(program.encoder.bitrateKbps)}
      </Stat>
      <Stat
        label="Backlog"
        level={program.encoderBacklogFrames > program.fpsTarget ? 'danger' : program.encoderBacklogFrames > program.fpsTarget / 4 ? 'warning' : 'ok'}
        testId="stat-backlog"
        title="Frames written to the encoder it has not taken yet"
      >
        {program.encoderBacklogFrames} fr
      </Stat>
      {program.encoderRestarts > 0 ? (
        <Stat label="Encoder restarts" level="warning" testId="stat-encoder-restarts">
          {program.encoderRestarts}
        </Stat>
      ) : null}
    </dl>
  );
}

function UsageFigures() {
  const usage = useStudio(statsSelectors.usage);
  if (!usage) return null;
  const cpuLevel = (percent: number): StatLevel => (percent > 90 * usage.cores ? 'danger' : percent > 75 * usage.cores ? 'warning' : 'ok');
  return (
    <dl className="stats-grid" data-testid="stats-usage">
      <Stat label="Studio CPU" level={cpuLevel(usage.hostCpuPercent)} testId="stat-host-cpu" title={`% of one core; ${usage.cores} cores`}>
        {usage.hostCpuPercent.toFixed(0)} %
      </Stat>
      <Stat label="Studio memory" testId="stat-host-memory">
        {formatBytes(usage.hostRssBytes)}
      </Stat>
      <Stat
        label={`Children (${usage.children.length})`}
        level={cpuLevel(usage.childrenCpuPercent)}
        testId="stat-children-cpu"
        title={usage.children.map((child) => `${child.name} (${child.pid}): ${child.cpuPercent.toFixed(0)} %, ${formatBytes(child.rssBytes)}`).join('\n')}
      >
        {usage.childrenCpuPercent.toFixed(0)} %
      </Stat>
      <Stat label="Children memory" testId="stat-children-memory">
        {formatBytes(usage.childrenRssBytes)}
      </Stat>
    </dl>
  );
}

function OutputFigures() {
  const outputs = useStudioShallow(statsSelectors.outputs);
  const stored = useStudio((s) => s.outputs);
  if (outputs.length === 0) return null;
  const nameOf = (id: string) => (id === 'program' ? 'Preview' : (stored.find((output) => String(output.id) === id)?.name ?? `#${id}`));
  return (
    <dl className="stats-grid" data-testid="stats-outputs">
      {outputs.map((output) => {
        const level = OUTPUT_STATE_LEVEL[output.state];
        return (
          <Stat key={output.id} label={`${nameOf(output.id)} · ${output.state}`} level={level === 'idle' ? undefined : level} testId="stat-output">
            {formatKbps(output.bitrateKbps)}
          </Stat>
        );
      })}
    </dl>
  );
}
