import type { PriceBook } from './prices.js';

/**
 * The AWS quotas (and the subnets' size) that user growth runs into, each with what N users use and
 * the most users it allows. Every user takes one target group and one listener rule (so ALBs fill at
 * the routing capacity), one task ENI and one private address; instances add their own ENIs.
 */
export interface QuotaCheck {
  id:
    | 'target-groups-per-region'
    | 'albs-per-region'
    | 'network-interfaces-per-region'
    | 'private-subnet-addresses';
  name: string;
  limit: number;
  used: number;
  maxUsers: number;
  exceeded: boolean;
  adjustable: boolean;
}

interface InstancePlan {
  total: (users: number) => number;
}

/** The largest user count for which `use(users) <= limit` (use grows with users). */
function maxUsersWithin(limit: number, use: (users: number) => number): number {
  if (use(0) > limit) return 0;
  let lo = 0;
  let hi = 1;
  while (use(hi) <= limit && hi < 10_000_000) hi *= 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (use(mid) <= limit) lo = mid;
    else hi = mid;
  }
  return lo;
}

export function quotaChecks(
  book: PriceBook,
  plan: InstancePlan,
  users: number,
  usersPerAlb: number,
): QuotaCheck[] {
  const q = book.quotas;
  const u = book.usage;
  const albs = (n: number) => Math.max(1, Math.ceil(n / usersPerAlb));
  const perInstanceEnis = u.awsvpcTrunking ? 2 : 1; // the primary ENI, plus the trunk ENI ECS attaches
  const natEnis = u.natMode === 'public' ? 0 : u.natGateways;
  const enis = (n: number) =>
    n + plan.total(n) * perInstanceEnis + albs(n) * 2 + u.controlPlaneTasks + u.elasticacheNodes + natEnis;
  const addresses = (n: number) =>
    (u.natMode === 'public' ? 0 : plan.total(n)) + n + u.controlPlaneTasks + u.elasticacheNodes;
  const check = (
    id: QuotaCheck['id'],
    name: string,
    limit: number,
    use: (n: number) => number,
    adjustable: boolean,
  ): QuotaCheck => {
    const maxUsers = maxUsersWithin(limit, use);
    return { id, name, limit, used: use(users), maxUsers, exceeded: users > maxUsers, adjustable };
  };
  return [
    check(
      'target-groups-per-region',
      'Target groups per Region',
      q.targetGroupsPerRegion,
      (n) => n + q.controlPlaneTargetGroups,
      true,
    ),
    check('albs-per-region', 'Application Load Balancers per Region', q.albsPerRegion, albs, true),
    check(
      'network-interfaces-per-region',
      'Network interfaces per Region',
      q.networkInterfacesPerRegion,
      enis,
      true,
    ),
    check(
      'private-subnet-addresses',
      'Addresses in the two private /20 subnets',
      q.privateSubnetAddresses,
      addresses,
      false,
    ),
  ];
}
