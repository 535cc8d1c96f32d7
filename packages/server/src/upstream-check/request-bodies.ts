import type { FalRequest } from '../providers/fal/fal-request.ts';
import type { KlingRequest } from '../providers/kling/kling-request.ts';
import type { ReplicateRequest } from '../providers/replicate/replicate-request.ts';
import type { UpstreamId } from '../providers/upstream-ids.ts';
import type { RequestBody } from './sent-fields.ts';

/**
 * Where each upstream's request shape keeps the endpoint and the body: fal and Kling name the endpoint in the
 * request; a Replicate prediction goes to the mapping's model and sends its `input`.
 */
export const REQUEST_BODIES: Readonly<Record<UpstreamId, RequestBody>> = {
  kling: (_mapping, request) => {
    const { endpoint, body } = request as KlingRequest;
    return { endpoint, body };
  },
  fal: (_mapping, request) => {
    const { endpoint, body } = request as FalRequest;
    return { endpoint, body };
  },
  replicate: (mapping, request) => ({
    endpoint: mapping.endpoint,
    body: (request as ReplicateRequest).input,
  }),
};
