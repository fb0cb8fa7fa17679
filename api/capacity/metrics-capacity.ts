import { Gauge, type Registry } from 'prom-client';
import type { SampleStore } from '../../shared/capacity/sample-store.js';

type Sample = NonNullable<Awaited<ReturnType<SampleStore['latest']>>>;

/**
 * The capacity gauges, set from the latest sample. Ratios run 0-1 (the sample keeps percentages, as
 * AWS's CapacityProviderReservation does). Returns the refresh a scrape runs once before rendering.
 */
export function capacityGauges(registry: Registry): (sample: Sample | null) => void {
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const reservation = gauge(
    'openclaw_capacity_provider_reservation_ratio',
    'CapacityProviderReservation (M / N), as a ratio',
  );
  const target = gauge('openclaw_capacity_target_ratio', 'Managed scaling target capacity, as a ratio');
  const instances = gauge('openclaw_instances', 'Running instances by purchase option', ['purchase_option']);
  const idle = gauge('openclaw_idle_instances', 'ACTIVE instances with no running or pending task');
  const waiting = gauge('openclaw_tasks_waiting_for_capacity', 'Tasks PROVISIONING with no instance');
  const signups = gauge('openclaw_signups_waiting_for_capacity', 'Signups in the placement step, waiting');
  const costHour = gauge('openclaw_cost_per_hour_dollars', 'Estimated cost of the platform per hour');
  const idleCost = gauge('openclaw_idle_cost_per_month_dollars', 'Cost of idle instances per month');
  const reserved = gauge('openclaw_reserved_ratio', 'Reserved of registered resources', ['resource']);
  const sampleAge = gauge('openclaw_capacity_sample_age_seconds', 'Age of the latest capacity sample');
  const all = [
    reservation,
    target,
    instances,
    idle,
    waiting,
    signups,
    costHour,
    idleCost,
    reserved,
    sampleAge,
  ];

  return (s) => {
    for (const g of all) g.reset();
    if (!s) return;
    const live = s.fleet.asg.instances.filter(
      (i) => i.lifecycleState === 'InService' || i.lifecycleState === 'Pending',
    );
    reservation.set(s.reservation.value / 100);
    target.set(s.fleet.capacityProvider.managedScaling.targetCapacity / 100);
    for (const option of ['spot', 'on-demand'] as const) {
      instances.set({ purchase_option: option }, live.filter((i) => i.purchaseOption === option).length);
    }
    idle.set(s.idle.length);
    waiting.set(s.tasks.waitingForCapacity);
    signups.set(s.waitingSignups.length);
    costHour.set(s.cost.perHour);
    idleCost.set(s.cost.idlePerMonth);
    reserved.set({ resource: 'cpu' }, s.utilisation.percent.cpu / 100);
    reserved.set({ resource: 'memory' }, s.utilisation.percent.memory / 100);
    sampleAge.set((Date.now() - s.at) / 1000);
  };
}
