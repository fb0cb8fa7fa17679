import { mergePriceBook, type PriceBook } from './prices.js';

/**
 * The seed document's 10-user cost table (ECS-EC2-ARCHITECTURE.md), as inputs to our model: 5 spot
 * instances at ~$55 a month (so $11 each: 11/730 per hour), one NAT gateway processing ~92 GB, one
 * ALB at ~0.95 LCU, 10 secrets with 10k API calls each, ~0.54 GB of logs a user, 10 GB of images. The
 * seed leaves out public IPv4 addresses (AWS bills them since February 2024), the control plane
 * (ElastiCache, the API and worker on Fargate, their secrets) and Container Insights, so they are 0
 * here; the live model counts them all, which is why its 10-user figure is higher.
 */
export const SEED_USERS = 10;
export const SEED_SPOT_INSTANCES = 5;

export const seedPriceBook: PriceBook = mergePriceBook({
  prices: {
    publicIpv4: { perHour: 0 },
    ec2: {
      'c7i-flex.large': { spotPerHour: 11 / 730 },
      'm7i-flex.large': { spotPerHour: 11 / 730 },
    },
  },
  usage: {
    natGateways: 1,
    natGbPerUserMonth: 9.22,
    albs: 1,
    albLcuPerUser: 0.0955,
    secretsPerUser: 1,
    controlPlaneSecrets: 0,
    elasticacheNodes: 0,
    controlPlaneTasks: 0,
    containerInsightsMetricsFixed: 0,
    containerInsightsMetricsPerService: 0,
    secretApiCallsPerUserMonth: 10_000,
    logsGbIngestedPerUserMonth: 0.54,
    logsGbStoredPerUser: 1,
    ecrGb: 10,
  },
});

/** The seed's table, line by line (USD a month). */
export const SEED_TABLE = {
  'ec2-spot': 55,
  'nat-gateway': 37,
  alb: 22,
  'secrets-manager': 4.5,
  'cloudwatch-logs': 3,
  ecr: 1,
  total: 122.5,
  perUser: 12.25,
} as const;
