// The class share's requests as the transport validates them (see share.ts for the types).
import { z } from 'zod';
import { VIEW_IDS, type ShareNavigation } from './share';

const slug = z.string().min(1).max(64);

export const ShareNavigationSchema = z.strictObject({
  view: z.enum(VIEW_IDS),
  lessonId: slug.nullable(),
  variationId: slug.nullable(),
  runId: z.string().min(1).max(128).nullable(),
}) satisfies z.ZodType<ShareNavigation>;

export const ShareStartSchema = z.strictObject({
  /** One of the addresses share.interfaces listed. */
  address: z.string().min(1).max(64),
  /** 0 or absent: any free port. */
  port: z.number().int().min(0).max(65_535).optional(),
  systemShared: z.boolean().optional(),
});
