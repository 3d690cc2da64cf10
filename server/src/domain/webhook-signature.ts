import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-defuse-signature';
export const TIMESTAMP_HEADER = 'x-defuse-timestamp';

/**
 * The headers that let a receiver trust a webhook body (as Stripe's do): HMAC-SHA256 with the
 * webhook's secret over `<unix seconds>.<raw body>`. The timestamp is signed too, so a receiver
 * that refuses old timestamps also refuses a replayed body.
 * @example signWebhook('s3cret', 1700000000, '{"text":"hi"}')['x-defuse-signature'] // 'sha256=…64 hex'
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): Record<string, string> {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return { [TIMESTAMP_HEADER]: String(timestampSeconds), [SIGNATURE_HEADER]: `sha256=${mac}` };
}
