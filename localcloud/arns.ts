/** ARNs in the formats AWS uses, so code that parses them (e.g. the id after the last slash) works. */
export interface Account {
  region: string;
  accountId: string;
}

const base = (a: Account, service: string): string => `arn:aws:${service}:${a.region}:${a.accountId}`;

export const arns = {
  cluster: (a: Account, name: string) => `${base(a, 'ecs')}:cluster/${name}`,
  service: (a: Account, cluster: string, name: string) => `${base(a, 'ecs')}:service/${cluster}/${name}`,
  task: (a: Account, cluster: string, id: string) => `${base(a, 'ecs')}:task/${cluster}/${id}`,
  containerInstance: (a: Account, cluster: string, id: string) =>
    `${base(a, 'ecs')}:container-instance/${cluster}/${id}`,
  container: (a: Account, cluster: string, taskId: string, id: string) =>
    `${base(a, 'ecs')}:container/${cluster}/${taskId}/${id}`,
  taskDefinition: (a: Account, family: string, revision: number) =>
    `${base(a, 'ecs')}:task-definition/${family}:${revision}`,
  capacityProvider: (a: Account, name: string) => `${base(a, 'ecs')}:capacity-provider/${name}`,
  loadBalancer: (a: Account, name: string, id: string) =>
    `${base(a, 'elasticloadbalancing')}:loadbalancer/app/${name}/${id}`,
  listener: (a: Account, lbName: string, lbId: string, id: string) =>
    `${base(a, 'elasticloadbalancing')}:listener/app/${lbName}/${lbId}/${id}`,
  rule: (a: Account, lbName: string, lbId: string, listenerId: string, id: string) =>
    `${base(a, 'elasticloadbalancing')}:listener-rule/app/${lbName}/${lbId}/${listenerId}/${id}`,
  targetGroup: (a: Account, name: string, id: string) =>
    `${base(a, 'elasticloadbalancing')}:targetgroup/${name}/${id}`,
  logGroup: (a: Account, name: string) => `${base(a, 'logs')}:log-group:${name}`,
  logStream: (a: Account, group: string, stream: string) =>
    `${base(a, 'logs')}:log-group:${group}:log-stream:${stream}`,
  secret: (a: Account, name: string, suffix: string) =>
    `${base(a, 'secretsmanager')}:secret:${name}-${suffix}`,
  autoScalingGroup: (a: Account, uuid: string, name: string) =>
    `${base(a, 'autoscaling')}:autoScalingGroup:${uuid}:autoScalingGroupName/${name}`,
  role: (a: Account, name: string) => `arn:aws:iam::${a.accountId}:role/${name}`,
};

/** The last path segment: ECS accepts a name or an ARN wherever it takes a cluster or service. */
export const lastSegment = (arnOrName: string): string => arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
