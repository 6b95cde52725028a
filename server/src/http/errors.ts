import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../lib/errors.js';

const FASTIFY_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
};

/**
 * One shape for every error: `{error: {code, message, details?}}`. Client mistakes keep their 4xx;
 * anything unexpected is logged with its stack and answered as a bare 500 without internals.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      if (err.headers) void reply.headers(err.headers);
      return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const location = (err as FastifyError).validationContext ?? 'body';
      const fields: Record<string, string> = {};
      for (const v of err.validation) {
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.') || location;
        fields[path] ??= v.message ?? 'Invalid value';
      }
      const names = Object.keys(fields);
      return reply.status(400).send({
        error: {
          code: 'validation_failed',
          message: `Invalid ${location}: ${names.map((n) => `${n} (${fields[n]})`).join(', ')}`,
          details: { in: location, fields },
        },
      });
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause.issues }, 'response did not match its schema');
      return reply.status(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side' } });
    }
    const status = (err as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const invalidJson = (err as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError;
      const code = invalidJson ? 'invalid_json' : (FASTIFY_CODES[status] ?? 'bad_request');
      const message = invalidJson ? 'The request body is not valid JSON' : err.message;
      return reply.status(status).send({ error: { code, message } });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side' } });
  });
}

/** Errors Fastify raises before routing (a malformed URL escape, for example), in Herald's shape. */
export function frameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  const code = err.code === 'FST_ERR_BAD_URL' ? 'bad_url' : (FASTIFY_CODES[status] ?? 'bad_request');
  const message = err.code === 'FST_ERR_BAD_URL' ? 'The URL is malformed' : 'The request could not be read';
  void reply.status(status).send({ error: { code, message } });
}
