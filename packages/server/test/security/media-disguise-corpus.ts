import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBase62 } from '../../src/ids.ts';
import { makeVideo } from '../media-fixtures.ts';

/**
 * Files that look like media to a sniffer but are playlists or manifests to ffmpeg, which would open what
 * they name: a canary file of the machine (a video, so a probe that follows the reference would succeed,
 * and a text file) and listeners on 127.0.0.1 (TCP, HTTP, UDP) that must never see a connection.
 */

/** What a manifest points at. */
export interface Targets {
  canaryDir: string;
  canaryVideo: string;
  canaryText: string;
  /** The text inside the canary text file: it must never show up anywhere. */
  token: string;
  /** The canary video's size: no asset may ever have it. */
  canarySize: { width: number; height: number };
  httpPort: number;
  tcpPort: number;
  udpPort: number;
}

/** Loopback listeners counting whatever reaches them, and whether a canary file was read. */
export interface Listeners {
  counts(): Promise<{ tcp: number; http: number; udp: number; canaryRead: boolean }>;
  /**
   * Whether this filesystem records reads (atime) at all, found by reading a file set up like the
   * canaries; without it `canaryRead` stays false whatever happens, and the listeners and answers remain.
   */
  readsAreRecorded: boolean;
  close(): Promise<void>;
}

/** A canary folder and three loopback listeners, for one test file. */
export async function startTargets(): Promise<{ targets: Targets; listeners: Listeners }> {
  const canaryDir = await mkdtemp(join(tmpdir(), 'reelay-canary-'));
  const token = `REELAY-CANARY-${randomBase62(16)}`;
  const canaryText = join(canaryDir, 'canary.txt');
  const canaryVideo = join(canaryDir, 'canary.mp4');
  const canarySize = { width: 208, height: 120 };
  const sentinel = join(canaryDir, 'sentinel.txt');
  await writeFile(canaryText, `${token}\n`);
  await writeFile(canaryVideo, await makeVideo({ ...canarySize, fps: 24, seconds: 1, silent: true }));
  await writeFile(sentinel, 'read me\n');
  // Access and change times in the past: the next read of the file moves its access time (even relatime does).
  const past = new Date(Date.now() - 3 * 24 * 3600 * 1000);
  for (const file of [canaryText, canaryVideo, sentinel]) await utimes(file, past, past);
  const readSince = async (file: string) => (await stat(file)).atimeMs > past.getTime() + 1000;
  await readFile(sentinel);
  const readsAreRecorded = await readSince(sentinel);

  const seen = { tcp: 0, http: 0, udp: 0 };
  const tcp: TcpServer = createTcpServer((socket) => {
    seen.tcp++;
    socket.destroy();
  });
  const http: HttpServer = createHttpServer((_req, res) => {
    res.writeHead(404).end();
  });
  http.on('connection', () => {
    seen.http++;
  });
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', () => {
    seen.udp++;
  });
  const listen = (server: TcpServer | HttpServer) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  const tcpPort = await listen(tcp);
  const httpPort = await listen(http);
  const udpPort = await new Promise<number>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(0, '127.0.0.1', () => resolve(udp.address().port));
  });
  return {
    targets: { canaryDir, canaryVideo, canaryText, token, canarySize, httpPort, tcpPort, udpPort },
    listeners: {
      readsAreRecorded,
      counts: async () => ({
        ...seen,
        canaryRead: (await readSince(canaryText)) || (await readSince(canaryVideo)),
      }),
      async close() {
        await Promise.all([
          new Promise<void>((resolve) => tcp.close(() => resolve())),
          new Promise<void>((resolve) => {
            http.closeAllConnections();
            http.close(() => resolve());
          }),
          new Promise<void>((resolve) => udp.close(() => resolve())),
        ]);
        await rm(canaryDir, { recursive: true, force: true });
      },
    },
  };
}

const httpOf = (t: Targets) => `http://127.0.0.1:${t.httpPort}`;
const tcpOf = (t: Targets) => `tcp://127.0.0.1:${t.tcpPort}`;

/**
 * Every playlist or manifest format ffmpeg opens that names other files or URLs, each pointing at the
 * canary (by `file:`, and through the `concat:` and `subfile` protocols) and at the loopback listeners
 * (an IMF playlist names its track files by id, found through an asset map beside it). XML ones carry no
 * XML declaration, so they can also be sent as UTF-16.
 */

