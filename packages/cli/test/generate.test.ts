import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg, findFfprobe } from '../../server/src/media/ffmpeg-binaries.ts';
import { makePng, startGateway, type TestGateway } from '../../server/test/harness.ts';
import { buildProgram } from '../src/program.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const run = promisify(execFile);
const PATH = process.env.PATH ?? '';

// Every call starts a Node process that loads TypeScript, so on a busy machine a test takes minutes, not seconds.
describe('reelay generate and friends, as a subprocess against a gateway', { timeout: 240_000 }, () => {
  let t: TestGateway;
  let dir: string;
  let png: string;
  let mp4: string;

  async function reelay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const r = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=reelay-source',
          MAIN,
          '--url',
          t.baseUrl,
          '--api-key',
          t.key,
          ...args,
        ],
        {
          env: { ...process.env, REELAY_API_KEY: '', REELAY_URL: '' },
        },
      );
      return { code: 0, ...r };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  beforeAll(async () => {
    t = await startGateway('pglite');
    dir = await mkdtemp(join(tmpdir(), 'reelay-cli-'));
    png = join(dir, 'a.png');
    await writeFile(png, await makePng(400, 300, [30, 90, 200]));
    mp4 = join(dir, 'b.mp4');
    await run(findFfmpeg(null, PATH), [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=25:duration=3'],
      ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264', mp4],
    ]);
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('uploads an image and a video, generates, waits with progress and saves a real MP4', async () => {
    const out = join(dir, 'result.mp4');
    const r = await reelay(
      ...['generate', 'kling-3.0-omni', '--prompt', 'a blue square dancing', '--image', png, '--video', mp4],
      ...['--set', 'duration=3', '--set', 'aspectRatio=16:9', '--wait', '--out', out],
    );
    expect(r.stderr).toContain('upload a.png');
    expect(r.stderr).toContain('upload b.mp4');
    expect(r.stderr).toMatch(/\[#{24}\] 100%/);
    expect(r.stderr).toMatch(/gen_\w+ .*succeeded/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('succeeded');
    expect(r.stdout).toContain(`saved ${out}`);

    const { stdout } = await run(findFfprobe(null, PATH), [
      ...['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', out],
    ]);
    const probe = JSON.parse(stdout) as {
      format: { duration: string };
      streams: { codec_type: string; width?: number; height?: number }[];
    };
    expect(Number(probe.format.duration)).toBeCloseTo(3, 0);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 1280, height: 720 });
    // With a reference video, kling-3.0-omni makes no audio.
    expect(probe.streams.some((s) => s.codec_type === 'audio')).toBe(false);

    const id = /gen_[A-Za-z0-9]+/.exec(r.stdout)?.[0] ?? '';
    const got = JSON.parse((await reelay('generations', 'get', id, '--json')).stdout);
    expect(got).toMatchObject({ id, status: 'succeeded', mode: 'video_to_video' });
    expect(got.input.referenceVideo).toMatch(/^asset:\/\/asset_/);
    const listed = JSON.parse((await reelay('generations', 'list', '--json')).stdout);
    expect(listed.data.map((g: { id: string }) => g.id)).toContain(id);
    const cancel = await reelay('generations', 'cancel', id);
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toContain('409');
    const deleted = await reelay('generations', 'delete', id);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/media deleted at \d{4}-/);
    expect(JSON.parse((await reelay('generations', 'get', id, '--json')).stdout).outputs[0].status).toBe(
      'deleted',
    );
  });

  it('shows what a generation costs: nothing once canceled uncharged, at most its quote while it runs', async () => {
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'a long slow pan', aspectRatio: '16:9', resolution: '1080p', duration: 15 },
    });
    expect(created.status, created.text).toBe(202);
    const id = created.json.id as string;
    const quote = String(created.json.quote.tokens);
    const running = await reelay('generations', 'get', id);
    if (running.stdout.includes(' queued ') || running.stdout.includes(' running ')) {
      expect(running.stdout).toContain(`≤ ${quote} tokens`);
    }
    expect((await reelay('generations', 'cancel', id)).code).toBe(0);
    const canceled = await reelay('generations', 'get', id);
    expect(canceled.stdout).toContain(`${id} canceled`);
    expect(canceled.stdout).toContain(', 0 tokens');
    const listed = await reelay('generations', 'list', '--status', 'canceled');
    const row = listed.stdout.split('\n').find((line) => line.includes(id)) ?? '';
    expect(row.split(/\s{2,}|\s\|\s|\t/).map((c) => c.trim())).toContain('0');
    expect(row).not.toContain(quote);
  });

  it('names the wrong field, locally or from the gateway, with exit code 2', async () => {
    const local = await reelay('generate', 'kling-3.0-omni', '--prompt', 'x', '--set', 'duration=abc');
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('input.duration must be a number from 3 to 15');
    const remote = await reelay(
      'generate',
      'kling-3.0-omni',
      '--prompt',
      'x',
      '--set',
      'duration=99',
      '--set',
      'hue=red',
    );
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('422');
    expect(remote.stderr).toContain('input.duration:');
    expect(remote.stderr).toContain('input.hue:');
    const audio = await reelay('generate', 'kling-3.0-omni', '--prompt', 'x', '--audio', png);
    expect(audio.code).toBe(2);
    expect(audio.stderr).toContain('--audio: kling-3.0-omni takes no audio');
    const unknown = await reelay('generate', 'no-such-model', '--prompt', 'x');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('404');
    const option = await reelay('generate', 'kling-3.0-omni', '--colour', 'red');
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--colour'");
    // Sent as provenance: false, which this gateway does not allow.
    const unsigned = await reelay('generate', 'nano-banana', '--prompt', 'x', '--no-provenance');
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain('422');
    expect(unsigned.stderr).toContain('provenance');
  });

  it('puts a file into any media field with --set, and says plainly when a path is no file', async () => {
    const r = await reelay(
      ...['generate', 'seedream-4.5', '--prompt', 'make it blue', '--set', `sourceImage=${png}`],
      ...['--set', `referenceAssetUris=${png},${png}`, '--json'],
    );
    expect(r.stderr).toContain('upload a.png');
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout);
    expect(g.input.sourceImage).toMatch(/^asset:\/\/asset_/);
    expect(g.input.referenceAssetUris).toHaveLength(2);
    for (const uri of g.input.referenceAssetUris) expect(uri).toMatch(/^asset:\/\/asset_/);
    expect(g.mode).not.toBe('text_to_image');

    const missing = await reelay(
      'generate',
      'seedream-4.5',
      '--prompt',
      'x',
      '--set',
      'sourceImage=./nope.png',
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('./nope.png: not a readable file (ENOENT)');
    const folder = await reelay('generate', 'seedream-4.5', '--prompt', 'x', '--image', dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`${dir}: not a readable file`);
    const upload = await reelay('assets', 'upload', './nope.png');
    expect(upload).toMatchObject({ code: 2, stdout: '' });
    expect(upload.stderr.trim()).toBe('reelay: ./nope.png: not a readable file (ENOENT)');
  });

  it('shows the catalog as tables, quotes, and uploads, each also as JSON', async () => {
    const list = await reelay('models');
    expect(list.stdout).toMatch(/kling-3\.0-omni\s+video\s+from 6\.4\/s/);
    const model = await reelay('models', 'kling-3.0-omni');
    expect(model.stdout).toMatch(/duration\s+number\s+3\s+3–15 seconds/);
    expect(model.stdout).toMatch(/referenceAssetUris\s+array/);
    expect(JSON.parse((await reelay('models', 'kling-3.0-omni', '--json')).stdout).id).toBe('kling-3.0-omni');
    const es = await reelay('models', 'kling-3.0-omni', '--locale', 'es');
    expect(es.stdout).toMatch(/720p-audio\s+8\.5 tokens\/s\s+720p · Con audio \(default\)/);
    const ru = JSON.parse((await reelay('models', 'kling-3.0-omni', '--locale', 'ru', '--json')).stdout);
    expect(ru.fields.find((f: { name: string }) => f.name === 'referenceVideo').label).toBe(
      'Референсное видео',
    );
    const de = await reelay('models', 'kling-3.0-omni', '--locale', 'de');
    expect(de.code).not.toBe(0);
    expect(de.stderr).toContain('locale');
    const quote = await reelay(
      ...['quote', 'kling-3.0-omni', '--prompt', 'x', '--set', 'duration=4', '--set', 'audioEnabled=false'],
    );
    expect(quote.stdout).toContain('720p: 25.6 tokens (6.4/s × 4 s)');
    const asset = JSON.parse((await reelay('assets', 'upload', png, '--json')).stdout);
    expect(asset).toMatchObject({
      kind: 'image',
      width: 400,
      height: 300,
      uri: expect.stringMatching(/^asset:\/\//),
    });
  });

  it('has --help on every command, listing its options', async () => {
    const seen: string[] = [];
    const walk = (c: Command, words: string[]) => {
      seen.push(words.join(' '));
      for (const sub of c.commands) if (sub.name() !== 'help') walk(sub, [...words, sub.name()]);
    };
    walk(buildProgram(), []);
    expect(seen).toEqual(
      expect.arrayContaining([
        'generate',
        'generations list',
        'assets upload',
        'keys create',
        'tokens grant',
      ]),
    );
    for (const words of seen) {
      let out = '';
      const program = buildProgram({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
      const done = await program
        .parseAsync([...words.split(' ').filter(Boolean), '--help'], { from: 'user' })
        .catch((e) => e);
      expect(done, words).toBeInstanceOf(CommanderError);
      expect((done as CommanderError).exitCode).toBe(0);
      expect(out).toContain(`Usage: reelay ${words}`.trim());
      expect(out).toContain('--help');
    }
    const json = await reelay('generations', 'list', '--help');
    expect(json.stdout).toContain('Usage: reelay generations list');
  });
});
