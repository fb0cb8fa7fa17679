import type { Cloud } from '../cloud.js';
import { errorPage } from './alb-responses.js';
import type { ProxyRoute } from './alb-server.js';
import { RoundRobin } from './pick-target.js';
import { chooseGroup, routeRequest } from './route-request.js';

/**
 * Resolves a request on one load balancer against the cloud's current state: the listener's rules
 * and default actions, then a target of the chosen group. ELB's answers when no target can take
 * it (troubleshooting, "HTTP 503": "The target groups for the load balancer have no registered
 * targets"; a target with no process behind it refuses, hence 502).
 */
export function cloudRoutes(cloud: Cloud, loadBalancerArn: string): (path: string) => ProxyRoute {
  const cursors = new RoundRobin();
  return (path) => {
    const lb = cloud.state.loadBalancers.get(loadBalancerArn);
    const listener = lb ? cloud.state.listeners.get(lb.listenerArns[0] ?? '') : undefined;
    if (!listener) return { kind: 'answer', answer: errorPage(503) };
    const rules = cloud.state.rulesByListener.get(listener.arn) ?? [];
    const action = routeRequest(rules, listener.defaultActions, { path });
    if (action.type === 'fixed-response') {
      return {
        kind: 'answer',
        answer: { status: action.statusCode, contentType: action.contentType, body: action.body },
      };
    }
    if (action.type !== 'forward') return { kind: 'answer', answer: errorPage(500) };
    const groupArn = chooseGroup(action.targetGroups, Math.random());
    const group = groupArn ? cloud.state.targetGroups.get(groupArn) : undefined;
    const target = group ? cursors.pick(group.arn, group.targets.values()) : undefined;
    if (!target) return { kind: 'answer', answer: errorPage(503) };
    if (!target.endpoint) return { kind: 'answer', answer: errorPage(502) };
    return { kind: 'forward', endpoint: target.endpoint };
  };
}
