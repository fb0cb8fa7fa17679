import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import { str, strList, type Tag, tags } from '../input.js';
import { paginate } from '../pagination.js';
import type { Listener, LoadBalancer } from '../state.js';
import {
  badMarker,
  listenerView,
  loadBalancerView,
  notFound,
  pageSize,
  tagsOut,
  validation,
} from './elbv2-common.js';
import type { HandlerMap } from './handler.js';

const MAX_TAGS = 50;

/** Any ELBv2 resource that carries tags, found by ARN, with the not-found error of its kind. */
function taggable(cloud: Cloud, arn: string): { tags: Tag[] } {
  const s = cloud.state;
  const found =
    s.loadBalancers.get(arn) ?? s.targetGroups.get(arn) ?? s.listeners.get(arn) ?? s.rules.get(arn);
  if (found) return found;
  if (arn.includes(':targetgroup/')) throw notFound.targetGroup();
  if (arn.includes(':listener-rule/')) throw notFound.rule();
  if (arn.includes(':listener/')) throw notFound.listener();
  throw notFound.loadBalancer();
}

export const elbv2LoadBalancers: HandlerMap = {
  DescribeLoadBalancers(cloud, input) {
    const byArn = strList(input, 'LoadBalancerArns');
    const byName = strList(input, 'Names');
    const lbs = [...cloud.state.loadBalancers.values()];
    const pick = (match: (lb: LoadBalancer) => boolean): LoadBalancer => {
      const lb = lbs.find(match);
      if (!lb) throw notFound.loadBalancer();
      return lb;
    };
    const all =
      byArn.length > 0
        ? byArn.map((a) => pick((lb) => lb.arn === a))
        : byName.length > 0
          ? byName.map((n) => pick((lb) => lb.name === n))
          : lbs;
    const page = paginate(
      all,
      str(input, 'Marker'),
      pageSize(input),
      `lb:${byArn.length}:${byName.length}`,
      badMarker,
    );
    return {
      LoadBalancers: page.items.map((lb) => loadBalancerView(lb, cloud.network.vpcId)),
      NextMarker: page.next,
    };
  },

  DescribeListeners(cloud, input) {
    const lbArn = str(input, 'LoadBalancerArn');
    const arns = strList(input, 'ListenerArns');
    let all: Listener[];
    if (arns.length > 0) {
      all = arns.map((a) => {
        const l = cloud.state.listeners.get(a);
        if (!l) throw notFound.listener();
        return l;
      });
    } else if (lbArn) {
      const lb = cloud.state.loadBalancers.get(lbArn);
      if (!lb) throw notFound.loadBalancer();
      all = lb.listenerArns
        .map((a) => cloud.state.listeners.get(a))
        .filter((l): l is Listener => l !== undefined);
    } else throw validation('You must specify either listener ARNs or a load balancer ARN');
    const page = paginate(all, str(input, 'Marker'), pageSize(input), `l:${lbArn}:${arns.length}`, badMarker);
    return { Listeners: page.items.map(listenerView), NextMarker: page.next };
  },

  AddTags(cloud, input) {
    const added = tags(input, 'Tags');
    const keys = added.map((t) => t.key);
    if (new Set(keys).size !== keys.length)
      throw new AwsError('DuplicateTagKeys', 'A tag key was specified more than once');
    for (const arn of strList(input, 'ResourceArns')) {
      const r = taggable(cloud, arn);
      const map = new Map(r.tags.map((t) => [t.key, t.value]));
      for (const t of added) map.set(t.key, t.value);
      if (map.size > MAX_TAGS)
        throw new AwsError('TooManyTags', "You've reached the limit on the number of tags for this resource");
      r.tags = [...map].map(([key, value]) => ({ key, value }));
    }
    return {};
  },

  RemoveTags(cloud, input) {
    const keys = new Set(strList(input, 'TagKeys'));
    for (const arn of strList(input, 'ResourceArns')) {
      const r = taggable(cloud, arn);
      r.tags = r.tags.filter((t) => !keys.has(t.key));
    }
    return {};
  },

  DescribeTags(cloud, input) {
    const arns = strList(input, 'ResourceArns');
    if (arns.length === 0 || arns.length > 20)
      throw validation('ResourceArns must contain between 1 and 20 ARNs');
    return {
      TagDescriptions: arns.map((arn) => ({ ResourceArn: arn, Tags: tagsOut(taggable(cloud, arn).tags) })),
    };
  },
};
