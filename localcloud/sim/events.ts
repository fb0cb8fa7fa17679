import { type Cloud, uuid } from '../cloud.js';
import type { Service } from '../state.js';

/** AWS keeps the latest 100 service events, newest first. */
const MAX_EVENTS = 100;

export function serviceEvent(cloud: Cloud, svc: Service, message: string): void {
  svc.events.unshift({
    id: uuid(cloud),
    createdAt: cloud.clock.now(),
    message: `(service ${svc.name}) ${message}`,
  });
  if (svc.events.length > MAX_EVENTS) svc.events.length = MAX_EVENTS;
}

export const taskId = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);
