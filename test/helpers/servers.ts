/**
 * Start servers for tests: Redoubt in-process (fast, the embedding API) or as a
 * real process (the CLI), and a real redis-server for differential tests. Every
 * process is stopped by PID; ports are loopback only; a spawned process runs
 * in a private temporary directory unless given a `cwd`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CreateServerOptions, createServer, type RedoubtServer } from '../../src/index.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = join(ROOT, 'bin');

/** Running as root (CI runs the suite as root). */
export const IS_ROOT = process.getuid?.() === 0;
/**
 * What bin/redoubt-server needs to start as root (it refuses otherwise): every
 * test that spawns it appends these arguments; empty when not root.
 */
export const ALLOW_ROOT: readonly string[] = IS_ROOT ? ['--allow-root', 'yes'] : [];

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => res(port));
    });
    s.once('error', rej);
  });
}

export interface Running {
  port: number;
  host: string;
  stop(): Promise<void>;
}

/** Redoubt in this process, on a free loopback port. */
export async function startRedoubt(
  options: CreateServerOptions = {},
): Promise<Running & { handle: RedoubtServer }> {
  const handle = await createServer({ port: 0, bind: '127.0.0.1', ...options }).listen();
  const { host, port } = handle.address();
  return { host, port, handle, stop: () => handle.close() };
}

export interface RunningProcess extends Running {
  pid: number;
  child: ChildProcess;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Spawn a server process and wait for "Ready to accept connections". */
export async function spawnServer(
  command: string,
  args: readonly string[],
  port: number,
  opts: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv; waitReady?: boolean } = {},
): Promise<RunningProcess> {
  // By default a private working directory, removed when the process exits:
  // a server's default `dir` is its working directory, and a shutdown with
  // save points writes dump.rdb there (never into the repository).
  const ownCwd = opts.cwd === undefined ? mkdtempSync(join(tmpdir(), 'redoubt-cwd-')) : undefined;
  const child = spawn(command, args, {
    cwd: opts.cwd ?? ownCwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((res) =>
    child.once('exit', (code) => {
      if (ownCwd !== undefined) rmSync(ownCwd, { recursive: true, force: true });
      res(code);
    }),
  );
  const pid = child.pid as number;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      const t = setTimeout(() => {
        if (child.exitCode === null) process.kill(pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(t);
    }
  };
  const running: RunningProcess = { pid, child, port, host: '127.0.0.1', output: () => out, exited, stop };
  if (opts.waitReady === false) return running;
  const deadline = Date.now() + (opts.timeoutMs ?? 15000);
  while (!out.includes('Ready to accept connections')) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${command} did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return running;
}

/** `bin/redoubt-server` as a real process on a free port (as root: with `--allow-root yes`). */
export async function startRedoubtProcess(
  args: readonly string[] = [],
  opts: { port?: number } = {},
): Promise<RunningProcess> {
  const port = opts.port ?? (await freePort());
  return spawnServer(join(BIN, 'redoubt-server'), [...args, '--port', String(port), ...ALLOW_ROOT], port);
}

let redisChecked: string | null | undefined;

/** Path of redis-server, or null. With REDOUBT_REQUIRE_REDIS=1 a missing server is an error. */
export function redisServerPath(): string | null {
  if (redisChecked === undefined) {
    try {
      redisChecked =
        execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null;
    } catch {
      redisChecked = null;
    }
  }
  if (redisChecked === null && process.env.REDOUBT_REQUIRE_REDIS === '1') {
    throw new Error('redis-server is required (REDOUBT_REQUIRE_REDIS=1) but not on PATH');
  }
  return redisChecked;
}

let redis6Checked: string | null | undefined;

/**
 * Path of a Redis 6.0 server (`redis6-server`, installed by scripts/fetch-redis6.sh
 * from Debian bullseye), or null. With REDOUBT_REQUIRE_REDIS6=1 (CI) a missing one is an error.
 */
export function redis6ServerPath(): string | null {
  if (redis6Checked === undefined) {
    try {
      redis6Checked =
        execFileSync('sh', ['-c', 'command -v redis6-server'], { encoding: 'utf8' }).trim() || null;
    } catch {
      redis6Checked = null;
    }
  }
  if (redis6Checked === null && process.env.REDOUBT_REQUIRE_REDIS6 === '1') {
    throw new Error('redis6-server is required (REDOUBT_REQUIRE_REDIS6=1) but not on PATH');
  }
  return redis6Checked;
}

let valkeyChecked: string | null | undefined;

/**
 * Path of valkey-server (Debian bookworm-backports), or null. With
 * REDOUBT_REQUIRE_VALKEY=1 (CI installs it) a missing server is an error.
 */
export function valkeyServerPath(): string | null {
  if (valkeyChecked === undefined) {
    try {
      valkeyChecked =
        execFileSync('sh', ['-c', 'command -v valkey-server'], { encoding: 'utf8' }).trim() || null;
    } catch {
      valkeyChecked = null;
    }
  }
  if (valkeyChecked === null && process.env.REDOUBT_REQUIRE_VALKEY === '1') {
    throw new Error('valkey-server is required (REDOUBT_REQUIRE_VALKEY=1) but not on PATH');
  }
  return valkeyChecked;
}

/** A real redis-server, persistence off, on a free loopback port; null when not installed. */
export async function startRedis(extra: readonly string[] = []): Promise<RunningProcess | null> {
  const bin = redisServerPath();
  if (bin === null) return null;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redoubt-redis-'));
  const running = await spawnServer(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...extra,
    ],
    port,
  );
  const stop = running.stop;
  running.stop = async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return running;
}
