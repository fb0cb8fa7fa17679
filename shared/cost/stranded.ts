import { factsFor, type PackingLimit, packingOf } from './instance-catalog.js';
import type { PriceBook } from './prices.js';

/**
 * Capacity we pay for and no task can use. On each instance type, the first limit a task hits (task
 * ENIs, CPU or memory) leaves the rest of the other two stranded: an m7i-flex.large registers 7,763 MiB,
 * but without trunking its 2 task ENIs hold 2 tasks of 1,536 MiB, so 4,691 MiB and 1,024 CPU units are
 * never used. Priced as a share of the instance: half its price for CPU, half for memory (an assumption:
 * AWS prices neither separately on EC2). Free slots on busy instances are counted apart: a task could
 * still use them.
 */
export interface StrandedByType {
  instanceType: string;
  instances: number;
  tasksPerInstance: number;
  limit: PackingLimit;
  registered: { cpu: number; memory: number };
  strandedPerInstance: { cpu: number; memory: number };
  perMonth: number;
}

export interface StrandedReport {
  byType: StrandedByType[];
  perMonth: number;
  /** Task slots on instances that host users, not taken. */
  freeSlots: number;
  freeSlotsPerMonth: number;
  assumption: string;
}

export interface StrandedInput {
  instances: readonly { instanceType: string; idle: boolean; perHour: number | null }[];
  users: number;
  observedShapes?: Readonly<Record<string, { cpu: number; memory: number }>>;
}

const round = (v: number) => Math.round(v * 100) / 100;

export function strandedCapacity(book: PriceBook, input: StrandedInput): StrandedReport {
  const task = { cpu: book.usage.taskCpu, memory: book.usage.taskMemory };
  const h = book.hoursPerMonth;
  const byType = new Map<string, StrandedByType>();
  let busySlots = 0;
  let busySlotPrice = 0;
  let busyInstances = 0;
  for (const i of input.instances) {
    const facts = factsFor(i.instanceType, input.observedShapes?.[i.instanceType]);
    if (!facts) continue;
    const packing = packingOf(facts, task, book.usage.awsvpcTrunking);
    const stranded = {
      cpu: Math.max(0, facts.cpu - packing.tasks * task.cpu),
      memory: Math.max(0, facts.memory - packing.tasks * task.memory),
    };
    const share = 0.5 * (stranded.cpu / facts.cpu) + 0.5 * (stranded.memory / facts.memory);
    const row = byType.get(i.instanceType) ?? {
      instanceType: i.instanceType,
      instances: 0,
      tasksPerInstance: packing.tasks,
      limit: packing.limit,
      registered: { cpu: facts.cpu, memory: facts.memory },
      strandedPerInstance: stranded,
      perMonth: 0,
    };
    row.instances += 1;
    row.perMonth += (i.perHour ?? 0) * share * h;
    byType.set(i.instanceType, row);
    if (!i.idle && packing.tasks > 0) {
      busySlots += packing.tasks;
      busySlotPrice += (i.perHour ?? 0) / packing.tasks;
      busyInstances += 1;
    }
  }
  const rows = [...byType.values()].map((r) => ({ ...r, perMonth: round(r.perMonth) }));
  const freeSlots = Math.max(0, busySlots - input.users);
  const averageSlot = busyInstances > 0 ? busySlotPrice / busyInstances : 0;
  return {
    byType: rows,
    perMonth: round(rows.reduce((s, r) => s + r.perMonth, 0)),
    freeSlots,
    freeSlotsPerMonth: round(freeSlots * averageSlot * h),
    assumption: 'stranded CPU and memory priced at half the instance price each, pro rata',
  };
}
