/**
 * How large a request body may be, and the message when it is larger (issue 9 item 16). proxy.ts answers 413 from the
 * Content-Length before Next reads anything, so a large upload gets a clear answer instead of a 500 digest (server
 * actions). Master uploads are not here: their route is outside the proxy (which would cut a body at 10 MB) and
 * streams and limits the body itself (lib/masters/master-admin.service.ts).
 */
const MB = 1024 * 1024;

/** next.config.ts serverActions.bodySizeLimit (the lab CSV import sends its file as base64 through an action). */
export const SERVER_ACTION_BODY_LIMIT = 5 * MB;

export type BodyLimit = { limit: number; message: string };

const mb = (bytes: number) => `${Math.floor(bytes / MB)}MB`;

/** The limit for a request, or null when none applies (GET, HEAD, other routes). */
export function bodyLimitFor(method: string, pathname: string, headers: Pick<Headers, 'get'>): BodyLimit | null {
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return null;
  if (headers.get('next-action')) {
    return { limit: SERVER_ACTION_BODY_LIMIT, message: `送信する内容が大きすぎます（${mb(SERVER_ACTION_BODY_LIMIT)}まで）。ファイルは分割して取り込んでください。` };
  }
  return null;
}

/** A declared Content-Length over the limit (a missing or malformed one is left to the route). */
export function exceedsBodyLimit(limit: BodyLimit, headers: Pick<Headers, 'get'>): boolean {
  const declared = Number(headers.get('content-length'));
  return Number.isFinite(declared) && declared > limit.limit;
}

/** The x-file-name header (percent-encoded UTF-8), or null when it is not valid percent-encoding. */
export function decodeFileNameHeader(value: string | null): string | null {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
