// Starts the real frameloom-server on loopback for the upload tests, and tears it down.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** The API key the tests start servers with. */
export const KEY = 'node-test-key-0123456789';

const built = new Set();

/** Builds the server binary once per test file and profile (fast when cargo is up to date). */
function binary(release) {
  const profile = release ? 'release' : 'debug';
  if (!built.has(profile)) {
    const flags = release ? ['--release'] : [];
    execFileSync('cargo', ['build', '--quiet', ...flags, '-p', 'frameloom-server'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
    built.add(profile);
  }
  return path.join(REPO, 'target', profile, 'frameloom-server');
}

/**
 * Starts `frameloom-server serve` with `--api-key KEY` and `args` on a fresh data dir.
 * @param {string[]} [args] extra flags, e.g. ['--cors-origin', 'http://…']
 * @param {{ release?: boolean }} [options] `release` runs the optimized build (benchmarks)
 * @returns {Promise<{ url: string, dataDir: string, stop: () => Promise<void> }>}
 */
export async function startServer(args = [], { release = false } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'frameloom-server-test-'));
  const dataDir = path.join(dir, 'data');
  const child = spawn(binary(release), ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--api-key', KEY, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: withoutKeysEnv(),
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`frameloom-server exited with ${code} before listening`)));
  });
  const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(first);
  if (!match) throw new Error(`unexpected first line from the server: ${first}`);
  return {
    url: match[1],
    dataDir,
    async stop() {
      child.kill();
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The environment minus FRAMELOOM_API_KEYS, so only `--api-key KEY` applies. */
function withoutKeysEnv() {
  const env = { ...process.env };
  delete env.FRAMELOOM_API_KEYS;
  return env;
}

/** SHA-256 of a buffer as lowercase hex. */
export function sha256(buffer) {
  return createHash('sha256').update(buffer).digest('hex');
}
