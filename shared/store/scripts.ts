import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The one loader of our Lua scripts (every one is a file in `lua/`, with a header saying its KEYS and
 * ARGV, as BullMQ keeps `src/commands/*.lua`). A file is named `<name>-<number of keys>.lua` and
 * becomes the command `fleet<Name>` on a connection through `defineCommand`, so each call is an EVALSHA
 * (ioredis loads the script and retries on NOSCRIPT, e.g. after a Redis restart or SCRIPT FLUSH).
 * `--- @include "<name>"` pastes `lua/includes/<name>.lua` in. The build copies `lua/` into `dist/`.
 */
const LUA_DIR = new URL('./lua/', import.meta.url);
const FILE_NAME = /^([a-z]+(?:-[a-z]+)*)-(\d+)\.lua$/;
const INCLUDE = /^--- @include "([\w-]+)"$/gm;

/** Every script the store runs, by the name its file starts with. */
const SCRIPT_NAMES = [
  'create-instance',
  'transition',
  'release-slot',
  'reassign-slot',
  'restore-credentials',
  'release-lock',
  'renew-lock',
  'forget-settled-webhooks',
  'swap-value',
  'reserve-place',
  'set-if-exists',
] as const;
type FileName = (typeof SCRIPT_NAMES)[number];
type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
export type ScriptName = CamelCase<FileName>;

type ScriptArg = string | number;
type ScriptCaller = (...args: ScriptArg[]) => Promise<unknown>;
export type StoreScripts = Record<Exclude<ScriptName, 'createInstance'>, ScriptCaller>;

interface ScriptSource {
  lua: string;
  numberOfKeys: number;
}

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function readLua(path: URL): string {
  return readFileSync(path, 'utf8').replace(INCLUDE, (_, name: string) =>
    readFileSync(new URL(`includes/${name}.lua`, LUA_DIR), 'utf8'),
  );
}

/** Reads `lua/` once; a missing or unexpected file is an error at start-up, not at the first call. */
function readScripts(): Map<ScriptName, ScriptSource> {
  const sources = new Map<ScriptName, ScriptSource>();
  for (const file of readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua'))) {
    const match = FILE_NAME.exec(file);
    if (!match || !(SCRIPT_NAMES as readonly string[]).includes(match[1]!)) {
      throw new Error(`lua/${file}: not a script the store knows (see SCRIPT_NAMES in scripts.ts)`);
    }
    sources.set(camelCase(match[1]!) as ScriptName, {
      lua: readLua(new URL(file, LUA_DIR)),
      numberOfKeys: Number(match[2]),
    });
  }
  const missing = SCRIPT_NAMES.filter((name) => !sources.has(camelCase(name) as ScriptName));
  if (missing.length > 0) throw new Error(`lua/ lacks the scripts ${missing.join(', ')}`);
  return sources;
}

const SOURCES = readScripts();

interface ScriptHost {
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/** Defines `command` on the connection unless it is there already (several stores share one). */
function define(redis: ScriptHost, command: string, source: ScriptSource): ScriptCaller {
  const target = redis as unknown as Record<string, ScriptCaller | undefined>;
  if (typeof target[command] !== 'function') redis.defineCommand(command, source);
  return (target[command] as ScriptCaller).bind(redis);
}

const registered = new WeakMap<ScriptHost, StoreScripts>();

/** The scripts on this connection (prefixed `fleet`: BullMQ defines its own commands there too). */
export function storeScripts(redis: ScriptHost): StoreScripts {
  const known = registered.get(redis);
  if (known) return known;
  const callers = {} as StoreScripts;
  for (const [name, source] of SOURCES) {
    if (name === 'createInstance') continue;
    callers[name] = define(redis, `fleet${name[0]!.toUpperCase()}${name.slice(1)}`, source);
  }
  registered.set(redis, callers);
  return callers;
}

/** A Lua string literal for any text: printable ASCII as is, every other byte (and `"`, `\\`) as `\\ddd`. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    out +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/**
 * The create script of one routing pool: `create-instance-5.lua` after the pool's constants (see its
 * header). Named by a digest of its text, so a process with another pool (a config change mid-rollout)
 * simply has its own.
 */
export function createInstanceScript(
  redis: ScriptHost,
  listeners: readonly { listenerArn: string; dnsName: string }[],
): ScriptCaller {
  const source = SOURCES.get('createInstance')!;
  const pool = [
    `local POOL_ARNS = {${listeners.map((l) => luaString(l.listenerArn)).join(', ')}}`,
    `local POOL_DNS_NAMES = {${listeners.map((l) => luaString(l.dnsName)).join(', ')}}`,
  ].join('\n');
  const lua = `${pool}\n${source.lua}`;
  const digest = createHash('sha1').update(lua).digest('hex').slice(0, 16);
  return define(redis, `fleetCreateInstance_${digest}`, { ...source, lua });
}
