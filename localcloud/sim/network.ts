import type { Cloud, Subnet } from '../cloud.js';

/** Hands out private IPs from a subnet's /20, in order. */
export function allocateIp(cloud: Cloud, subnet: Subnet): string {
  const n = cloud.state.nextIp.get(subnet.id) ?? 10;
  cloud.state.nextIp.set(subnet.id, n + 1);
  const [a, b, c] = subnet.prefix.split('.').map(Number) as [number, number, number];
  return `${a}.${b}.${c + Math.floor(n / 256)}.${n % 256}`;
}

export function subnetById(cloud: Cloud, id: string): Subnet | undefined {
  return cloud.network.subnets.find((s) => s.id === id);
}

export function privateSubnetInAz(cloud: Cloud, az: string): Subnet {
  const s = cloud.network.subnets.find((x) => !x.public && x.az === az);
  if (!s) throw new Error(`no private subnet in ${az}`);
  return s;
}
