import { describe, expect, it } from 'vitest';
import { mediaProblem, parseUploadTarget, storedUploadName } from './uploads.ts';

describe('upload checks', () => {
  it('accepts media with audio or video read by a container demuxer', () => {
    expect(mediaProblem({ formatName: 'mov,mp4,m4a,3gp,3g2,mj2', streams: ['video', 'audio'] })).toBeNull();
    expect(mediaProblem({ formatName: 'mp3', streams: ['audio'] })).toBeNull();
  });

  it('refuses what FFmpeg cannot read, what has no picture or sound, and every demuxer that reads other files', () => {
    expect(mediaProblem(null)).toMatch(/could not read/);
    expect(mediaProblem({ formatName: 'srt', streams: ['subtitle'] })).toMatch(/no audio or video/);
    for (const formatName of ['hls', 'concat', 'dash', 'image2', 'tty'])
      expect(mediaProblem({ formatName, streams: ['video'] }), formatName).toMatch(/names other files/);
  });

  it('reads kind and name from the query, refusing an unknown kind with 400', () => {
    expect(parseUploadTarget(new URL('http://x/api/v1/uploads?kind=media&name=a.mp4'))).toEqual({ kind: 'media', name: 'a.mp4' });
    expect(parseUploadTarget(new URL('http://x/api/v1/uploads?kind=image'))).toEqual({ kind: 'image', name: '' });
    expect(() => parseUploadTarget(new URL('http://x/api/v1/uploads?kind=../media'))).toThrow(expect.objectContaining({ status: 400 }));
  });

  it("names the stored file itself: time, random bits, the cleaned stem, the content's extension over the name's", () => {
    expect(storedUploadName('../../x/My Logo.gif', 'png')).toMatch(/^\d+-[0-9a-f]{8}-My_Logo\.png$/);
    expect(storedUploadName('clip.MP4', null)).toMatch(/^\d+-[0-9a-f]{8}-clip\.mp4$/);
    expect(storedUploadName('', null)).toMatch(/^\d+-[0-9a-f]{8}-upload$/);
    expect(storedUploadName('a.png', 'png')).not.toBe(storedUploadName('a.png', 'png'));
  });
});
