import { NotBuilt, Panel } from '../../components/Panel.tsx';

export function SourcesDock() {
  return (
    <Panel title="Sources" testId="dock-sources">
      <NotBuilt detail="Sources are the layers of the selected scene.">Sources are not built yet.</NotBuilt>
    </Panel>
  );
}
