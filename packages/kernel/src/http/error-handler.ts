import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/** Fastify's own client errors, given stable codes of ours. */
const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_body',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_body',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
};

/**
 * The one error handler: `{ error: { code, message, details? } }`. Schema failures answer `validationStatus` (400, or
 * 422 for apps whose upstream clients expect FastAPI's status); 5xx messages are hidden and logged.
 */
export function createErrorHandler(validationStatus: 400 | 422 = 400) {
  return function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    if (error instanceof AppError) {
      if (error.statusCode === 429 && error.retryAfter) reply.header('retry-after', String(error.retryAfter));
      return reply
        .status(error.statusCode)
        .send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error.validation) {
      return reply.status(validationStatus).send({
        error: {
          code: 'validation_failed',
          message: error.message,
          details: error.validation.map((issue) => ({
            location: error.validationContext,
            path: issue.instancePath,
            message: issue.message,
            params: issue.params,
          })),
        },
      });
    }
    const status = error.statusCode ?? 500;
    if (status === 429) {
      return reply.status(429).send({ error: { code: 'rate_limited', message: error.message || 'too many requests' } });
    }
    if (status >= 400 && status < 500) {
      const code = fastifyCodes[error.code] ?? (error instanceof SyntaxError ? 'invalid_json' : 'bad_request');
      return reply.status(status).send({ error: { code, message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(Math.max(status, 500))
      .send({ error: { code: 'internal_error', message: 'internal server error' } });
  };
}
