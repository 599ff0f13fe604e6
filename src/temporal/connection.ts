import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

export type TemporalConnectionConfig = Pick<Config['temporal'], 'namespace' | 'apiKey' | 'tls'>;

/** Connection options shared by the client and the worker: TLS and API key for Temporal Cloud or a secured cluster. */
function connectionOptions(config: TemporalConnectionConfig, address: string) {
  return {
    address,
    tls: config.tls || config.apiKey ? {} : undefined,
    apiKey: config.apiKey,
  };
}

/** A Temporal client for the API (starting, signalling and querying workflows) and its connection. */
export async function connectClient(
  config: TemporalConnectionConfig,
  address: string,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect(connectionOptions(config, address));
  return { client: new Client({ connection, namespace: config.namespace }), connection };
}

/** The native connection a worker polls over. */
export function connectWorker(config: TemporalConnectionConfig, address: string): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config, address));
}
