// Test media made by ffmpeg at test time, and the native CLI's reading of it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpeg } from './media-check.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

const VIDEO = 'testsrc2=size=320x240:rate=30:duration=2';
const TONE = 'sine=frequency=440:sample_rate=48000:duration=2';

/** ffmpeg arguments (after `-y`) for each fixture, written into `dir`. */
const RECIPES = {
  'h264_aac.mp4': ['-f', 'lavfi', '-i', VIDEO, '-f', 'lavfi', '-i', TONE, '-c:v', 'libx264', '-preset', 'veryfast',
    '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'],
  'vp9_opus.webm': ['-f', 'lavfi', '-i', VIDEO, '-f', 'lavfi', '-i', TONE, '-c:v', 'libvpx-vp9', '-deadline', 'realtime',
    '-cpu-used', '8', '-g', '30', '-c:a', 'libopus', '-shortest'],
  'picture.png': ['-f', 'lavfi', '-i', VIDEO, '-frames:v', '1'],
};

/** Larger fixtures, made only when a test asks for them with `fixtures.make(name)`. */
const ON_DEMAND = {
  'long_h264_aac.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=60', '-f', 'lavfi', '-i',
    'sine=frequency=440:sample_rate=48000:duration=60', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'],
  'hd_high_bitrate.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=2', '-f', 'lavfi', '-i', TONE,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '8', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'],
  'hevc_aac.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=2', '-f', 'lavfi', '-i', TONE,
    '-c:v', 'libx265', '-preset', 'ultrafast', '-tag:v', 'hvc1', '-x265-params', 'log-level=error', '-c:a', 'aac', '-shortest'],
  'sd_480p.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=854x480:rate=30:duration=2', '-f', 'lavfi', '-i', TONE,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'],
};

/**
 * Makes every fixture in a fresh temp folder: the recipes, `png-renamed.mp4` (a PNG) and `empty.mp4`;
 * `make(name)` adds an on-demand one.
 * @returns {Promise<{ dir: string, file: (name: string) => string, make: (name: string) => Promise<string>, remove: () => Promise<void> }>}
 */
export async function makeFixtures() {
  const dir = await mkdtemp(path.join(tmpdir(), 'frameloom-e2e-'));
  for (const [name, args] of Object.entries(RECIPES)) {
    await ffmpeg([...args, path.join(dir, name)]);
  }
  await copyFile(path.join(dir, 'picture.png'), path.join(dir, 'png-renamed.mp4'));
  await writeFile(path.join(dir, 'empty.mp4'), new Uint8Array(0));
  return {
    dir,
    file: (name) => path.join(dir, name),
    /** Makes on-demand fixture `name` (once) and returns its path. */
    async make(name) {
      const file = path.join(dir, name);
      if (!existsSync(file)) await ffmpeg([...ON_DEMAND[name], file]);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Probes `file` with the native CLI (`frameloom-server probe`): the same core, reading a file instead of a Blob.
 * @returns {Promise<{ ok: true, info: object } | { ok: false, error: { code: string, message: string } }>}
 */
export async function nativeProbe(file) {
  const args = ['run', '--quiet', '-p', 'frameloom-server', '--', 'probe', file];
  // stdin is closed: cargo's rustc probes read stdin, and must never see a terminal's stray bytes.
  const child = spawn('cargo', args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks = [];
  child.stdout.on('data', (chunk) => chunks.push(chunk));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const stdout = Buffer.concat(chunks).toString('utf8');
  if (code !== 0 && !stdout) throw new Error(`frameloom-server probe exited with ${code} and printed nothing`);
  const json = JSON.parse(stdout);
  return json.error ? { ok: false, error: json.error } : { ok: true, info: json };
}

/** The repository root. */
export const repoRoot = REPO;
