// The channel for IPTV players (#14): the guide as XMLTV, an M3U playlist naming the channel and
// its guide, and the channel's TS (the program's own bytes, as every output gets them).
//
// Auth is the API's: the token on every request. Players (VLC, Kodi, Plex and Jellyfin's M3U
// tuner) cannot send a header or keep a cookie, so the playlist's URLs carry it as `?token=`, which
// auth.ts accepts on every route; the playlist is served only to a token holder.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/host/engine.ts';
import type { GuideEntry } from '../engine/schedule/schedule-service.ts';
import { HttpError } from './errors.ts';
import type { TsFeed } from './ts-feed.ts';

export const IPTV_PREFIX = '/iptv';
export const XMLTV_PATH = `${IPTV_PREFIX}/xmltv.xml`;
export const M3U_PATH = `${IPTV_PREFIX}/channels.m3u`;
export const CHANNEL_TS_PATH = `${IPTV_PREFIX}/channel.ts`;

/** The channel's id in the guide and the playlist (tvg-id); XMLTV suggests a domain-like name. */
export const CHANNEL_GUIDE_ID = 'channel1.studio';
/** The guide covers this much before now (what just aired) and after (what is coming). */
export const GUIDE_PAST_MS = 24 * 60 * 60 * 1000;
export const GUIDE_AHEAD_MS = 7 * 24 * 60 * 60 * 1000;

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text for XML content and attribute values; characters XML 1.0 cannot carry at all are dropped. */
export function xmlText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 forbids (§2.2 Char)
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (char) => XML_ESCAPES[char]!);
}

/** XMLTV's time format (xmltv.dtd: "YYYYMMDDhhmmss +0000"), in UTC, to the second. */
export function xmltvTime(ms: number): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString(); // 2026-12-06T20:00:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)} +0000`;
}

export interface GuideDocument {
  channelId: string;
  channelName: string;
  entries: readonly GuideEntry[];
}

/** The guide as an XMLTV document (xmltv.dtd: channel elements first, then programmes). */
export function xmltvDocument(guide: GuideDocument): string {
  const channel = xmlText(guide.channelId);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE tv SYSTEM "xmltv.dtd">',
    '<tv generator-info-name="Broadcast Studio">',
    `  <channel id="${channel}">`,
    `    <display-name>${xmlText(guide.channelName)}</display-name>`,
    '  </channel>',
  ];
  for (const entry of guide.entries) {
    lines.push(
      `  <programme start="${xmltvTime(entry.startMs)}" stop="${xmltvTime(entry.endMs)}" channel="${channel}">`,
      `    <title>${xmlText(entry.title)}</title>`,
      `    <desc>${xmlText(entry.description)}</desc>`,
      ...(entry.kind === 'filler' ? ['    <category>Filler</category>'] : entry.kind === 'live' ? ['    <category>Live</category>'] : []),
      '  </programme>',
    );
  }
  lines.push('</tv>', '');
  return lines.join('\n');
}

/** M3U attribute values are double-quoted with no escape syntax: quotes and line breaks cannot appear. */
function m3uValue(value: string): string {
  return value.replace(/["\r\n]/g, ' ');
}

/** An extended M3U naming the one channel, its stream and its guide (url-tvg). */
export function m3uPlaylist(playlist: { channelId: string; channelName: string; streamUrl: string; guideUrl: string }): string {
  const name = m3uValue(playlist.channelName);
  return [
    `#EXTM3U url-tvg="${m3uValue(playlist.guideUrl)}" x-tvg-url="${m3uValue(playlist.guideUrl)}"`,
    `#EXTINF:-1 tvg-id="${m3uValue(playlist.channelId)}" tvg-name="${name}",${name.replace(/,/g, ' ')}`,
    playlist.streamUrl,
    '',
  ].join('\n');
}

/** Host headers we put back into URLs: a name or address and a port, nothing else. */
const SAFE_HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

export interface IptvRoutesOptions {
  engine: Engine;
  /** Streams the program's TS to clients: the same bytes as the confidence monitor and the outputs. */
  tsFeed: TsFeed;
  token: string;
  /** The server's own URL, for a request whose Host header cannot be used. */
  serverUrl: () => string;
  now?: () => number;
}

function sendText(response: ServerResponse, contentType: string, body: string): void {
  response.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(body);
}

/** Answers /iptv/* (the request is already authorized); throws an HttpError for what it refuses. */
export function serveIptv(options: IptvRoutesOptions, request: IncomingMessage, response: ServerResponse, url: URL): void {
  const method = request.method ?? 'GET';
  const route = url.pathname;
  if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'BAD_ARGUMENT', `${route} is read with GET.`);
  if (route === XMLTV_PATH) {
    const nowMs = options.now?.() ?? Date.now();
    const { settings, entries } = options.engine.schedule.guide(nowMs - GUIDE_PAST_MS, nowMs + GUIDE_AHEAD_MS);
    return sendText(response, 'application/xml; charset=utf-8', xmltvDocument({ channelId: CHANNEL_GUIDE_ID, channelName: settings.channelName, entries }));
  }
  if (route === M3U_PATH) {
    const host = request.headers.host;
    const base = host && SAFE_HOST.test(host) ? `http://${host}` : options.serverUrl();
    const withToken = (path: string) => `${base}${path}?token=${encodeURIComponent(options.token)}`;
    const { channelName } = options.engine.schedule.settings();
    return sendText(
      response,
      'audio/x-mpegurl; charset=utf-8',
      m3uPlaylist({ channelId: CHANNEL_GUIDE_ID, channelName, streamUrl: withToken(CHANNEL_TS_PATH), guideUrl: withToken(XMLTV_PATH) }),
    );
  }
  if (route === CHANNEL_TS_PATH) {
    const program = options.engine.programHost.airingProgram;
    if (!program) throw new HttpError(503, 'UNAVAILABLE', 'The channel is off the air: the program is not running.');
    if (method === 'HEAD') {
      response.writeHead(200, { 'Content-Type': 'video/mp2t', 'Cache-Control': 'no-store' });
      response.end();
      return;
    }
    return options.tsFeed.attach(program, response);
  }
  throw new HttpError(404, 'NOT_FOUND', `Nothing at ${route}; the channel is at ${M3U_PATH}, ${XMLTV_PATH} and ${CHANNEL_TS_PATH}.`);
}
