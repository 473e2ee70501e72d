import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

// The behaviour profile of the simulation: how pods of each container image behave (workload simulator) and how
// they answer traffic (mesh simulator). Parsed at the edge with zod; inside, only the resolved types below.

const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "2s", "1m", "1h", or a number of milliseconds. */
const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(durationPattern, 'must be a duration such as "500ms", "2s" or "1m"'),
]);

export function durationToMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = durationPattern.exec(value);
  if (!m?.[1] || !m[2]) throw new Error(`invalid duration "${value}"`);
  return Number(m[1]) * (unitMs[m[2]] ?? 1);
}

const latency = z.strictObject({ p50: z.number().nonnegative(), p99: z.number().nonnegative() });

const imageSchema = z.strictObject({
  readyAfter: duration.optional(),
  ready: z.boolean().optional(),
  crashLoop: z.boolean().optional(),
  jobResult: z.enum(['succeed', 'fail']).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  latencyMs: latency.optional(),
});

// One kind of request the mesh's traffic generator sends; `share`s are relative weights within the mix.
const requestClassSchema = z.strictObject({
  share: z.number().positive(),
  path: z.string().startsWith('/', 'must start with "/"').optional(),
  method: z
    .string()
    .regex(/^[A-Za-z]+$/, 'must be an HTTP method such as GET')
    .optional(),
  headers: z.record(z.string().min(1), z.string()).optional(),
});

const profileSchema = z.strictObject({
  defaults: imageSchema.optional(),
  readyAfter: duration.optional(),
  images: z.record(z.string(), imageSchema).optional(),
  traffic: z
    .strictObject({
      rps: z.number().nonnegative().optional(),
      seed: z.number().int().optional(),
      requestMix: z.array(requestClassSchema).min(1).optional(),
    })
    .optional(),
});

export interface LatencyProfile {
  p50: number;
  p99: number;
}

/** How pods running one image behave. */
export interface ImageBehaviour {
  readyAfterMs: number;
  ready: boolean;
  crashLoop: boolean;
  jobResult: 'succeed' | 'fail';
  /** Fraction 0..1 of requests answered with a 5xx (mesh simulator). */
  errorRate: number;
  latencyMs: LatencyProfile;
}

/** A kind of request the simulated mesh sends to every traffic root (default: all `GET /`). */
export interface TrafficRequestClass {
  share: number;
  path?: string;
  method?: string;
  headers?: Readonly<Record<string, string>>;
}

export interface SimProfile {
  defaults: ImageBehaviour;
  images: Readonly<Record<string, Partial<ImageBehaviour>>>;
  traffic: { rps: number; seed: number; requestMix?: readonly TrafficRequestClass[] };
}

export const defaultImageBehaviour: ImageBehaviour = {
  readyAfterMs: 1000,
  ready: true,
  crashLoop: false,
  jobResult: 'succeed',
  errorRate: 0,
  latencyMs: { p50: 20, p99: 100 },
};

export const defaultSimProfile: SimProfile = {
  defaults: defaultImageBehaviour,
  images: {},
  traffic: { rps: 10, seed: 1 },
};

export class ProfileError extends Error {}

function resolveImage(raw: z.infer<typeof imageSchema>): Partial<ImageBehaviour> {
  return {
    ...(raw.readyAfter !== undefined ? { readyAfterMs: durationToMs(raw.readyAfter) } : {}),
    ...(raw.ready !== undefined ? { ready: raw.ready } : {}),
    ...(raw.crashLoop !== undefined ? { crashLoop: raw.crashLoop } : {}),
    ...(raw.jobResult !== undefined ? { jobResult: raw.jobResult } : {}),
    ...(raw.errorRate !== undefined ? { errorRate: raw.errorRate } : {}),
    ...(raw.latencyMs !== undefined ? { latencyMs: raw.latencyMs } : {}),
  };
}

function resolveRequestClass(raw: z.infer<typeof requestClassSchema>): TrafficRequestClass {
  return {
    share: raw.share,
    ...(raw.path !== undefined ? { path: raw.path } : {}),
    ...(raw.method !== undefined ? { method: raw.method.toUpperCase() } : {}),
    ...(raw.headers !== undefined ? { headers: raw.headers } : {}),
  };
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) =>
      typeof p === 'number'
        ? `[${p}]`
        : /^[A-Za-z_][\w]*$/.test(String(p))
          ? `${i === 0 ? '' : '.'}${String(p)}`
          : `[${JSON.stringify(String(p))}]`,
    )
    .join('');
}

/** Parses a profile (already decoded from YAML/JSON); errors name the field, e.g. `images["web:2"].readyAfter`. */
export function parseSimProfile(input: unknown, source = 'profile'): SimProfile {
  const parsed = profileSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const where = fieldPath(i.path);
      return `${where === '' ? '(top level)' : where}: ${i.message}`;
    });
    throw new ProfileError(`${source}: ${problems.join('; ')}`);
  }
  const p = parsed.data;
  const defaults: ImageBehaviour = {
    ...defaultImageBehaviour,
    ...(p.readyAfter !== undefined ? { readyAfterMs: durationToMs(p.readyAfter) } : {}),
    ...(p.defaults ? resolveImage(p.defaults) : {}),
  };
  const images: Record<string, Partial<ImageBehaviour>> = {};
  for (const [image, raw] of Object.entries(p.images ?? {})) images[image] = resolveImage(raw);
  return {
    defaults,
    images,
    traffic: {
      rps: p.traffic?.rps ?? defaultSimProfile.traffic.rps,
      seed: p.traffic?.seed ?? defaultSimProfile.traffic.seed,
      ...(p.traffic?.requestMix ? { requestMix: p.traffic.requestMix.map(resolveRequestClass) } : {}),
    },
  };
}

export function loadSimProfile(file: string): SimProfile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ProfileError(`${file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  return parseSimProfile(raw, file);
}

/**
 * The behaviour of an image: its own entry, else the entry of its repository without tag (`web` for `web:2`),
 * else the defaults. Unknown images are healthy.
 */
export function imageBehaviour(profile: SimProfile, image: string): ImageBehaviour {
  const own = profile.images[image] ?? profile.images[image.replace(/[:@][^/:]*$/, '')];
  return own ? { ...profile.defaults, ...own } : profile.defaults;
}
