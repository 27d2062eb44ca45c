/**
 * The sandbox ORCA for the ORCA integration tests: the HTTP server on a free port, an OrcaClient over real HTTP to it,
 * and its control API (the ORCA staff: reset, faults, 会計 confirm, counter 受付 …) and state.
 */
import { HttpOrcaTransport } from '@/lib/orca/adapters/http-transport';
import { OrcaClient } from '@/lib/orca/orca-client';
import { startOrcaSandboxServer } from '@/lib/orca/sandbox/sandbox-server';

export type OrcaHarness = {
  url: string;
  link: OrcaClient;
  /** POST /__sandbox/<action> with a JSON body; throws on a non-2xx answer */
  control: (action: string, body?: unknown) => Promise<Record<string, unknown>>;
  /** GET /__sandbox/state, typed by the caller */
  state: <T>() => Promise<T>;
  close: () => Promise<void>;
};

export async function startOrcaHarness(timeoutMs = 1500): Promise<OrcaHarness> {
  const server = await startOrcaSandboxServer({ port: 0 });
  const transport = new HttpOrcaTransport({ baseUrl: server.url, user: 'ormaster', password: 'ormaster', timeoutMs });
  return {
    url: server.url,
    link: new OrcaClient({ transport }),
    control: async (action, body = {}) => {
      const res = await fetch(`${server.url}/__sandbox/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${action}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    },
    state: async <T>() => (await (await fetch(`${server.url}/__sandbox/state`)).json()) as T,
    close: async () => {
      transport.close();
      await server.close();
    },
  };
}
