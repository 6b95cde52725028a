import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requireScope, requireUser } from '../../http/access.js';
import { errorResponses, IdParam, type App } from '../../http/types.js';
import { unpublish } from '../publishing/unpublish.js';
import { workspaceScope } from '../workspaces/scope.js';
import {
  type Calendar,
  CalendarQuerySchema,
  CalendarSchema,
  PostCreateSchema,
  PostDetailSchema,
  PostListQuerySchema,
  PostListSchema,
  PostPreviewSchema,
  PostUpdateSchema,
  PreviewResultSchema,
  ScheduleSchema,
} from './schemas.js';
import { CalendarAnswers, calendar } from './calendar.service.js';
import { SchedulingService } from './scheduling.service.js';
import { postScope } from './scope.js';
import { PostsService } from './service.js';

const tags = ['posts'];
const PostParams = IdParam('postId');
const WorkspaceParams = IdParam('workspaceId');

export async function postRoutes(app: App, ctx: AppContext): Promise<void> {
  const posts = new PostsService(ctx);
  const scheduling = new SchedulingService(ctx);
  const calendarAnswers = new CalendarAnswers();

  app.post('/workspaces/:workspaceId/posts', {
    config: { access: workspaceScope('posts.write') },
    schema: {
      tags,
      summary: 'Create a post (a draft, scheduled with scheduledAt, or published now with publishNow)',
      params: WorkspaceParams,
      body: PostCreateSchema,
      response: { 201: PostDetailSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const scope = requireScope(request);
      const post = await posts.create(scope.organizationId, request.params.workspaceId, requireUser(request).id, request.body);
      return reply.status(201).send(post);
    },
  });

  app.post('/workspaces/:workspaceId/posts/preview', {
    config: { access: workspaceScope('posts.read') },
    schema: {
      tags,
      summary: 'Check text and media against each channel’s rules without saving (live counters, warnings, media adaptations)',
      params: WorkspaceParams,
      body: PostPreviewSchema,
      response: { 200: PreviewResultSchema, ...errorResponses },
    },
    handler: async (request) => posts.preview(requireScope(request).organizationId, request.params.workspaceId, request.body),
  });

  app.get('/workspaces/:workspaceId/posts', {
    config: { access: workspaceScope('posts.read') },
    schema: { tags, summary: 'List posts, newest first', params: WorkspaceParams, querystring: PostListQuerySchema, response: { 200: PostListSchema, ...errorResponses } },
    handler: async (request) => posts.list(requireScope(request).organizationId, request.params.workspaceId, request.query),
  });

  app.get('/workspaces/:workspaceId/calendar', {
    config: { access: workspaceScope('posts.read') },
    schema: {
      tags,
      summary: 'Posts by day in the workspace’s time zone, slim (from and to are local dates, inclusive; at most 62 days)',
      description:
        'Each post as a calendar cell shows it; the rest is on GET /posts/{postId}. `perDay` keeps the earliest N of each day (each day still gives its `total`). ' +
        'Answers carry an ETag; send it back in If-None-Match to get 304 Not Modified while nothing in the range changed.',
      params: WorkspaceParams,
      querystring: CalendarQuerySchema,
      response: { 200: CalendarSchema, 304: z.null(), ...errorResponses },
    },
    // The answer is JSON bytes rendered from typed rows (see CalendarAnswers), sent as they are: no Zod re-encoding.
    serializerCompiler: ({ httpStatus }) => (httpStatus === '304' ? () => '' : (data) => JSON.stringify(data)),
    handler: async (request, reply) => {
      const answer = await calendar(ctx.database, calendarAnswers, requireScope(request).organizationId, request.params.workspaceId, request.query, request.headers['if-none-match']);
      void reply.header('etag', answer.etag).header('cache-control', 'private, no-cache');
      if (answer.notModified) return reply.status(304).removeHeader('content-type').send(null);
      // A Buffer goes out as it is (Fastify skips serialisation); the route's type only knows the object it holds.
      return reply.type('application/json; charset=utf-8').send(answer.body as unknown as Calendar);
    },
  });

  app.get('/posts/:postId', {
    config: { access: postScope('posts.read') },
    schema: { tags, summary: 'A post with its targets, every publish attempt and the rule checks', params: PostParams, response: { 200: PostDetailSchema, ...errorResponses } },
    handler: async (request) => posts.get(requireScope(request).organizationId, request.params.postId),
  });

  app.patch('/posts/:postId', {
    config: { access: postScope('posts.write') },
    schema: { tags, summary: 'Edit a post that has not gone out yet', params: PostParams, body: PostUpdateSchema, response: { 200: PostDetailSchema, ...errorResponses } },
    handler: async (request) => posts.update(requireScope(request).organizationId, requireUser(request).id, request.params.postId, request.body),
  });

  app.delete('/posts/:postId', {
    config: { access: postScope('posts.write') },
    schema: { tags, summary: 'Delete a draft or scheduled post', params: PostParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await posts.remove(requireScope(request).organizationId, requireUser(request).id, request.params.postId);
      return reply.status(204).send(null);
    },
  });

  app.post('/posts/:postId/duplicate', {
    config: { access: postScope('posts.write') },
    schema: { tags, summary: 'Copy a post into a new draft', params: PostParams, response: { 201: PostDetailSchema, ...errorResponses } },
    handler: async (request, reply) => reply.status(201).send(await posts.duplicate(requireScope(request).organizationId, requireUser(request).id, request.params.postId)),
  });

  app.post('/posts/:postId/schedule', {
    config: { access: postScope('posts.write') },
    schema: { tags, summary: 'Schedule (or reschedule) a post', params: PostParams, body: ScheduleSchema, response: { 200: PostDetailSchema, ...errorResponses } },
    handler: async (request) => scheduling.schedule(requireScope(request).organizationId, requireUser(request).id, request.params.postId, request.body.scheduledAt),
  });

  app.post('/posts/:postId/publish-now', {
    config: { access: postScope('posts.write') },
    schema: { tags, summary: 'Publish a post now', params: PostParams, response: { 200: PostDetailSchema, ...errorResponses } },
    handler: async (request) => scheduling.publishNow(requireScope(request).organizationId, requireUser(request).id, request.params.postId),
  });

  app.post('/posts/:postId/queue', {
    config: { access: postScope('posts.write') },
    schema: { tags, summary: 'Schedule a post in the next free posting slot of its channels', params: PostParams, response: { 200: PostDetailSchema, ...errorResponses } },
    handler: async (request) => scheduling.queue(requireScope(request).organizationId, requireUser(request).id, request.params.postId),
  });

  app.post('/posts/:postId/cancel', {
    config: { access: postScope('posts.write') },
    schema: { tags, summary: 'Stop a scheduled post: back to draft', params: PostParams, response: { 200: PostDetailSchema, ...errorResponses } },
    handler: async (request) => scheduling.cancel(requireScope(request).organizationId, requireUser(request).id, request.params.postId),
  });

  app.post('/posts/:postId/unpublish', {
    config: { access: postScope('posts.write') },
    schema: {
      tags,
      summary: 'Delete a published post from the platforms',
      description:
        'From every channel it was published to, or from `channelIds`. Each channel answers on its own: `deleted`, `unsupported` (the platform has no delete API, e.g. TikTok, or Instagram for most apps) or `failed` with the platform’s message. Removed targets become `deleted`; the post keeps its history.',
      params: PostParams,
      body: z.object({ channelIds: z.array(z.uuid()).min(1).max(50).optional() }).default({}),
      response: {
        200: z.object({
          results: z.array(z.object({ channelId: z.uuid(), outcome: z.enum(['deleted', 'unsupported', 'failed']), message: z.string().nullable() })),
          post: PostDetailSchema,
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const { organizationId } = requireScope(request);
      const results = await unpublish(ctx, organizationId, requireUser(request).id, request.params.postId, request.body.channelIds);
      return { results, post: await posts.get(organizationId, request.params.postId) };
    },
  });
}
