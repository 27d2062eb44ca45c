/**
 * How an ORCA request travels: over HTTP to a real ORCA (adapters/http-transport.ts) or into the in-process sandbox
 * (adapters/sandbox-transport.ts). The client (orca-client.ts) builds the same requests for both.
 * A transport throws OrcaUnavailableError when no HTTP answer came; any HTTP answer is returned as is.
 */
export type OrcaRequest = {
  method: 'GET' | 'POST';
  /** ORCA's API path without the WebORCA prefix, e.g. '/orca11/acceptmodv2' */
  path: string;
  query: Record<string, string>;
  body?: string;
  contentType?: 'application/xml' | 'application/json';
};

export type OrcaResponse = { status: number; body: string };

export interface OrcaTransport {
  send(request: OrcaRequest): Promise<OrcaResponse>;
}