export const MANIFESTS: { name: string; text(t: Targets): string }[] = [
  {
    name: 'HLS media playlist',
    text: (t) =>
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXTINF:1.0,',
        `file:${t.canaryVideo}`,
        '#EXTINF:1.0,',
        `${httpOf(t)}/segment0.ts`,
        '#EXTINF:1.0,',
        tcpOf(t),
        '#EXTINF:1.0,',
        `concat:${t.canaryVideo}|${t.canaryText}`,
        '#EXTINF:1.0,',
        `subfile,,start,0,end,0,,:${t.canaryText}`,
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
  },
  {
    name: 'HLS master playlist with an audio rendition',
    text: (t) =>
      [
        '#EXTM3U',
        `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="a",URI="${httpOf(t)}/audio.m3u8"`,
        '#EXT-X-STREAM-INF:BANDWIDTH=100000,AUDIO="a"',
        `${httpOf(t)}/video.m3u8`,
        '#EXT-X-STREAM-INF:BANDWIDTH=200000',
        `file:${t.canaryDir}/other.m3u8`,
        '',
      ].join('\n'),
  },
  {
    name: 'HLS playlist with an AES key URI and an init map',
    text: (t) =>
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-TARGETDURATION:2',
        `#EXT-X-MAP:URI="file:${t.canaryVideo}"`,
        `#EXT-X-KEY:METHOD=AES-128,URI="${httpOf(t)}/key.bin"`,
        '#EXTINF:1.0,',
        `file:${t.canaryVideo}`,
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
  },
  {
    name: 'DASH manifest with a file: BaseURL',
    text: (t) =>
      [
        '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT1S"',
        ' minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">',
        '<Period><AdaptationSet mimeType="video/mp4">',
        `<Representation id="1" bandwidth="1000" codecs="avc1.42c01e" width="${t.canarySize.width}" height="${t.canarySize.height}">`,
        `<BaseURL>file:${t.canaryVideo}</BaseURL></Representation></AdaptationSet>`,
        '</Period></MPD>',
        '',
      ].join('\n'),
  },
  {
    name: 'DASH manifest with segment templates on loopback',
    text: (t) =>
      [
        '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT2S"',
        ' minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-live:2011">',
        `<BaseURL>${httpOf(t)}/</BaseURL>`,
        '<Period><AdaptationSet mimeType="video/mp4">',
        '<SegmentTemplate initialization="init.mp4" media="seg$Number$.m4s" duration="1" startNumber="1"/>',
        '<Representation id="v" bandwidth="1000" codecs="avc1.42c01e" width="320" height="240"/>',
        '</AdaptationSet></Period></MPD>',
        '',
      ].join('\n'),
  },
  {
    name: 'ffconcat script',
    text: (t) =>
      [
        'ffconcat version 1.0',
        `file 'file:${t.canaryVideo}'`,
        'file canary.mp4',
        `file '${httpOf(t)}/part.mp4'`,
        `file '${tcpOf(t)}'`,
        `file 'subfile,,start,0,end,0,,:${t.canaryText}'`,
        '',
      ].join('\n'),
  },
  {
    name: 'SDP session',
    text: (t) =>
      [
        'v=0',
        'o=- 0 0 IN IP4 127.0.0.1',
        's=canary',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=video ${t.udpPort} RTP/AVP 96`,
        'a=rtpmap:96 H264/90000',
        `a=control:rtsp://127.0.0.1:${t.tcpPort}/`,
        '',
      ].join('\r\n'),
  },
  {
    name: 'IMF composition playlist',
    text: () =>
      [
        '<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016">',
        '<Id>urn:uuid:8e097bb0-cff7-4969-a692-bad47bfb528f</Id>',
        '<ContentTitle>canary</ContentTitle><EditRate>24 1</EditRate>',
        '<SegmentList><Segment><Id>urn:uuid:81fed4e5-9722-400a-b9d1-7f2bd21df4b6</Id><SequenceList>',
        '<MainImageSequence xmlns="http://www.smpte-ra.org/schemas/2067-2/2016">',
        '<Id>urn:uuid:6ae100b0-92d1-41be-9321-85e0933dfc42</Id>',
        '<TrackId>urn:uuid:e8ef9653-565c-479c-8039-82d4547973c5</TrackId><ResourceList>',
        '<Resource><Id>urn:uuid:7fbb7c1c-9d39-44ec-a0a9-d2e8bd5e4e3c</Id><IntrinsicDuration>24</IntrinsicDuration>',
        `<TrackFileId>urn:uuid:a3d6bd1b-4d7a-4bb4-a2ff-bc8f0b3e0a8d</TrackFileId></Resource>`,
        '</ResourceList></MainImageSequence></SequenceList></Segment></SegmentList>',
        '</CompositionPlaylist>',
        '',
      ].join('\n'),
  },
];

