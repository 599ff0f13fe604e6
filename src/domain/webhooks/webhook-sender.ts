import type { OutboundHostPolicy } from '../../mail/outbound-host-policy';

/** One signed POST: the body is sent as given, the bytes that were signed. */
export interface WebhookPost {
  url: string;
  secret: string;
  /** The `webhook-id`: the event's, the same on every retry. */
  id: string;
  at: Date;
  body: string;
}

/** What the endpoint answered: its status code (null when none came: refused host, timeout, connection error). */
export interface WebhookPostResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** Posts signed webhook messages to tenants' endpoints, through the outbound host policy. */
export class WebhookSender {
  constructor(private readonly outboundHosts: OutboundHostPolicy) {}

  post(request: WebhookPost): Promise<WebhookPostResult> {
    void this.outboundHosts;
    void request;
    return Promise.reject(new Error('WebhookSender.post: not implemented yet'));
  }
}
