import { parseDuration } from '@bk/core';
import { z } from 'zod';

/** A duration: milliseconds, or text of bk's one duration grammar (`"10s"`, `"5min"`, `"26h"`). */
export const duration = z.union([z.number().min(0), z.string()]).superRefine((value, context) => {
  if (typeof value === 'string' && parseDurationText(value) === undefined) {
    context.addIssue({
      code: 'custom',
      message: /\dm\b|\dm\d|^\s*m\b/i.test(value)
        ? `"${value}" is ambiguous ("m" means minutes to some tools and months to others): write "min" for minutes or "mo" for months`
        : `expected a duration such as "10s", "5min" or "26h", got "${value}"`,
    });
  }
});

/** Milliseconds of a duration text (`"26h"`), or `undefined` when it is not one (see `parseDuration`). */
export function parseDurationText(text: string): number | undefined {
  return parseDuration(text);
}

const notifyEvents = z.array(z.enum(['started', 'succeeded', 'failed'])).optional();
const notifyUrl = z.string().regex(/^https?:\/\//i, { error: 'expected an http:// or https:// URL' });

const notifier = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('webhook'),
      url: notifyUrl,
      events: notifyEvents,
      headers: z.record(z.string(), z.string()).optional(),
      timeout: duration.optional(),
    }),
    z.strictObject({
      type: z.literal('slack'),
      url: notifyUrl,
      events: notifyEvents,
      timeout: duration.optional(),
    }),
    z.strictObject({
      type: z.literal('healthchecks'),
      url: notifyUrl,
      events: notifyEvents,
      timeout: duration.optional(),
    }),
  ],
  { error: 'expected a notifier { "type": "webhook" | "slack" | "healthchecks", "url": ... }' },
);

/** An IANA time zone Node knows (`Europe/Paris`, `UTC`): checked here, so a typo is exit 2 naming the key. */
const timeZone = z.string().refine(
  (name) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: name });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected an IANA time zone such as "Europe/Paris" or "UTC"' },
);

const job = z.strictObject({
  name: z
    .string()
    .regex(/^[\w.-]+$/, { error: 'job names use letters, digits, _ . -' })
    .optional(),
  cron: z.string().min(1),
  command: z.string().regex(/^[a-z]+$/, { error: 'expected a bk command such as "dbbackup"' }),
  args: z.array(z.string()).optional(),
  jitter: duration.optional(),
  retries: z.int().min(0).optional(),
  retryDelay: duration.optional(),
  timezone: timeZone.optional(),
});

/** The operations keys of the config file: notifications, run log, metrics and schedule. */
export const opsConfigShape = {
  notify: z.array(notifier).optional(),
  log: z.strictObject({ file: z.string().min(1) }).optional(),
  metrics: z.strictObject({ file: z.string().min(1) }).optional(),
  schedule: z
    .strictObject({
      jobs: z.array(job).min(1, { error: 'add at least one job' }),
      jitter: duration.optional(),
      retries: z.int().min(0).optional(),
      retryDelay: duration.optional(),
      timezone: timeZone.optional(),
    })
    .optional(),
};

/** The operations keys as the schema accepts them. */
export interface ParsedOpsConfig {
  notify?: z.infer<typeof notifier>[] | undefined;
  log?: { file: string } | undefined;
  metrics?: { file: string } | undefined;
  schedule?: z.infer<NonNullable<typeof opsConfigShape.schedule>> | undefined;
}
