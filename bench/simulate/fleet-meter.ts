import { costReport } from '../../shared/cost/cost-report.js';
import type { PriceBook } from '../../shared/cost/prices.js';

interface FleetState {
  instances: { id: string; type: string; market: 'spot' | 'on-demand'; lifecycle: string }[];
  tasks: { lastStatus: string }[];
}

/** Instances billed as running: launching or in service (a stopped warm-pool instance is not). */
const BILLED = new Set(['Pending', 'InService', 'Terminating', 'Warmed:Running', 'Warmed:Pending']);

export interface FleetMeter {
  stop(): Promise<{ instanceHours: number; dollarsPerMonth: number; peakInstances: number }>;
}

/**
 * Reads localcloud's fleet every `everyRealMs` until the window ends and integrates, in simulated
 * time: instance-hours, and the cost model's monthly bill (shared/cost: instances at the price book's
 * spot and on-demand prices, plus the fixed and per-user lines) averaged over the window.
 */
export function meterFleet(
  cloudUrl: string,
  book: PriceBook,
  options: { scale: number; windowRealMs: number; everyRealMs: number },
): FleetMeter {
  const started = Date.now();
  let last = started;
  let instanceMs = 0;
  let dollarMs = 0;
  let peak = 0;
  let stopped = false;
  const read = async () => {
    const state = (await (await fetch(`${cloudUrl}/_localcloud/state`)).json()) as FleetState;
    const now = Math.min(Date.now(), started + options.windowRealMs);
    const billed = state.instances.filter((i) => BILLED.has(i.lifecycle));
    const report = costReport(book, {
      users: state.tasks.filter((t) => t.lastStatus === 'RUNNING').length,
      instances: billed.map((i) => ({
        instanceId: i.id,
        instanceType: i.type,
        purchaseOption: i.market,
        idle: false,
      })),
    });
    const simMs = (now - last) / options.scale;
    instanceMs += billed.length * simMs;
    dollarMs += report.total.perMonth * simMs;
    peak = Math.max(peak, billed.length);
    last = now;
  };
  const loop = (async () => {
    while (!stopped && Date.now() < started + options.windowRealMs) {
      await read().catch(() => undefined);
      await new Promise((r) => setTimeout(r, options.everyRealMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const windowSimMs = (last - started) / options.scale;
      return {
        instanceHours: instanceMs / 3_600_000,
        dollarsPerMonth: windowSimMs > 0 ? dollarMs / windowSimMs : Number.NaN,
        peakInstances: peak,
      };
    },
  };
}
