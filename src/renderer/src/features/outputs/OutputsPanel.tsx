import { NotBuilt, Panel } from '../../components/Panel.tsx';

export function OutputsPanel() {
  return (
    <Panel title="Outputs" testId="dock-outputs">
      <NotBuilt detail="SRT delivery to the distributor, HLS, recording and RTMP will be set up here.">
        Outputs are not built yet.
      </NotBuilt>
    </Panel>
  );
}
