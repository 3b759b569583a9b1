// Media playlists (RFC 8216) with ad markers in the styles distributors ask for.
import { HLS_MARKER_STYLES, type HlsMarkerStyle } from '../../../shared/outputs.ts';
import { toHex } from '../scte35/text.ts';

/** The styles are listed once, in the contract: an HLS output's settings name them. */
export type MarkerStyle = HlsMarkerStyle;

export function isMarkerStyle(value: string): value is MarkerStyle {
  return (HLS_MARKER_STYLES as readonly string[]).includes(value);
}

/** The start of an ad break, carried by the segment that begins at the splice-out. */
export interface CueOut {
  /** Stable id of the break: the DATERANGE ID, shared by its CUE-IN. */
  id: string;
  eventId: number;
  splicePts: number;
  /** Planned duration in seconds (break_duration), or undefined when not signalled. */
  plannedDuration: number | undefined;
  /** The splice_info_section as received. */
  section: Uint8Array;
  /** Program date-time of the splice, ISO 8601. */
  startDate: string;
}

/** The end of an ad break, carried by the segment that begins at the return. */
export interface CueIn {
  id: string;
  eventId: number;
  splicePts: number;
  /** Actual break length in seconds (return − splice-out). */
  duration: number;
  /** The return's section, or undefined when the break ended by auto_return alone. */
  section: Uint8Array | undefined;
  startDate: string;
}

/** A splice point that is not a break (time_signal): cut there and pass the cue on. */
export interface SpliceSignal {
  id: string;
  splicePts: number;
  section: Uint8Array;
  startDate: string;
}

export interface PlaylistSegment {
  sequence: number;
  uri: string;
  /** Seconds. */
  duration: number;
  /** Raw PTS of the segment's first (IDR) frame. */
  startPts: number;
  programDateTime: string;
  cueOut?: CueOut;
  cueIn?: CueIn;
  signal?: SpliceSignal;
  /** Inside a break: seconds since the splice-out and the break's planned length. */
  cueOutCont?: { elapsed: number; duration: number | undefined; section: Uint8Array };
}

export interface PlaylistOptions {
  targetDuration: number;
  markers: readonly MarkerStyle[];
  /** Ended: the list gets #EXT-X-ENDLIST; `vod` also makes it #EXT-X-PLAYLIST-TYPE:VOD. */
  ended: boolean;
  vod: boolean;
}

function seconds(value: number): string {
  return value.toFixed(3);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The marker lines that go before a segment's #EXTINF, in the selected styles. */
export function markerLines(segment: PlaylistSegment, markers: readonly MarkerStyle[]): string[] {
  const lines: string[] = [];
  const { cueIn, cueOut, cueOutCont, signal } = segment;
  for (const style of markers) {
    switch (style) {
      case 'cue':
        if (cueIn) lines.push('#EXT-X-CUE-IN');
        if (cueOut) lines.push(cueOut.plannedDuration === undefined ? '#EXT-X-CUE-OUT' : `#EXT-X-CUE-OUT:DURATION=${seconds(cueOut.plannedDuration)}`);
        if (cueOutCont) {
          lines.push(
            `#EXT-X-CUE-OUT-CONT:ElapsedTime=${seconds(cueOutCont.elapsed)}${cueOutCont.duration === undefined ? '' : `,Duration=${seconds(cueOutCont.duration)}`}`,
          );
        }
        break;
      case 'oatcls':
        if (cueIn?.section) lines.push(`#EXT-OATCLS-SCTE35:${base64(cueIn.section)}`);
        if (cueOut) lines.push(`#EXT-OATCLS-SCTE35:${base64(cueOut.section)}`);
        if (signal) lines.push(`#EXT-OATCLS-SCTE35:${base64(signal.section)}`);
        break;
      case 'daterange':
        // RFC 8216 §4.3.2.7.1: the IN tag reuses the OUT tag's ID (and so its START-DATE).
        if (cueIn) {
          lines.push(
            `#EXT-X-DATERANGE:ID="${cueIn.id}",START-DATE="${cueIn.startDate}",DURATION=${seconds(cueIn.duration)}` +
              (cueIn.section ? `,SCTE35-IN=0x${toHex(cueIn.section)}` : ''),
          );
        }
        if (cueOut) {
          lines.push(
            `#EXT-X-DATERANGE:ID="${cueOut.id}",START-DATE="${cueOut.startDate}"` +
              (cueOut.plannedDuration === undefined ? '' : `,PLANNED-DURATION=${seconds(cueOut.plannedDuration)}`) +
              `,SCTE35-OUT=0x${toHex(cueOut.section)}`,
          );
        }
        if (signal) lines.push(`#EXT-X-DATERANGE:ID="${signal.id}",START-DATE="${signal.startDate}",SCTE35-CMD=0x${toHex(signal.section)}`);
        break;
      case 'scte35':
        if (cueIn) lines.push(`#EXT-X-SCTE35:${cueIn.section ? `CUE="${base64(cueIn.section)}",` : ''}ID="${cueIn.id}",CUE-IN=YES`);
        if (cueOut) {
          lines.push(
            `#EXT-X-SCTE35:CUE="${base64(cueOut.section)}",ID="${cueOut.id}",CUE-OUT=YES` +
              (cueOut.plannedDuration === undefined ? '' : `,DURATION=${seconds(cueOut.plannedDuration)}`),
          );
        }
        if (cueOutCont) {
          lines.push(
            `#EXT-X-SCTE35:CUE="${base64(cueOutCont.section)}",CUE-OUT=CONT,ELAPSED=${seconds(cueOutCont.elapsed)}` +
              (cueOutCont.duration === undefined ? '' : `,DURATION=${seconds(cueOutCont.duration)}`),
          );
        }
        if (signal) lines.push(`#EXT-X-SCTE35:CUE="${base64(signal.section)}",ID="${signal.id}"`);
        break;
    }
  }
  return lines;
}

/** Renders a media playlist over `segments` (the window to list, oldest first). */
export function renderPlaylist(segments: readonly PlaylistSegment[], options: PlaylistOptions): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', `#EXT-X-TARGETDURATION:${options.targetDuration}`];
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${segments[0]?.sequence ?? 0}`);
  if (options.ended && options.vod) lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
  for (const segment of segments) {
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${segment.programDateTime}`);
    lines.push(...markerLines(segment, options.markers));
    lines.push(`#EXTINF:${segment.duration.toFixed(6)},`, segment.uri);
  }
  if (options.ended) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
