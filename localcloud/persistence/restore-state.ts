import type { Cloud } from '../cloud.js';
import { link } from '../elb-links.js';
import { accountSettings } from '../sim/account-settings.js';
import { index } from '../sim/resources.js';
import { makeRng } from '../sim/rng.js';
import type { CloudState, Service, ServiceToken, TargetGroup, Task } from '../state.js';
import { type SavedWorld, STATE_FILE_VERSION } from './snapshot.js';

/** A state file localcloud will not load: said in one line, with what to do about it. */
export class StateFileError extends Error {
  constructor(file: string, why: string) {
    super(`localcloud: cannot restore state from ${file}: ${why}. Delete the file to start empty.`);
    this.name = 'StateFileError';
  }
}

const ENTRY_FIELDS = [
  'secrets',
  'taskDefinitions',
  'services',
  'tasks',
  'containerInstances',
  'instances',
  'targetGroups',
  'loadBalancers',
  'listeners',
  'rules',
  'nextIp',
  'serviceTokens',
  'logGroups',
  'accountSettings',
] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isEntries = (v: unknown): boolean =>
  Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string');

/** Parses and checks a state file's text; throws StateFileError unless it is a whole file of this version. */
export function parseWorld(file: string, text: string): SavedWorld {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StateFileError(file, 'it is not valid JSON (truncated or corrupted)');
  }
  if (!isObject(raw)) throw new StateFileError(file, 'it is not a localcloud state file');
  if (raw.version !== STATE_FILE_VERSION)
    throw new StateFileError(
      file,
      `it has format version ${JSON.stringify(raw.version)}, this localcloud reads version ${STATE_FILE_VERSION}`,
    );
  const state = raw.state;
  const bad =
    !isObject(state) ||
    !isObject(raw.account) ||
    !isObject(raw.network) ||
    typeof raw.rng !== 'number' ||
    typeof state.logSeq !== 'number' ||
    !isObject(state.asg) ||
    !Array.isArray(state.clusterTags) ||
    !Array.isArray(state.capacityProviderTags)
      ? 'it lacks the account, network, RNG, log sequence or Auto Scaling group'
      : ENTRY_FIELDS.find((f) => !isEntries(state[f]));
  if (bad)
    throw new StateFileError(file, bad.startsWith('it ') ? bad : `its "${bad}" is not a list of entries`);
  return raw as unknown as SavedWorld;
}

/**
 * Fills a fresh cloud from a saved world: the primary maps as saved, then every index derived from
 * them, in the order the simulation would have built them.
 */
export function restoreWorld(cloud: Cloud, saved: SavedWorld): void {
  const w = saved.state;
  const services = new Map<string, Service>(w.services);
  const targetGroups = new Map<string, TargetGroup>(
    w.targetGroups.map(([k, tg]) => [k, { ...tg, targets: new Map(tg.targets) }]),
  );
  const tasks = new Map<string, Task>(w.tasks);
  const state: CloudState = {
    secrets: new Map(w.secrets.map(([k, x]) => [k, { ...x, versions: new Map(x.versions) }])),
    taskDefinitions: new Map(w.taskDefinitions),
    services,
    tasks,
    containerInstances: new Map(w.containerInstances),
    instances: new Map(w.instances),
    targetGroups,
    targetGroupsByName: new Map([...targetGroups.values()].map((tg) => [tg.name, tg])),
    loadBalancers: new Map(w.loadBalancers),
    listeners: new Map(w.listeners),
    rules: new Map(w.rules),
    asg: w.asg,
    ...(isObject(w.warmAsg) ? { warmAsg: w.warmAsg } : {}),
    clusterTags: w.clusterTags,
    capacityProviderTags: w.capacityProviderTags,
    nextIp: new Map(w.nextIp),
    tasksByService: new Map(),
    tasksByInstance: new Map(),
    links: { byTargetGroup: new Map(), byLoadBalancer: new Map() },
    rulesByListener: new Map(),
    waiting: new Set(),
    serviceTokens: new Map(
      w.serviceTokens.map(([token, t]): [string, ServiceToken] => {
        const service = 'service' in t ? t.service : services.get(t.serviceName);
        if (!service) throw new Error(`client token ${token} names a missing service`);
        return [token, { parameters: t.parameters, service }];
      }),
    ),
    logGroups: new Map(w.logGroups.map(([k, g]) => [k, { ...g, streams: new Map(g.streams) }])),
    logSeq: w.logSeq,
  };
  cloud.account = saved.account;
  cloud.network = saved.network;
  cloud.rng = makeRng(saved.rng);
  cloud.state = state;
  const settings = accountSettings(cloud);
  for (const [name, value] of w.accountSettings) settings.set(name, value);
  for (const task of tasks.values()) {
    if (task.serviceName) index(state.tasksByService, task.serviceName, task);
    if (task.containerInstanceArn && task.lastStatus !== 'STOPPED')
      index(state.tasksByInstance, task.containerInstanceArn, task);
    if (!task.containerInstanceArn && task.lastStatus === 'PROVISIONING' && task.desiredStatus === 'RUNNING')
      state.waiting.add(task);
  }
  for (const listener of state.listeners.values())
    link(cloud, listener.loadBalancerArn, listener.defaultActions, 1);
  for (const rule of state.rules.values()) {
    index(state.rulesByListener, rule.listenerArn, rule);
    const lbArn = state.listeners.get(rule.listenerArn)?.loadBalancerArn;
    if (lbArn) link(cloud, lbArn, rule.actions, 1);
  }
}
