import { DndContext } from '@dnd-kit/core';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ScheduleItem } from '../../../../shared/schedule.ts';
import { TimelineItemBlock } from './TimelineItemBlock.tsx';
import { entryOf } from './visible.ts';

const startMs = new Date(2026, 11, 6, 20, 0, 0).getTime();

function markup(extra: Partial<ScheduleItem>, frames: number | null = null): string {
  const item: ScheduleItem = {
    id: 4,
    kind: 'media',
    title: 'News',
    mediaId: 9,
    sceneId: null,
    anchor: 'fixed',
    afterId: null,
    startAt: new Date(startMs).toISOString(),
    durationSeconds: 1800,
    inSeconds: 0,
    playSeconds: 1800,
    breaks: null,
    problem: null,
    ...extra,
  };
  const entry = entryOf(item);
  // No DOM here (vitest runs under Node): the markup React would put in the page.
  return renderToStaticMarkup(
    createElement(
      DndContext,
      null,
      createElement(TimelineItemBlock, {
        entry,
        left: 0,
        width: 300,
        startMs: entry.startMs,
        endMs: entry.endMs,
        selected: false,
        dragging: false,
        frames,
        onSelect: () => {},
      }),
    ),
  );
}

describe('a timeline item as drawn', () => {
  it('marks an item with a problem, with the reason in its text and its label', () => {
    const html = markup({ problem: 'The file is missing on disk' });
    expect(html).toContain('timeline-item--problem');
    expect(html).toContain('<span class="timeline-item__problem">The file is missing on disk</span>');
    expect(html).toContain('aria-label="News · 20:00:00–20:30:00 · Problem: The file is missing on disk"');
    expect(markup({})).not.toContain('timeline-item--problem');
  });

  it('draws a live block apart, tagged LIVE', () => {
    const html = markup({ kind: 'live', mediaId: null, sceneId: 2, title: 'Studio' });
    expect(html).toContain('timeline-item--live');
    expect(html).toContain('>LIVE</span>');
    expect(markup({})).not.toContain('LIVE');
  });

  it('writes its times with frames when the zoom shows them, and offers a start edge only to a fixed item', () => {
    expect(markup({}, 25)).toContain('20:00:00:00');
    expect(markup({})).toContain('timeline-trim-start');
    expect(markup({ anchor: 'follows', afterId: 3 })).not.toContain('timeline-trim-start');
  });
});
