import type { z } from 'zod';
import type { configSchema } from '../config/schema.js';

/**
 * The bundled sample forge of `dorametrics demo` (SPEC §1, issue 5): Acme's three
 * repositories, as a config names them, and the twelve weeks the sample covers. The
 * recorder (scripts/record-demo.js) harvests the same sources from the fake forges, so the
 * requests `demo` sends are exactly the ones recorded in fixtures/demo/recording.json.
 */

/** The config the demo harvests with, and writes next to the store with `--keep DIR`. */
export const DEMO_CONFIG = {
  timezone: 'Europe/Berlin',
  sources: [
    {
      type: 'github',
      repo: 'acme/shop',
      deployments: { from: 'deployments', environments: ['production'] },
      incidents: { from: 'issues', labels: ['incident'] },
    },
    {
      type: 'github',
      repo: 'acme/catalog',
      deployments: { from: 'deployments', environments: ['production'] },
      incidents: { from: 'issues', labels: ['incident'] },
    },
    {
      type: 'gitlab',
      project: 'acme/payments',
      deployments: { from: 'deployments', environments: ['production'] },
      incidents: { from: 'incidents' },
    },
  ],
  teams: {
    storefront: ['github:acme/shop', 'github:acme/catalog'],
    payments: ['gitlab:acme/payments'],
  },
  exclude: { authors: ['renovate-bot', 'dependabot'] },
  failure: { attributionWindow: '24h', reworkLabels: ['hotfix'] },
} satisfies z.input<typeof configSchema>;

/**
 * The sample's window: the twelve ISO weeks 2026-W37 to 2026-W48 in the config's zone
 * (Monday 7 September to Sunday 29 November 2026; the last working day is Friday 27
 * November). Whole weeks, so `--by week` gives twelve full periods.
 */
export const DEMO_WINDOW = { from: '2026-09-07', to: '2026-11-30' } as const;

/**
 * The instant the sample was harvested at (the harvesters' `now`): the end of the window,
 * so that the demo's requests never depend on the day it runs.
 */
export const DEMO_HARVESTED_AT = '2026-11-29T23:00:00Z';

/**
 * The token handed to the harvesters: the replayed forge never checks it, and nothing is
 * sent anywhere. Named so that it cannot be mistaken for a real one.
 */
export const DEMO_TOKEN = 'demo-token-not-a-secret';
