/**
 * Password authentication in front of the embedded database (issue 9 item 17). PGlite's socket server speaks the
 * PostgreSQL protocol but accepts anyone; so it listens only on a Unix socket in a private directory (mode 0700), and
 * clients reach it through this TCP front, which runs SCRAM-SHA-256 (RFC 5802/7677, what PostgreSQL itself uses) for
 * the startup packet's user against the one password, then relays the connection. Wrong or missing password: the
 * client gets PostgreSQL's 28P01 error and never reaches the database.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;
const ITERATIONS = 4096;

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

function authRequest(code: number, data: Buffer = Buffer.alloc(0)): Buffer {
  return message('R', Buffer.concat([int32(code), data]));
}

function errorResponse(code: string, text: string): Buffer {
  const field = (t: string, v: string) => Buffer.concat([Buffer.from(t, 'ascii'), Buffer.from(v, 'utf8'), Buffer.from([0])]);
  return message('E', Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', code), field('M', text), Buffer.from([0])]));
}

const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/** Reads whole frames from a socket: the untyped startup packet first, then typed messages. */
class FrameReader {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
  }
  private onData = (chunk: Buffer) => {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.waiting?.();
  };
  private async need(n: number) {
    while (this.buffer.length < n) {
      if (this.socket.destroyed) throw new Error('closed');
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        this.socket.once('close', resolve);
      });
      this.waiting = null;
    }
  }
  async startup(): Promise<Buffer> {
    await this.need(4);
    const len = this.buffer.readInt32BE(0);
    if (len < 8 || len > 10_000) throw new Error('bad startup length');
    await this.need(len);
    const packet = this.buffer.subarray(0, len);
    this.buffer = this.buffer.subarray(len);
    return Buffer.from(packet);
  }
  async typed(expected: string): Promise<Buffer> {
    await this.need(5);
    if (this.buffer.toString('ascii', 0, 1) !== expected) throw new Error('unexpected message');
    const len = this.buffer.readInt32BE(1);
    if (len < 4 || len > 10_000) throw new Error('bad message length');
    await this.need(1 + len);
    const body = this.buffer.subarray(5, 1 + len);
    this.buffer = this.buffer.subarray(1 + len);
    return Buffer.from(body);
  }
  /** Stops reading; returns what arrived beyond the handshake. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    return this.buffer;
  }
}

function startupParams(packet: Buffer): Record<string, string> {
  const parts = packet.subarray(8).toString('utf8').split('\0');
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) params[parts[i]!] = parts[i + 1]!;
  return params;
}

/** SCRAM-SHA-256 against `password`. True when the client proved it knows it; the final server message is sent. */
async function scram(socket: Socket, reader: FrameReader, password: string): Promise<boolean> {
  socket.write(authRequest(10, Buffer.from('SCRAM-SHA-256\0\0', 'utf8')));
  const initial = await reader.typed('p');
  const mechEnd = initial.indexOf(0);
  if (initial.toString('utf8', 0, mechEnd) !== 'SCRAM-SHA-256') return false;
  const clientFirst = initial.subarray(mechEnd + 5).toString('utf8');
  const bareStart = clientFirst.indexOf('n=');
  if (!clientFirst.startsWith('n,') || bareStart < 0) return false;
  const clientFirstBare = clientFirst.slice(bareStart);
  const clientNonce = /(?:^|,)r=([^,]+)/.exec(clientFirstBare)?.[1];
  if (!clientNonce) return false;
  const salt = randomBytes(16);
  const nonce = clientNonce + randomBytes(18).toString('base64');
  const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${ITERATIONS}`;
  socket.write(authRequest(11, Buffer.from(serverFirst, 'utf8')));
  const clientFinal = (await reader.typed('p')).toString('utf8');
  const proofAt = clientFinal.lastIndexOf(',p=');
  if (proofAt < 0) return false;
  const withoutProof = clientFinal.slice(0, proofAt);
  if (/(?:^|,)r=([^,]+)/.exec(withoutProof)?.[1] !== nonce) return false;
  const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = sha256(clientKey);
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  if (proof.length !== signature.length) return false;
  const recovered = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
  if (!timingSafeEqual(sha256(recovered), storedKey)) return false;
  const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
  socket.write(authRequest(12, Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8')));
  return true;
}

async function handle(client: Socket, backendPath: string, password: string) {
  client.setNoDelay(true);
  const reader = new FrameReader(client);
  try {
    let packet = await reader.startup();
    // no TLS on loopback: decline SSL/GSS encryption, then read the real startup packet
    while (packet.length === 8 && (packet.readInt32BE(4) === SSL_REQUEST || packet.readInt32BE(4) === GSSENC_REQUEST)) {
      client.write('N');
      packet = await reader.startup();
    }
    if (packet.readInt32BE(4) !== PROTOCOL_3) throw new Error('unsupported protocol');
    const user = startupParams(packet).user ?? '';
    if (!(await scram(client, reader, password))) {
      client.end(errorResponse('28P01', `password authentication failed for user "${user}"`));
      return;
    }
    const rest = reader.detach();
    const backend = connect(backendPath);
    backend.setNoDelay(true);
    backend.on('error', () => client.destroy());
    client.on('error', () => backend.destroy());
    backend.on('close', () => client.destroy());
    client.on('close', () => backend.destroy());
    backend.on('connect', () => {
      // PGlite answers the startup packet itself (AuthenticationOk, parameters, ReadyForQuery)
      backend.write(Buffer.concat([packet, rest]));
      client.pipe(backend);
      backend.pipe(client);
    });
  } catch {
    client.destroy();
  }
}

/** Listens on host:port and relays authenticated connections to the Unix socket at backendPath. */
export async function startAuthFront(opts: { host: string; port: number; backendPath: string; password: string }): Promise<Server> {
  if (opts.password.length < 16) throw new Error('the embedded database password must have at least 16 characters');
  const server = createServer((socket) => void handle(socket, opts.backendPath, opts.password));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return server;
}
