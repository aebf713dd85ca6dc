import { type Static, Type } from 'typebox';

/** Every error response. */
export const ErrorResponse = Type.Object({
  error: Type.Object({
    /** machine-readable code, e.g. validation_failed, not_found */
    code: Type.String({ description: 'machine-readable error code' }),
    /** human-readable explanation; hidden for 5xx */
    message: Type.String({ description: 'human-readable message' }),
    /** optional structured details, e.g. validation errors */
    details: Type.Optional(Type.Unknown({ description: 'structured details' })),
  }),
});
export type ErrorResponse = Static<typeof ErrorResponse>;

/** The error responses to list beside a route's success responses. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
  429: ErrorResponse,
};
