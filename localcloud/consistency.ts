import type { Cloud } from './cloud.js';
import type { Rule, Secret, Service, TargetGroup, TaskDefinition } from './state.js';

/**
 * Eventual consistency, off unless `eventualConsistencyMs` (LOCALCLOUD_EVENTUAL_CONSISTENCY_MS) is set.
 * AWS: "The Amazon ECS API follows an eventual consistency model ... the result of an API command you
 * run that affects your Amazon ECS resources might not be immediately visible to all subsequent commands
 * you run" (README.md, Eventual consistency). For that long after a call made a resource, reads
 * (Describe, List, Get) do not see it and a rule may not forward to it (TargetGroupNotFound); for that
 * long after a call removed one, reads still see it. The state itself is always exact: reads run
 * against a view of it, made for the call and undone right after (handlers are synchronous).
 */
export interface Consistency {
  readonly windowMs: number;
  /** Runs one AWS operation's handler under the view of the state its kind of call would see. */
  around<T>(cloud: Cloud, operation: string, handler: () => T): T;
}

interface Kind<T> {
  name: string;
  map(cloud: Cloud): Map<string, T>;
  hide(cloud: Cloud, key: string, item: T): void;
  show(cloud: Cloud, key: string, item: T): void;
}

const plain = <T>(name: string, map: (cloud: Cloud) => Map<string, T>): Kind<T> => ({
  name,
  map,
  hide: (cloud, key) => map(cloud).delete(key),
  show: (cloud, key, item) => map(cloud).set(key, item),
});

const targetGroups: Kind<TargetGroup> = {
  name: 'target-group',
  map: (cloud) => cloud.state.targetGroups,
  hide(cloud, key, tg) {
    cloud.state.targetGroups.delete(key);
    if (cloud.state.targetGroupsByName.get(tg.name) === tg) cloud.state.targetGroupsByName.delete(tg.name);
  },
  show(cloud, key, tg) {
    cloud.state.targetGroups.set(key, tg);
    if (!cloud.state.targetGroupsByName.has(tg.name)) cloud.state.targetGroupsByName.set(tg.name, tg);
  },
};

const rules: Kind<Rule> = {
  name: 'rule',
  map: (cloud) => cloud.state.rules,
  hide(cloud, key, rule) {
    cloud.state.rules.delete(key);
    cloud.state.rulesByListener.get(rule.listenerArn)?.delete(rule);
  },
  show(cloud, key, rule) {
    cloud.state.rules.set(key, rule);
    const set = cloud.state.rulesByListener.get(rule.listenerArn) ?? new Set<Rule>();
    set.add(rule);
    cloud.state.rulesByListener.set(rule.listenerArn, set);
  },
};

const KINDS = [
  targetGroups,
  rules,
  plain<Service>('service', (cloud) => cloud.state.services),
  plain<Secret>('secret', (cloud) => cloud.state.secrets),
  plain<TaskDefinition>('task-definition', (cloud) => cloud.state.taskDefinitions),
] as Kind<unknown>[];

/** Reads see the lagging view; a rule's create or change looks its target groups up in it too. */
const READ = /:(Describe|List|Get)[A-Z]/;
const REFERS_TO_TARGET_GROUPS = /^elasticloadbalancing:(CreateRule|ModifyRule|ModifyListener)$/;
/** Calls that can make or remove a resource: the state's keys are compared around them. */
const WRITE = /:(Create|Register|Delete|Deregister|Restore)[A-Z]/;

export function makeConsistency(windowMs: number): Consistency {
  /** When each resource was made (by kind, then key), while it is younger than the window. */
  const born = new Map<string, Map<string, number>>(KINDS.map((k) => [k.name, new Map()]));
  /** Resources removed less than the window ago, as they were. */
  const gone = new Map<string, Map<string, { item: unknown; at: number }>>(
    KINDS.map((k) => [k.name, new Map()]),
  );

  const forget = (now: number) => {
    for (const m of born.values()) for (const [key, at] of m) if (now - at >= windowMs) m.delete(key);
    for (const m of gone.values()) for (const [key, g] of m) if (now - g.at >= windowMs) m.delete(key);
  };

  function tracked<T>(cloud: Cloud, handler: () => T): T {
    const before = KINDS.map((k) => new Map(k.map(cloud)));
    const result = handler();
    const now = cloud.clock.now();
    KINDS.forEach((kind, i) => {
      const after = kind.map(cloud);
      const was = before[i]!;
      for (const key of after.keys()) if (!was.has(key)) born.get(kind.name)!.set(key, now);
      for (const [key, item] of was) {
        if (!after.has(key)) gone.get(kind.name)!.set(key, { item, at: now });
      }
    });
    return result;
  }

  function viewed<T>(cloud: Cloud, kinds: Kind<unknown>[], lingering: boolean, handler: () => T): T {
    const hidden: [Kind<unknown>, string, unknown][] = [];
    const shown: [Kind<unknown>, string, unknown][] = [];
    for (const kind of kinds) {
      const map = kind.map(cloud);
      for (const key of born.get(kind.name)!.keys()) {
        const item = map.get(key);
        if (item !== undefined) hidden.push([kind, key, item]);
      }
      if (!lingering) continue;
      for (const [key, g] of gone.get(kind.name)!) if (!map.has(key)) shown.push([kind, key, g.item]);
    }
    for (const [kind, key, item] of hidden) kind.hide(cloud, key, item);
    for (const [kind, key, item] of shown) kind.show(cloud, key, item);
    try {
      return handler();
    } finally {
      for (const [kind, key, item] of shown) kind.hide(cloud, key, item);
      for (const [kind, key, item] of hidden) kind.show(cloud, key, item);
    }
  }

  return {
    windowMs,
    around(cloud, operation, handler) {
      forget(cloud.clock.now());
      if (READ.test(operation)) return viewed(cloud, KINDS, true, handler);
      if (REFERS_TO_TARGET_GROUPS.test(operation)) {
        // Only new groups it forwards to lag; its own rule (and its priority check) sees the exact state.
        return tracked(cloud, () => viewed(cloud, [targetGroups as Kind<unknown>], false, handler));
      }
      if (WRITE.test(operation)) return tracked(cloud, handler);
      return handler();
    },
  };
}
