import { sleep } from './progress';

/** The public REST API, as a user's script would call it: X-API-KEY, JSON, `{status, data}` envelopes. */
export class ApiClient {
  /** Campaigns this run created: deleted at the end on a running stack, so nothing sends tomorrow. */
  readonly createdCampaigns: string[] = [];

  constructor(
    private readonly origin: string,
    private readonly apiKey: string,
    private readonly signal: AbortSignal,
  ) {}

  /** Calls /api/v1`path` and returns the envelope's `data`; a 429 is waited out, any other error thrown, named. */
  async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.origin}/api/v1${path}`, {
          method,
          headers: { 'X-API-KEY': this.apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: this.signal,
        });
      } catch (error) {
        if (this.signal.aborted) throw error;
        throw new Error(`${method} ${path}: the API at ${this.origin} did not answer (${describe(error)})`);
      }
      const text = await response.text();
      // A running stack keeps its rate limit (the stack the bench starts has none): wait as the API asks.
      if (response.status === 429 && attempt < 30) {
        await sleep(1000 * Math.max(1, Number(response.headers.get('retry-after') ?? 1)), this.signal);
        continue;
      }
      if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 1000)}`);
      return (JSON.parse(text) as { data: T }).data;
    }
  }

  /** Enrollments of the campaign in these statuses (one page of one row: the count comes with the pagination). */
  async countEnrollments(campaignId: string, statuses: string): Promise<number> {
    const page = await this.call<{ pagination: { total: number } }>(
      'GET',
      `/campaigns/${campaignId}/enrollments?status=${statuses}&per_page=1`,
    );
    return page.pagination.total;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}
