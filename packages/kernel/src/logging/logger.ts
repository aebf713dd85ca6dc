import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Secrets never reach the log: structured fields are redacted by path, and free text is scrubbed for the shapes secrets
 * take (bearer credentials, platform tokens, passwords and keys in key=value or JSON form).
 */
export const REDACTED = '[redacted]';

const secretKeyNames = [
  'password',
  'newPassword',
  'secret',
  'secretKey',
  'secretAccessKey',
  'secret_access_key',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'apiKey',
  'api_key',
  'authorization',
  'cookie',
  'hfToken',
  'hf_token',
  'sessionToken',
  'privateKey',
  'private_key',
];

const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-amz-security-token"]',
  'res.headers["set-cookie"]',
  ...secretKeyNames.flatMap((name) => [name, `*.${name}`, `*.*.${name}`]),
];

const secretPatterns: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\bplt_[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\bhf_[A-Za-z0-9]{8,}/g, REDACTED],
  [new RegExp(`(["']?(?:${secretKeyNames.join('|')})["']?\\s*[:=]\\s*["']?)[^"'\\s,;&}]+`, 'gi'), `$1${REDACTED}`],
  [/(AWS4-HMAC-SHA256 Credential=)[^,\s]+/g, `$1${REDACTED}`],
  [/([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|token|code|state)=)[^&\s"]+/gi, `$1${REDACTED}`],
];

/** Removes secret-looking substrings from free text. */
export function scrubSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of secretPatterns) result = result.replace(pattern, replacement);
  return result;
}

export interface LoggerOptions {
  level?: string;
  /** Where to write; defaults to stdout (pretty printing is left to a pipe such as pino-pretty). */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: REDACTED },
      serializers: {
        err: (error: Error) => {
          const serialized = pino.stdSerializers.err(error);
          serialized.message = scrubSecrets(serialized.message ?? '');
          if (serialized.stack) serialized.stack = scrubSecrets(serialized.stack);
          return serialized;
        },
        req: (request: { id: string; method: string; url: string; ip?: string }) => ({
          id: request.id,
          method: request.method,
          url: scrubSecrets(request.url),
          ip: request.ip,
        }),
      },
      hooks: {
        // Messages are free text: scrub them as well, after pino's path redaction handled structured fields.
        logMethod(args, method) {
          const scrubbed = args.map((argument) => (typeof argument === 'string' ? scrubSecrets(argument) : argument));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

export type { Logger };
