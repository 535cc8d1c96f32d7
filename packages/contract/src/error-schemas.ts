import { z } from 'zod';

/** One bad field; `param` is its path, such as `input.duration`. */
export const FieldError = z.strictObject({
  param: z.string().meta({ examples: ['input.duration'] }),
  code: z.string().meta({ examples: ['out_of_range'] }),
  message: z.string(),
});

/** Every error answer. A 422 lists every bad field in `details`; `param` names the first. */
export const ErrorEnvelope = z.strictObject({
  error: z.strictObject({
    code: z.string().meta({
      description: 'Machine-readable, e.g. `validation_failed`, `insufficient_tokens`, `rate_limited`.',
    }),
    message: z.string(),
    param: z
      .string()
      .optional()
      .meta({ description: 'The field, header or query parameter that was wrong.' }),
    details: z.array(FieldError).optional(),
    requestId: z.string().meta({ examples: ['req_3k2j4h5g6f7d8s9a'] }),
    traceId: z
      .string()
      .optional()
      .meta({
        description:
          'The OpenTelemetry trace id of the request, when the gateway sends traces to a collector.',
        examples: ['4bf92f3577b34da6a3ce929d0e0e4736'],
      }),
  }),
});
