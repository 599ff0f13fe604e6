import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { Connection } from '@temporalio/client';
import { searchAttributes } from '../../workflows/search-attributes';

const INDEXED_TYPES = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

export const MIN_RETENTION_DAYS = 30;
const GRPC_ALREADY_EXISTS = 6;

/**
 * Registers our search attributes and raises the namespace's retention to at least 30 days.
 * Idempotent: safe on every start, on a fresh or an existing database (the CLI's `--search-attribute`
 * flag only applies when the database is created).
 */
export async function ensureNamespaceSetup(connection: Connection, namespace: string): Promise<{ added: string[] }> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.values(searchAttributes).filter((key) => !(key.name in (existing.customAttributes ?? {})));
  if (missing.length > 0) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_TYPES[key.type]])),
      });
    } catch (error) {
      // Another process (the api and the worker start together) registered them first: that is the goal.
      if ((error as { code?: unknown }).code !== GRPC_ALREADY_EXISTS) throw error;
    }
  }

  const described = await connection.workflowService.describeNamespace({ namespace });
  const retentionSeconds = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
  const wantedSeconds = MIN_RETENTION_DAYS * 24 * 60 * 60;
  if (retentionSeconds < wantedSeconds) {
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(wantedSeconds * 1000) },
    });
  }
  return { added: missing.map((key) => key.name) };
}
