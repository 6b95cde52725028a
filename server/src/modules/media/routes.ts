import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { publicAccess, requireScope, requireUser } from '../../http/access.js';
import { ErrorSchema, errorResponses, IdParam, type App } from '../../http/types.js';
import { AppError } from '../../lib/errors.js';
import { workspaceScope } from '../workspaces/scope.js';
import { MediaFileServer } from './file-server.js';
import { MediaListQuerySchema, MediaListSchema, MediaSchema, MediaUpdateSchema } from './schemas.js';
import { mediaScope } from './scope.js';
import { MediaService } from './service.js';

const tags = ['media'];

/** The upload form, for the API documentation only. */
const UploadFormSchema = z.object({
  file: z.string().meta({ format: 'binary', description: 'JPEG, PNG, WebP, GIF, MP4 or MOV; the type is read from the bytes' }),
  altText: z.string().max(1000).optional(),
  tags: z.string().optional().meta({ description: 'Comma-separated, or a JSON array of strings' }),
});

/** The media library (`/workspaces/{id}/media`, `/media/{id}`) and signed file URLs (`/media/file/{token}`). */
export async function mediaRoutes(app: App, ctx: AppContext): Promise<void> {
  const service = new MediaService(ctx);
  const files = new MediaFileServer(ctx);

  await app.register(async (upload: App) => {
    // Any body type reaches the handler unparsed, so a caller without permission gets its 403 (or 404)
    // before a 415 about the body, and the 415 can say what to send instead.
    upload.addContentTypeParser('*', (_request, _payload, done) => done(null));

    upload.post('/workspaces/:workspaceId/media', {
      config: { access: workspaceScope('media.write') },
      // The body schema documents the form for OpenAPI; the upload itself reads the stream (upload.ts).
      validatorCompiler: (route) => (route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0])),
      schema: {
        tags,
        summary: 'Upload an image or video',
        description:
          'multipart/form-data with one `file` part (JPEG, PNG, WebP, GIF, MP4 or MOV, recognised from its bytes) and optional `altText` and `tags` (comma-separated or a JSON array) fields.',
        consumes: ['multipart/form-data'],
        params: IdParam('workspaceId'),
        body: UploadFormSchema,
        response: { 201: MediaSchema, ...errorResponses, 413: ErrorSchema, 415: ErrorSchema, 503: ErrorSchema },
      },
      handler: async (request, reply) => {
        if (!request.isMultipart()) {
          throw new AppError(415, 'multipart_required', 'Send the upload as multipart/form-data: a "file" part plus optional "altText" and "tags" fields', {
            contentType: request.headers['content-type'] ?? null,
          });
        }
        const scope = requireScope(request);
        try {
          const media = await service.upload(
            { organizationId: scope.organizationId, workspaceId: request.params.workspaceId, uploadedBy: requireUser(request).id },
            request.parts({ limits: service.multipartLimits }),
          );
          return await reply.status(201).send(media);
        } catch (err) {
          // The rest of a refused upload is not worth reading: answer and close the connection.
          void reply.header('connection', 'close');
          throw err;
        }
      },
    });
  });

  app.get('/workspaces/:workspaceId/media', {
    config: { access: workspaceScope('media.read') },
    schema: { tags, summary: 'List a workspace’s media, newest first', params: IdParam('workspaceId'), querystring: MediaListQuerySchema, response: { 200: MediaListSchema, ...errorResponses } },
    handler: async (request) => service.list(requireScope(request).organizationId, request.params.workspaceId, request.query),
  });

  app.get('/media/:mediaId', {
    config: { access: mediaScope('media.read') },
    schema: { tags, summary: 'Get a media item', params: IdParam('mediaId'), response: { 200: MediaSchema, ...errorResponses } },
    handler: async (request) => service.get(requireScope(request).organizationId, request.params.mediaId),
  });

  app.patch('/media/:mediaId', {
    config: { access: mediaScope('media.write') },
    schema: { tags, summary: 'Change a media item’s alt text or tags', params: IdParam('mediaId'), body: MediaUpdateSchema, response: { 200: MediaSchema, ...errorResponses } },
    handler: async (request) => service.update(requireScope(request).organizationId, request.params.mediaId, request.body),
  });

  app.delete('/media/:mediaId', {
    config: { access: mediaScope('media.write') },
    schema: {
      tags,
      summary: 'Delete a media item (refused while an unpublished post uses it)',
      params: IdParam('mediaId'),
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await service.remove(requireScope(request).organizationId, requireUser(request).id, request.params.mediaId);
      return reply.status(204).send(null);
    },
  });

  app.get('/media/file/:token', {
    config: { access: publicAccess },
    schema: {
      tags,
      summary: 'Download a media file through a signed, expiring URL (supports Range)',
      params: z.object({ token: z.string().min(1).max(1000) }),
      response: { 403: ErrorSchema, 404: ErrorSchema, 416: ErrorSchema, 503: ErrorSchema },
    },
    // A signed URL is a capability for anyone who holds it (the dashboard under another origin than
    // HERALD_PUBLIC_URL, platforms fetching media): helmet's same-origin resource policy would block it.
    handler: async (request, reply) => files.serve(request, reply.header('cross-origin-resource-policy', 'cross-origin'), request.params.token),
  });
}
