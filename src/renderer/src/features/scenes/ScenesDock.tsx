import { NotBuilt, Panel } from '../../components/Panel.tsx';

export function ScenesDock() {
  return (
    <Panel title="Scenes" testId="dock-scenes">
      <NotBuilt detail="Scenes will hold layers: live input, shows, logo bug, lower thirds and slates.">
        The scene composer is not built yet.
      </NotBuilt>
    </Panel>
  );
}
