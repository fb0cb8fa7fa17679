import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;
/** `BENCH_PROFILE_DIR` keeps one run's profiles apart from another bench's on a shared checkout. */
export const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ?? join(REPO_ROOT, 'artifacts', 'profiles');

/**
 * The API and the worker run as production does (`node dist/...`, see the Dockerfile), compiled once
 * per bench run into a directory of the bench's own: tsx costs ~50 MB of RSS per process (figure 5) and
 * compiles on load. `BENCH_TSX=1` runs the TypeScript sources under tsx instead.
 */
// One per bench process (two benches on one checkout must not rebuild under each other), removed at exit.
const BUILD_DIR = join(REPO_ROOT, 'artifacts', 'bench-dist', String(process.pid));
let built = false;

/** Compiles api/, worker/, shared/ and localcloud/ with tsconfig.build.json (about 10 s on 2 cores). */
export function buildOnce(): void {
  if (built || process.env.BENCH_TSX === '1') return;
  rmSync(BUILD_DIR, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  cpSync(join(REPO_ROOT, 'api/public'), join(BUILD_DIR, 'api/public'), { recursive: true });
  // The store's Lua scripts are files read at run time (shared/store/scripts.ts), not compiled.
  cpSync(join(REPO_ROOT, 'shared/store/lua'), join(BUILD_DIR, 'shared/store/lua'), { recursive: true });
  process.once('exit', () => rmSync(BUILD_DIR, { recursive: true, force: true }));
  built = true;
}

/** The compiled entry point of a source file, when this run built one. */
function compiledEntry(file: string): string | null {
  if (!built) return null;
  const js = join(BUILD_DIR, file.replace(/\.ts$/, '.js'));
  return existsSync(js) ? js : null;
}

/** `BENCH_CPU_PROF=1 npm run bench` writes a .cpuprofile per child process into artifacts/profiles. */
export const cpuProfiling = process.env.BENCH_CPU_PROF === '1';

export interface RunningChild {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Everything the child wrote, for the error message when it dies early. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts a TypeScript entry point as its own Node process (`node --import tsx <file>`), so its RSS and
 * CPU are its own, and waits until a line of its output matches `ready` (or `ready()` resolves).
 */
/** What the Dockerfile sets; a test keeps the two equal. */
export const PRODUCTION_NODE_OPTIONS = '--max-old-space-size=128';

/**
 * Children still running when the bench process exits (an uncaught error mid-run, say) are killed with
 * it: an API or worker left behind keeps polling Redis and holding CPU under the next run's figures.
 */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export async function startChild(options: {
  name: string;
  file: string;
  args?: string[];
  env: Record<string, string>;
  ready: RegExp | (() => Promise<boolean>);
  timeoutMs?: number;
}): Promise<RunningChild & { match: RegExpExecArray | null }> {
  const compiled = compiledEntry(options.file);
  const nodeArgs = compiled ? [] : ['--import', 'tsx'];
  if (cpuProfiling) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    // Node's default names (CPU.<date>.<pid>.<tid>) keep tsx's loader thread from overwriting the main thread's profile.
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', PROFILE_DIR);
  }
  const child = spawn(
    process.execPath,
    [...nodeArgs, compiled ?? join(REPO_ROOT, options.file), ...(options.args ?? [])],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        // The image's V8 settings (Dockerfile ENV NODE_OPTIONS), so figures are production's;
        // BENCH_NODE_OPTIONS tries others ('' for Node's defaults).
        NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? PRODUCTION_NODE_OPTIONS,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  liveChildren.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
    liveChildren.delete(child);
  });

  const match = await new Promise<RegExpExecArray | null>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`${options.name} not ready within ${options.timeoutMs ?? 20_000} ms:\n${output}`)),
      options.timeoutMs ?? 20_000,
    );
    const done = (m: RegExpExecArray | null) => {
      clearTimeout(timer);
      resolve(m);
    };
    // Kept for reading a run afterwards (bench/README.md, Logging); off by default.
    const logDir = process.env.BENCH_CHILD_LOG_DIR;
    if (logDir) mkdirSync(logDir, { recursive: true });
    const onData = (chunk: Buffer) => {
      if (logDir) appendFileSync(join(logDir, `${options.name}.log`), chunk);
      output = (output + chunk.toString()).slice(-20_000);
      if (options.ready instanceof RegExp) {
        const m = options.ready.exec(output);
        if (m) done(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code} before it was ready:\n${output}`));
    });
    if (typeof options.ready === 'function') {
      const probe = options.ready;
      const poll = async () => {
        while (exitCode === undefined) {
          if (await probe().catch(() => false)) return done(null);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      void poll();
    }
  });

  return {
    name: options.name,
    pid: child.pid!,
    child,
    match,
    output: () => output,
    async stop(graceMs = 10_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(kill);
      return code;
    },
  };
}
