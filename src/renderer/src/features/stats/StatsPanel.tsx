import { NotBuilt, Panel } from '../../components/Panel.tsx';

export function StatsPanel() {
  return (
    <Panel title="Stats" testId="dock-stats">
      <NotBuilt detail="Frame rate, dropped frames, bitrate and output health will show here once the pipeline runs.">
        The live pipeline is not built yet.
      </NotBuilt>
    </Panel>
  );
}
