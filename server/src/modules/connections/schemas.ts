import { z } from 'zod';
import { PLATFORMS } from '../../integrations/social/provider.js';

export const PlatformParam = z.object({ workspaceId: z.uuid({ message: 'workspaceId must be a UUID' }), platform: z.string().min(1).max(40) });

export const ConnectStartSchema = z
  .object({
    id: z.uuid().describe('The connection attempt; the dashboard follows it at /connections/{id}'),
    authorizeUrl: z.url().describe("Send the user's browser here to grant access"),
    expiresAt: z.date().describe('Consent must come back before this (10 minutes)'),
  })
  .meta({ id: 'ConnectStart' });

export const ConnectionSchema = z
  .object({
    id: z.uuid(),
    workspaceId: z.uuid(),
    platform: z.enum(PLATFORMS),
    status: z.enum(['pending', 'exchanging', 'authorized', 'completed', 'failed']),
    error: z.string().nullable().describe('What went wrong, in words for the user (consent refused, expired, platform error)'),
    expiresAt: z.date(),
    accounts: z.array(
      z.object({
        externalId: z.string(),
        name: z.string(),
        username: z.string().nullable(),
        avatarUrl: z.string().nullable(),
        kind: z.string(),
        channelId: z.uuid().nullable().describe('Set when this account already is a channel here: choosing it reconnects that channel'),
        channelStatus: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'Connection' });

export const ConnectCompleteSchema = z.object({
  externalIds: z.array(z.string().min(1).max(200)).min(1, 'Choose at least one account').max(50),
});

export const CallbackQuerySchema = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});

export const PlatformListSchema = z
  .object({
    items: z.array(z.object({ platform: z.enum(PLATFORMS), displayName: z.string(), connectable: z.boolean(), reason: z.string().nullable() })),
  })
  .meta({ id: 'PlatformList' });
