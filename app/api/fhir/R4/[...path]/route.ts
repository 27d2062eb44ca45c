// The vendor FHIR R4 API (docs/api.md): every method and path under /api/fhir/R4 goes to the route table.
import { handleFhirRequest } from '@/lib/vendor-api/fhir-routes';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ path: string[] }> };
const handle = async (request: Request, context: Context) => handleFhirRequest(request, (await context.params).path);

export const GET = handle;
export const HEAD = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
