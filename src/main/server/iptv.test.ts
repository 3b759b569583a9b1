// The guide and the playlist as documents: the XMLTV validates against Debian's xmltv.dtd with
// xmllint (titles with markup characters included), times are XMLTV's, the M3U has its tags.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLTV_DTD, xmltvDtdErrors } from '../../../tests/support/xmltv.ts';
import { m3uPlaylist, xmlText, xmltvDocument, xmltvTime } from './iptv.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-iptv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-12-06T20:00:00Z');

describe('XMLTV', () => {
  it('writes times as "YYYYMMDDhhmmss +0000" in UTC, to the second', () => {
    expect(xmltvTime(T0)).toBe('20261206200000 +0000');
    expect(xmltvTime(Date.parse('2027-01-02T03:04:05.999Z'))).toBe('20270102030405 +0000');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(xmlText(`Tom & Jerry's <"best">\u0007`)).toBe('Tom &amp; Jerry&apos;s &lt;&quot;best&quot;&gt;');
  });

  it('produces a guide that is valid against the XMLTV DTD', () => {
    expect(existsSync(XMLTV_DTD)).toBe(true);
    const xml = xmltvDocument({
      channelId: 'channel1.studio',
      channelName: 'Night & Day <TV>',
      entries: [
        { itemId: 1, kind: 'media', title: 'Show "A" & <friends>', description: 'Show A, 00:10:00, with 1 break.', startMs: T0, endMs: T0 + 600_000 },
        { itemId: null, kind: 'filler', title: 'Filler', description: 'Filler until the next programme.', startMs: T0 + 600_000, endMs: T0 + 900_000 },
        { itemId: 2, kind: 'live', title: 'Studio cam', description: 'Live: Studio cam, 01:00:00.', startMs: T0 + 900_000, endMs: T0 + 4_500_000 },
      ],
    });
    expect(xmltvDtdErrors(xml, dir)).toBe('');
    expect(xml).toContain('<programme start="20261206200000 +0000" stop="20261206201000 +0000" channel="channel1.studio">');
    expect(xml).toContain('<title>Show &quot;A&quot; &amp; &lt;friends&gt;</title>');
    expect(xml).toContain('<display-name>Night &amp; Day &lt;TV&gt;</display-name>');
    // An empty guide is valid too.
    expect(xmltvDtdErrors(xmltvDocument({ channelId: 'channel1.studio', channelName: 'x', entries: [] }), dir)).toBe('');
  });

  it('is refused by the DTD when malformed (the check can fail)', () => {
    const broken = xmltvDocument({ channelId: 'c', channelName: 'x', entries: [] }).replace('<display-name>x</display-name>', '');
    expect(xmltvDtdErrors(broken, dir)).toMatch(/display-name|content/);
  });
});

describe('M3U', () => {
  it('names the channel with tvg-id and tvg-name, the guide with url-tvg, then the stream URL', () => {
    const text = m3uPlaylist({
      channelId: 'channel1.studio',
      channelName: 'Night "TV", late',
      streamUrl: 'http://127.0.0.1:8088/iptv/channel.ts?token=abc',
      guideUrl: 'http://127.0.0.1:8088/iptv/xmltv.xml?token=abc',
    });
    expect(text.split('\n')).toEqual([
      '#EXTM3U url-tvg="http://127.0.0.1:8088/iptv/xmltv.xml?token=abc" x-tvg-url="http://127.0.0.1:8088/iptv/xmltv.xml?token=abc"',
      '#EXTINF:-1 tvg-id="channel1.studio" tvg-name="Night  TV , late",Night  TV   late',
      'http://127.0.0.1:8088/iptv/channel.ts?token=abc',
      '',
    ]);
  });
});
