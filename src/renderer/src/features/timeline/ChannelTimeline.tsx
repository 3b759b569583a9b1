import { NotBuilt, Panel } from '../../components/Panel.tsx';

export function ChannelTimeline() {
  return (
    <Panel title="Channel timeline" className="timeline" testId="dock-timeline">
      <NotBuilt detail="Shows dragged from the media library will play out here on schedule, with breaks at chapter marks.">
        The channel timeline is not built yet.
      </NotBuilt>
    </Panel>
  );
}
