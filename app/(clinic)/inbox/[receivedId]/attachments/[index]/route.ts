import { withStaffRoute } from '@/lib/api/staff-route';
import { getReceivedAttachment } from '@/lib/sharing/received-documents/received-document.service';
import { attachmentResponse } from '@/lib/web/attachment-response';

/** 添付資料 of a received letter: a PDF or image shown in the browser, anything else downloaded (audited read). */
export const GET = withStaffRoute(async ({ actor, params }) => {
  const file = await getReceivedAttachment({ receivedId: params.receivedId ?? '', index: params.index ?? '' }, actor);
  return attachmentResponse({ fileName: file.title, contentType: file.contentType, inline: file.viewable, data: file.data });
});
