// The class share: a second listener, on a network interface the teacher picks, through which
// students follow the teacher's Procscope read-only in their own browsers. Pure types and
// schemas: core runs the share, the renderer shows the dialog and the viewer's page.
import { z } from 'zod';

/**
 * What a viewer of a class share may do with a method of the contract. Every method says:
 * 'read' is served to viewers (with file paths reduced to file names), 'system' only while the
 * teacher shares the System view, 'teacher' never.
 */
export const VIEWER_ACCESS = ['read', 'system', 'teacher'] as const;
export type ViewerAccess = (typeof VIEWER_ACCESS)[number];

/** The app's top-level views, in tab order. */
export const VIEW_IDS = ['overview', 'system', 'lab', 'lessons'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

/** The views that show the teacher's whole machine: shared only when the teacher says so. */
export const SYSTEM_VIEWS: readonly ViewId[] = ['overview', 'system'];

const slug = z.string().min(1).max(64);
const runId = z.string().min(1).max(128);

export const LessonRunRefSchema = z.strictObject({
  runId,
  lessonId: slug,
  variationId: slug,
  stepMode: z.boolean(),
});
/** A run started from the Lessons screen, and the lesson and variation it ran. */
export type LessonRunRef = z.infer<typeof LessonRunRefSchema>;

/** Lesson runs a teacher publishes at most: enough for every variation of every lesson. */
export const MAX_PUBLISHED_LESSON_RUNS = 64;

export const ShareNavigationSchema = z.strictObject({
  view: z.enum(VIEW_IDS),
  lessonId: slug.nullable(),
  variationId: slug.nullable(),
  /** The Lab's selected run, which the Lessons screen shows when it is a lesson's. */
  runId: runId.nullable(),
  lessonRuns: z.array(LessonRunRefSchema).max(MAX_PUBLISHED_LESSON_RUNS),
});
/** Where the teacher is: published by the teacher's page, pushed to every viewer. */
export type ShareNavigation = z.infer<typeof ShareNavigationSchema>;

/** What a viewer's page follows: the teacher's navigation and what is shared. */
export interface ShareStage {
  /** Null until the teacher's page has said where it is. */
  navigation: ShareNavigation | null;
  systemShared: boolean;
}

export interface NetworkChoice {
  /** The OS's name for the interface: "eth0", "en0", "Wi-Fi". */
  name: string;
  address: string;
  family: 'IPv4' | 'IPv6';
  /** Loopback: reachable from this machine only. */
  internal: boolean;
}

export interface QrCode {
  /** Modules per side, quiet zone included. */
  size: number;
  /** SVG path data of the dark modules, one unit per module. */
  path: string;
}

export interface ShareStatus {
  active: boolean;
  /** The address viewers open: it carries the viewer token, never the teacher's. */
  url: string | null;
  qr: QrCode | null;
  address: string | null;
  port: number | null;
  viewers: number;
  systemShared: boolean;
  /** Epoch ms. */
  startedAt: number | null;
}

export const ShareStartSchema = z.strictObject({
  /** One of the addresses share.interfaces listed. */
  address: z.string().min(1).max(64),
  /** 0 or absent: any free port. */
  port: z.number().int().min(0).max(65_535).optional(),
  systemShared: z.boolean().optional(),
});

/** Close code a viewer's socket gets when the teacher stops sharing: do not reconnect. */
export const SHARE_ENDED_CLOSE_CODE = 4410;
