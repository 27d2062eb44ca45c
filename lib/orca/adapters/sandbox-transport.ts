/**
 * The sandbox adapter: ORCA requests answered by an in-process OrcaSandbox, with no network (ORCA_MODE=sandbox, for
 * development without an ORCA). It goes through the same client and xml2 codec as a real ORCA, so only the wire is
 * skipped; faults the sandbox injects (drop, answer after the timeout) surface as OrcaUnavailableError, as on HTTP.
 */
import { OrcaUnavailableError } from '../orca-port';
import type { OrcaRequest, OrcaResponse, OrcaTransport } from '../orca-transport';
import type { OrcaSandbox } from '../sandbox/orca-sandbox';

export class SandboxOrcaTransport implements OrcaTransport {
  constructor(
    private readonly sandbox: OrcaSandbox,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(request: OrcaRequest): Promise<OrcaResponse> {
    const answer = this.sandbox.handle({ method: request.method, path: request.path, query: request.query, body: request.body ?? '' });
    if (answer.drop) throw new OrcaUnavailableError('ORCAとの接続が送信後に切れました。', true);
    if (answer.delayMs && answer.delayMs >= this.timeoutMs) throw new OrcaUnavailableError('ORCAが時間内に応答しませんでした（送信済み）。', true);
    return { status: answer.status, body: answer.body };
  }
}
