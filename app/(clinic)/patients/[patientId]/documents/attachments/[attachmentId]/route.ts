import { withStaffRoute } from '@/lib/api/staff-route';
import { getDocumentAttachmentFile } from '@/lib/records/documents/document-attachment.service';
import { attachmentResponse } from '@/lib/web/attachment-response';

/** An uploaded 添付資料 of the patient's letter, shown in the browser (PDF / image; audited read). */
export const GET = withStaffRoute(async ({ actor, params }) => {
  const file = await getDocumentAttachmentFile({ patientId: params.patientId ?? '', attachmentId: params.attachmentId ?? '' }, actor);
  return attachmentResponse({ ...file, inline: true, data: Buffer.from(file.data) });
});
