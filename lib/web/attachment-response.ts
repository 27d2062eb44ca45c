/**
 * The HTTP answer for a 添付資料 (ours or a received letter's): a PDF or image shown in the browser only when its type
 * is one we accept, anything else as a download; never sniffed, never cached, an image rendered in a CSP sandbox.
 */
const INLINE_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg']);

export function attachmentResponse(file: { fileName: string; contentType: string; inline: boolean; data: Buffer }): Response {
  const inline = file.inline && INLINE_TYPES.has(file.contentType);
  const name = encodeURIComponent(file.fileName.replace(/[\r\n"]/g, '_'));
  const headers: Record<string, string> = {
    'Content-Type': inline ? file.contentType : 'application/octet-stream',
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${name}`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  };
  if (file.contentType.startsWith('image/')) headers['Content-Security-Policy'] = "sandbox; default-src 'none'; img-src 'self'";
  return new Response(new Uint8Array(file.data), { headers });
}
