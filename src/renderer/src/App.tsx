import { useState } from 'react';
import { AlertPanel } from './features/alerts/AlertPanel.tsx';
import { ApiAccessPanel } from './features/api-access/ApiAccessPanel.tsx';
import { CueDeck } from './features/cue-deck/CueDeck.tsx';
import { HotkeysDialog } from './features/hotkeys/HotkeysDialog.tsx';
import { useStudioHotkeys } from './features/hotkeys/useStudioHotkeys.ts';
import { FirstRunGuide } from './features/first-run/FirstRunGuide.tsx';
import { OutputsPanel } from './features/outputs/OutputsPanel.tsx';
import { MediaLibraryDock } from './features/media-library/MediaLibraryDock.tsx';
import { MixerDock } from './features/mixer/MixerDock.tsx';
import { GoLive } from './features/program/GoLive.tsx';
import { ProgramPreview } from './features/program/ProgramPreview.tsx';
import { ProgramFormatButton } from './features/program-format/ProgramFormatDialog.tsx';
import { ScenesDock } from './features/scenes/ScenesDock.tsx';
import { SourcesDock } from './features/sources/SourcesDock.tsx';
import { StatsPanel } from './features/stats/StatsPanel.tsx';
import { StatusBar } from './features/status-bar/StatusBar.tsx';
import { StreamKeysPanel } from './features/stream-keys/StreamKeysPanel.tsx';
import { StudioModeToggle } from './features/transitions/StudioModeToggle.tsx';
import { TransitionsDock } from './features/transitions/TransitionsDock.tsx';
import { ChannelTimeline } from './features/timeline/ChannelTimeline.tsx';
import { TimelineDndProvider } from './features/timeline/TimelineDnd.tsx';
import { useStudio } from './store/context.tsx';
import { engineSelectors } from './store/slices/engine.ts';

export function App({ onReconnect }: { onReconnect?: () => void }) {
  return (
    <div className="app">
      <TopBar />
      <TimelineDndProvider>
        <main className="workspace">
          <div className="stage">
            <ProgramPreview />
            <ChannelTimeline />
          </div>
          <aside className="sidebar" aria-label="Getting started, media library, emergency alert, outputs, ingest and access">
            <FirstRunGuide />
            <MediaLibraryDock />
            <AlertPanel />
            <OutputsPanel />
            <StreamKeysPanel />
            <ApiAccessPanel />
          </aside>
        </main>
        <div className="docks">
          <ScenesDock />
          <SourcesDock />
          <MixerDock />
          <TransitionsDock />
          <CueDeck />
          <StatsPanel />
        </div>
      </TimelineDndProvider>
      <StatusBar onReconnect={onReconnect} />
    </div>
  );
}

function TopBar() {
  const host = useStudio(engineSelectors.host);
  const [hotkeysOpen, setHotkeysOpen] = useState(false);
  useStudioHotkeys();
  return (
    <header className="top-bar">
      <h1 className="top-bar__title">Broadcast Studio</h1>
      {host ? <span className="top-bar__host">{host === 'electron' ? 'Desktop' : 'Headless · remote control'}</span> : null}
      <ProgramFormatButton />
      <StudioModeToggle />
      <button type="button" className="button button--small" onClick={() => setHotkeysOpen(true)} data-testid="hotkeys-open">
        Hotkeys
      </button>
      <GoLive />
      {hotkeysOpen ? <HotkeysDialog onClose={() => setHotkeysOpen(false)} /> : null}
    </header>
  );
}
