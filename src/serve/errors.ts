// The server's one error catalogue: every failure a client can cause has a code,
// an HTTP status and a message naming the thing; the body is always
//   { "error": { "code": "UNKNOWN_USER", "message": "..." } }
export const ERRORS = {
  BAD_REQUEST: 400, // malformed JSON, a body or query that fails the route's schema
  UNKNOWN_USER: 404,
  UNKNOWN_ITEM: 404,
  NOT_FOUND: 404, // no such route
  USER_EXISTS: 409,
  WRONG_CATEGORY: 422, // a query of a category this model does not take
  BAD_IMAGE: 422, // an upload that is not a decodable image, or beyond the pixel limit
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_SUPPORTED: 501, // a feature this run's model does not have (a baseline: no users, no retrieval)
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERRORS[code];
  }
}

export const errorBody = (code: ErrorCode | 'INTERNAL', message: string) => ({ error: { code, message } });

/** The JSON schema of an error body (for the OpenAPI description). */
export const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string', enum: [...Object.keys(ERRORS), 'INTERNAL'] }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;