const syncsafe = (n: number) => Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
/** An ID3v2.4 header: `flags` 0x10 says a 10-byte footer follows the tag, which ffmpeg skips too. */
const id3 = (size: number, flags = 0) =>
  Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 0, flags]), syncsafe(size)]);
/** An MPEG-1 layer 3 frame header (128 kbit/s, 44.1 kHz): what sniffers take for MP3. */
const MP3_FRAME = Buffer.from([0xff, 0xfb, 0x90, 0x64]);
/** An ADTS (AAC) header. */
const ADTS = Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]);
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

/**
 * A real ID3 tag longer than ffmpeg's 1 MiB probe window, whose size bytes hold no zero (so ffmpeg's probe
 * reads its text) and whose payload repeats the manifest, before the manifest itself in UTF-16: ffmpeg's
 * probe sees the manifest's words in the tag, then reads the manifest from where the tag ends.
 */
function longId3(text: string): Buffer {
  const size = 2 * 2 ** 21 + 3 * 2 ** 14 + 5 * 2 ** 7 + 7;
  const payload = Buffer.alloc(size, 0x20);
  utf8(text.replace(/\n/g, ' ')).copy(payload, 0);
  return Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 1, 1]), syncsafe(size), payload, utf16(text)]);
}

/** The headers a manifest hides behind. */
export const DISGUISES: { name: string; wrap(text: string): Buffer }[] = [
  { name: 'as plain text', wrap: utf8 },
  { name: 'in UTF-16', wrap: utf16 },
  { name: 'behind an ID3 tag', wrap: (text) => Buffer.concat([id3(64), Buffer.alloc(64), utf8(text)]) },
  {
    name: 'behind an ID3 header claiming more bytes than the file has',
    wrap: (text) => Buffer.concat([id3(0x0fffffff), utf8(text)]),
  },
  {
    name: 'behind an ID3 tag with a footer flag and an MP3 frame header',
    wrap: (text) => Buffer.concat([id3(64, 0x10), Buffer.alloc(64), MP3_FRAME, Buffer.alloc(6), utf8(text)]),
  },
  {
    name: 'behind an ID3 tag with a footer flag and an ADTS header',
    wrap: (text) => Buffer.concat([id3(64, 0x10), Buffer.alloc(64), ADTS, Buffer.alloc(3), utf8(text)]),
  },
  { name: 'behind an MP3 frame header', wrap: (text) => Buffer.concat([MP3_FRAME, utf8(text)]) },
  { name: 'behind an ADTS header', wrap: (text) => Buffer.concat([ADTS, utf8(text)]) },
  { name: 'in UTF-16 after an ID3 tag longer than the probe window', wrap: longId3 },
];

export interface DisguisedFile {
  name: string;
  /** The file's bytes, once the targets are known. */
  bytes(t: Targets): Buffer;
}

/** Every manifest in every disguise. */
export const DISGUISE_CORPUS: DisguisedFile[] = MANIFESTS.flatMap((m) =>
  DISGUISES.map((d) => ({ name: `${m.name} ${d.name}`, bytes: (t: Targets) => d.wrap(m.text(t)) })),
);

/** Whether a client-facing message names a filesystem path of this machine. */
export function namesAPath(message: string, dirs: readonly string[]): boolean {
  if (dirs.some((d) => d !== '' && message.includes(d))) return true;
  if (/\.incoming|(?:^|[^\w])in_[A-Za-z0-9]{6,}/.test(message)) return true;
  // An absolute path: a slash after a non-word character, followed by at least two segments.
  return /(?:^|[\s'"(=:,])\/(?:[\w.@+-]+\/)+[\w.@+-]*/.test(message) || /file:/.test(message);
}
