import { STEP_IDS } from '../shared/domain.js';
import { instanceLinks } from './instance-view.js';

/**
 * Whole-object examples for /docs and generated clients' docs. Redocly's lint (in the contract test)
 * checks each against its schema, so an example cannot drift into something the API never sends.
 */
const ID = 'k3v7q2mzx4ab';
const at = (second: number) => `2026-11-29T10:00:${String(second).padStart(2, '0')}.000Z`;

export const instanceExample = {
  id: ID,
  userId: 'user-42',
  email: 'ada@example.com',
  status: 'provisioning',
  currentStep: 'placement',
  steps: STEP_IDS.map((id, i) => {
    const state = id === 'placement' ? 'waiting' : 'done';
    return {
      id,
      state,
      startedAt: at(i),
      endedAt: state === 'done' ? at(i + 1) : null,
      attempts: 1,
      lastError: null,
    };
  }),
  url: `http://openclaw-alb.example/${ID}/`,
  image: 'ghcr.io/openclaw/gateway:2026.11.1',
  error: null,
  requestId: '3f1c5a0e-5b7e-4d4a-9a53-0b8d8f0c2a11',
  createdAt: at(0),
  updatedAt: at(6),
  runningAt: null,
  deletedAt: null,
  leftovers: [],
  links: instanceLinks(ID),
};

export const createdInstanceExample = {
  id: ID,
  status: 'queued',
  url: `http://openclaw-alb.example/${ID}/`,
  // 32 random bytes, base64url; this one is only an example.
  gatewayToken: 'EXAMPLE-ONLY_q9V3mR7tW2xY5zA8bC1dE4fG6hJ0kL',
  links: instanceLinks(ID),
};

export const acceptedExample = { id: ID, status: 'deleting', links: instanceLinks(ID) };
