/**
 * The ORCA sandbox on HTTP (`npm run sandbox:orca`, started by the demo and by tests): ORCA's API paths, with or
 * without the WebORCA `/api` prefix, behind HTTP Basic; and, under `/__sandbox/`, a control API that plays the ORCA
 * staff and the network (docs/orca.md "Sandbox"). Never expose it beyond localhost: the control API has no auth.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OrcaSandbox, type SandboxFault } from './orca-sandbox';
import type { SandboxPatientFixture } from './sandbox-fixtures';

export type SandboxServerOptions = {
  port?: number;
  host?: string;
  user?: string;
  password?: string;
  /** serve ORCA's paths under /api (WebORCA) */
  apiPrefix?: boolean;
  patients?: SandboxPatientFixture[];
};

export type RunningSandbox = { url: string; sandbox: OrcaSandbox; close: () => Promise<void> };

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

export async function startOrcaSandboxServer(options: SandboxServerOptions = {}): Promise<RunningSandbox> {
  const sandbox = new OrcaSandbox(options.patients);
  const user = options.user ?? 'ormaster';
  const password = options.password ?? 'ormaster';
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const body = await readBody(req);
      if (url.pathname.startsWith('/__sandbox/')) return control(url.pathname.slice('/__sandbox/'.length), req.method ?? 'GET', body, res);
      let path = url.pathname;
      if (options.apiPrefix) {
        if (!path.startsWith('/api/')) return sendJson(res, 404, { error: 'not found' });
        path = path.slice(4);
      }
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="ORCA"', 'Content-Type': 'text/plain' });
        return res.end('Unauthorized');
      }
      const query = Object.fromEntries(url.searchParams.entries());
      const answer = sandbox.handle({ method: req.method ?? 'GET', path, query, body });
      if (answer.drop) {
        req.socket.destroy();
        return;
      }
      const reply = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'Content-Type': answer.contentType });
        res.end(answer.body);
      };
      if (answer.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          reply();
        }, answer.delayMs);
        timers.add(t);
      } else reply();
    } catch (e) {
      sendJson(res, 500, { error: (e as Error).message });
    }
  });

  function control(action: string, method: string, raw: string, res: http.ServerResponse) {
    let input: Record<string, unknown> = {};
    try {
      input = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, { error: 'JSON body expected' });
    }
    const s = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
    try {
      if (method === 'GET' && action === 'state') return sendJson(res, 200, sandbox.state());
      if (method !== 'POST') return sendJson(res, 405, { error: 'POST expected' });
      switch (action) {
        case 'reset':
          sandbox.reset(Array.isArray(input.patients) ? (input.patients as SandboxPatientFixture[]) : options.patients);
          return sendJson(res, 200, { ok: true });
        case 'patients':
          return sendJson(res, 200, { patientId: sandbox.addPatient(input as unknown as SandboxPatientFixture) });
        case 'clock':
          sandbox.setClock(s('date') && s('time') ? { date: s('date')!, time: s('time')! } : null);
          return sendJson(res, 200, { ok: true });
        case 'lock':
          sandbox.lock(s('patientId') ?? '');
          return sendJson(res, 200, { ok: true });
        case 'unlock':
          sandbox.unlock(s('patientId') ?? '');
          return sendJson(res, 200, { ok: true });
        case 'fault':
          sandbox.injectFault({ ...(input as unknown as SandboxFault), times: typeof input.times === 'number' ? input.times : Infinity });
          return sendJson(res, 200, { ok: true });
        case 'clear-faults':
          sandbox.clearFaults();
          return sendJson(res, 200, { ok: true });
        case 'confirm':
          return sendJson(res, 200, sandbox.confirmVisit({ patientId: s('patientId') ?? '', date: s('date'), departmentCode: s('departmentCode'), paid: input.paid !== false }));
        case 'open-medical':
          sandbox.openMedical(s('medicalUid') ?? '', s('how') === 'resave' ? 'resave' : 'open');
          return sendJson(res, 200, { ok: true });
        case 'change-patient':
          sandbox.changePatient(input as Parameters<typeof sandbox.changePatient>[0]);
          return sendJson(res, 200, { ok: true });
        case 'accept':
          return sendJson(res, 200, {
            acceptanceId: sandbox.acceptAtCounter({ patientId: s('patientId') ?? '', departmentCode: s('departmentCode') ?? '01', physicianCode: s('physicianCode') ?? '10001' }),
          });
        case 'disease':
          sandbox.addDiseaseInOrca({ patientId: s('patientId') ?? '', code: s('code') ?? '', startDate: s('startDate') ?? sandbox.now().date });
          return sendJson(res, 200, { ok: true });
        case 'same-day':
          sandbox.storeOnSameDay = input.store !== false;
          return sendJson(res, 200, { ok: true });
        default:
          return sendJson(res, 404, { error: `unknown control action ${action}` });
      }
    } catch (e) {
      return sendJson(res, 400, { error: (e as Error).message });
    }
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    sandbox,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
