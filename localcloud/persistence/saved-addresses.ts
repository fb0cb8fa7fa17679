import type { Account } from '../arns.js';
import { StateFileError } from './restore-state.js';
import type { SavedWorld } from './snapshot.js';

/**
 * Instance URLs name the load balancers' addresses, so a restored world must listen where it did:
 * the saved DNS names decide the ALB count and ports. A configuration that asks for something else
 * (another port, another count, another account or Region) is refused rather than silently moved.
 */
export function savedAlbAddresses(
  file: string,
  saved: SavedWorld,
  wanted: { albs?: number; albPorts?: readonly number[]; account: Account },
): { count: number; ports: number[]; dnsNames: string[] } {
  const { region, accountId } = saved.account;
  if (region !== wanted.account.region || accountId !== wanted.account.accountId)
    throw new StateFileError(
      file,
      `it was saved for account ${accountId} in ${region}, not ${wanted.account.accountId} in ${wanted.account.region}`,
    );
  const dnsNames = saved.state.loadBalancers.map(([, lb]) => lb.dnsName);
  const ports = dnsNames.map((dns) => Number(dns.slice(dns.lastIndexOf(':') + 1)));
  if (ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535))
    throw new StateFileError(file, `its load balancer addresses (${dnsNames.join(', ')}) have no port`);
  if (wanted.albs !== undefined && Math.max(1, wanted.albs) !== ports.length)
    throw new StateFileError(file, `it has ${ports.length} load balancers, ${wanted.albs} were asked for`);
  const clash = (wanted.albPorts ?? []).findIndex((p, i) => p && p !== ports[i]);
  if (clash >= 0)
    throw new StateFileError(
      file,
      `its load balancer ${clash + 1} listens on port ${ports[clash]}, port ${wanted.albPorts?.[clash]} was asked for (instance URLs name the saved address)`,
    );
  return { count: ports.length, ports, dnsNames };
}
