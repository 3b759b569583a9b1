import { describe, expect, it } from 'vitest';
import { outputSettings, outputSettingsEdit, publicOutputSettings, withKeptSecret } from '../../../../shared/outputs.ts';
import { draftFromOutput, editFromDraft } from './output-draft.ts';

const srt = outputSettings.parse({
  kind: 'srt',
  name: 'Distributor',
  url: 'srt://10.0.0.5:9000',
  latencyMs: 300,
  passphrase: 'a very secret phrase',
  pbkeylen: 32,
  streamId: 'ch1',
});
const rtmp = outputSettings.parse({ kind: 'rtmp', name: 'Platform', url: 'rtmp://live.example/app', streamKey: 'sk_live_123' });
const hls = outputSettings.parse({ kind: 'hls', name: 'Web', folder: '/srv/hls', segmentSeconds: 2, listSize: 10, markers: ['daterange', 'cue'] });
const recording = outputSettings.parse({ kind: 'recording', name: 'Archive', folder: '/srv/rec', fileNamePattern: 'show-%H%M.ts', rotateMinutes: 60 });

/** What the engine stores for an edit: the merge it does with keepSecret, then the full check. */
function stored(original: typeof srt, edit: ReturnType<typeof editFromDraft>) {
  return outputSettings.parse(withKeptSecret(outputSettingsEdit.parse(edit.settings), original, edit.keepSecret));
}

describe('output drafts', () => {
  it('never holds a secret: the draft from public settings knows only that one is set', () => {
    const draft = draftFromOutput('Distributor', publicOutputSettings(srt));
    expect(draft).toMatchObject({ secret: '', secretSet: true, pbkeylen: '32', latencyMs: '300', streamId: 'ch1' });
    expect(JSON.stringify(draft)).not.toContain('a very secret phrase');
    expect(JSON.stringify(draftFromOutput('Platform', publicOutputSettings(rtmp)))).not.toContain('sk_live_123');
  });

  it('an untouched edit stores exactly what was there, secrets kept, for every kind', () => {
    for (const [name, settings] of [
      ['Distributor', srt],
      ['Platform', rtmp],
      ['Web', hls],
      ['Archive', recording],
    ] as const) {
      const edit = editFromDraft(draftFromOutput(name, publicOutputSettings(settings)));
      expect(stored(settings as typeof srt, edit), name).toEqual(settings);
    }
  });

  it('a typed passphrase replaces the stored one; "remove" drops it and its key length', () => {
    const draft = draftFromOutput('Distributor', publicOutputSettings(srt));
    expect(stored(srt, editFromDraft({ ...draft, secret: 'another secret phrase' }))).toMatchObject({ passphrase: 'another secret phrase', pbkeylen: 32 });
    const removed = stored(srt, editFromDraft({ ...draft, removeSecret: true }));
    expect(removed).not.toHaveProperty('passphrase');
    expect(removed).not.toHaveProperty('pbkeylen');
  });

  it('changes every other setting as typed', () => {
    const draft = draftFromOutput('Web', publicOutputSettings(hls));
    expect(stored(hls as never, editFromDraft({ ...draft, folder: '', segmentSeconds: '6', markers: ['scte35'] }))).toEqual({
      kind: 'hls',
      name: 'Web',
      segmentSeconds: 6,
      listSize: 10,
      markers: ['scte35'],
    });
  });
});
