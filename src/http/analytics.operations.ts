import type { AnalyticsService } from '../domain/analytics/analytics.service';
import { operationsUsing, type ApiOperation } from './api-operation';

/** What the analytics and export operations use. */
export interface AnalyticsDeps {
  analytics: AnalyticsService;
}
const operation = operationsUsing<AnalyticsDeps>();
void operation;

/** Analytics of a campaign, a mailbox and the organization, and a campaign's export. */
export const analyticsOperations: ApiOperation<AnalyticsDeps>[] = [];
