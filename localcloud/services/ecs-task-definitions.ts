import { arns } from '../arns.js';
import { AwsError } from '../aws-error.js';
import { num, type Params, records, str, strList } from '../input.js';
import { paginate } from '../pagination.js';
import type { TaskDefinition } from '../state.js';
import { ecsTags, ecsTagsOut, findTaskDefinition, includes } from './ecs-common.js';
import { taskDefinitionView } from './ecs-views.js';
import type { HandlerMap } from './handler.js';

const FAMILY = /^[a-zA-Z0-9_-]{1,255}$/;
const badToken = () => new AwsError('InvalidParameterException', 'Invalid nextToken.');

function maxResults(input: Params, fallback: number): number {
  const m = num(input, 'maxResults') ?? fallback;
  if (m < 1 || m > 100)
    throw new AwsError('InvalidParameterException', 'maxResults must be between 1 and 100.');
  return m;
}

/** Fills the defaults AWS adds to container definitions, so a describe shows what ECS stores. */
function normalizeContainer(c: Params, networkMode: string): Params {
  if (!str(c, 'name')) throw new AwsError('ClientException', 'Container.name should not be null or empty.');
  if (!str(c, 'image')) throw new AwsError('ClientException', 'Container.image should not be null or empty.');
  const portMappings = records(c, 'portMappings').map((p) => ({
    ...p,
    hostPort: networkMode === 'awsvpc' ? (p.hostPort ?? p.containerPort) : p.hostPort,
    protocol: p.protocol ?? 'tcp',
  }));
  return {
    essential: true,
    environment: [],
    mountPoints: [],
    volumesFrom: [],
    ...c,
    portMappings,
  };
}

export const ecsTaskDefinitions: HandlerMap = {
  RegisterTaskDefinition(cloud, input) {
    const family = str(input, 'family');
    if (!family || !FAMILY.test(family)) {
      throw new AwsError('ClientException', 'Family contains invalid characters or is empty.');
    }
    const networkMode = str(input, 'networkMode') ?? 'bridge';
    const containers = records(input, 'containerDefinitions');
    if (containers.length === 0)
      throw new AwsError('ClientException', 'TaskDefinition must contain at least one container definition.');
    const defs = containers.map((c) => normalizeContainer(c, networkMode));
    const sum = (k: string) => defs.reduce((acc, c) => acc + (num(c, k) ?? 0), 0);
    const cpu = num(input, 'cpu') ?? sum('cpu');
    const memory = num(input, 'memory') ?? (sum('memory') || sum('memoryReservation'));
    if (!memory) {
      throw new AwsError(
        'ClientException',
        "Invalid setting for container. At least one of 'memory' or 'memoryReservation' must be specified.",
      );
    }
    let revision = 1;
    for (const td of cloud.state.taskDefinitions.values())
      if (td.family === family) revision = Math.max(revision, td.revision + 1);
    const { tags: _tags, ...body } = input;
    const td: TaskDefinition = {
      arn: arns.taskDefinition(cloud.account, family, revision),
      family,
      revision,
      status: 'ACTIVE',
      body: {
        ...body,
        containerDefinitions: defs,
        volumes: body.volumes ?? [],
        placementConstraints: body.placementConstraints ?? [],
      },
      cpu,
      memory,
      networkMode,
      registeredAt: cloud.clock.now(),
      tags: ecsTags(input),
    };
    cloud.state.taskDefinitions.set(td.arn, td);
    return { taskDefinition: taskDefinitionView(td), tags: ecsTagsOut(td.tags) };
  },

  DescribeTaskDefinition(cloud, input) {
    const td = findTaskDefinition(cloud, str(input, 'taskDefinition'));
    if (!td) throw new AwsError('ClientException', 'Unable to describe task definition.');
    return {
      taskDefinition: taskDefinitionView(td),
      tags: includes(input, 'TAGS') ? ecsTagsOut(td.tags) : undefined,
    };
  },

  DeregisterTaskDefinition(cloud, input) {
    const ref = str(input, 'taskDefinition') ?? '';
    if (!ref.includes(':')) throw new AwsError('ClientException', 'Revision is required for deregistration.');
    const td = findTaskDefinition(cloud, ref);
    if (!td) throw new AwsError('ClientException', 'The specified task definition does not exist.');
    if (td.status === 'ACTIVE') {
      td.status = 'INACTIVE';
      td.deregisteredAt = cloud.clock.now();
    }
    return { taskDefinition: taskDefinitionView(td) };
  },

  /** Only INACTIVE revisions can be deleted; others come back in `failures`, not as an error. */
  DeleteTaskDefinitions(cloud, input) {
    const refs = strList(input, 'taskDefinitions');
    if (refs.length === 0 || refs.length > 10) {
      throw new AwsError(
        'InvalidParameterException',
        'taskDefinitions must contain between 1 and 10 task definitions.',
      );
    }
    const deleted: Record<string, unknown>[] = [];
    const failures: Record<string, unknown>[] = [];
    for (const ref of refs) {
      const td = ref.includes(':') ? findTaskDefinition(cloud, ref) : undefined;
      if (!td) failures.push({ arn: ref, reason: 'The specified task definition does not exist.' });
      else if (td.status === 'ACTIVE') {
        failures.push({
          arn: td.arn,
          reason:
            'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
        });
      } else {
        td.status = 'DELETE_IN_PROGRESS';
        deleted.push(taskDefinitionView(td));
      }
    }
    return { taskDefinitions: deleted, failures };
  },

  ListTaskDefinitions(cloud, input) {
    const family = str(input, 'familyPrefix');
    const status = str(input, 'status') ?? 'ACTIVE';
    const desc = str(input, 'sort') === 'DESC';
    const all = [...cloud.state.taskDefinitions.values()]
      .filter((td) => td.status === status && (!family || td.family === family))
      .sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision)
      .map((td) => td.arn);
    if (desc) all.reverse();
    const page = paginate(
      all,
      str(input, 'nextToken'),
      maxResults(input, 100),
      `td:${family}:${status}:${desc}`,
      badToken,
    );
    return { taskDefinitionArns: page.items, nextToken: page.next };
  },

  ListTaskDefinitionFamilies(cloud, input) {
    const prefix = str(input, 'familyPrefix') ?? '';
    const status = str(input, 'status') ?? 'ACTIVE';
    const families = new Map<string, boolean>();
    for (const td of cloud.state.taskDefinitions.values()) {
      if (!td.family.startsWith(prefix)) continue;
      families.set(td.family, (families.get(td.family) ?? false) || td.status === 'ACTIVE');
    }
    const all = [...families]
      .filter(([, active]) => status === 'ALL' || (status === 'ACTIVE' ? active : !active))
      .map(([f]) => f)
      .sort();
    const page = paginate(
      all,
      str(input, 'nextToken'),
      maxResults(input, 100),
      `fam:${prefix}:${status}`,
      badToken,
    );
    return { families: page.items, nextToken: page.next };
  },
};
