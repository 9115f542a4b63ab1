import { isUtf8 } from 'node:buffer';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiError } from '../../shared/index.js';
import type { Logger } from '../log.js';
import { Refusal } from '../refusal.js';
import { InvalidCursorError } from '../store/store.js';

function body(code: string, message: string, details?: unknown): ApiError {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Parses a request part with a zod schema, refusing with 400 and the schema's complaints. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Refusal(400, 'invalid_request', `The ${what} is not valid.`, z.treeifyError(parsed.error));
  return parsed.data;
}

/**
 * `verify` of the JSON body parser: a body must be UTF-8 (RFC 8259), and well-formed. Otherwise the
 * parser would quietly turn every invalid byte into U+FFFD and store text nobody sent.
 */
export function refuseMalformedUtf8(_req: unknown, _res: unknown, body: Buffer, encoding: string | null): void {
  if (encoding !== null && encoding.toLowerCase() !== 'utf-8') {
    throw new Refusal(415, 'unsupported_encoding', 'A JSON body must be UTF-8.');
  }
  if (!isUtf8(body)) throw new Refusal(400, 'invalid_json', 'The request body is not well-formed UTF-8.');
}

export const notFoundApi: RequestHandler = (req, res) => {
  res.status(404).json(body('not_found', `No API route for ${req.method} ${req.path}.`));
};

/**
 * The one place where failures become HTTP answers: deliberate refusals keep their status and code;
 * body-parser failures become 400/413/415; anything else is a bug, logged in full and answered with a
 * bare 500 that leaks no stack trace.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof Refusal) {
      const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (err.status === 429 && retry !== undefined) res.set('Retry-After', String(retry));
      res.status(err.status).json(body(err.code, err.message, err.details));
      return;
    }
    if (err instanceof InvalidCursorError) {
      res.status(400).json(body('invalid_cursor', err.message));
      return;
    }
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      res.status(400).json(body('invalid_json', 'The request body is not valid JSON.'));
      return;
    }
    if (type === 'entity.too.large') {
      res.status(413).json(body('payload_too_large', 'The request body is too large.'));
      return;
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      res.status(415).json(body('unsupported_encoding', 'The request body encoding is not supported.'));
      return;
    }
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json(body('bad_request', 'The request could not be read.'));
      return;
    }
    log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    res.status(500).json(body('internal', 'Internal server error.'));
  };
}
