// The class share: a second listener, on a network interface the teacher picks, through which
// students follow the teacher's Procscope read-only in their own browsers. Pure types and
// constants, free of the validation library so the page may import them (its schemas are in
// share-schemas.ts): core runs the share, the renderer shows the dialog and the viewer's page.
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

/** Where the teacher is: published by the teacher's page, pushed to every viewer. */
export interface ShareNavigation {
  view: ViewId;
  lessonId: string | null;
  variationId: string | null;
  /** The Lab's selected run, which the Lessons screen shows when it is a lesson's. */
  runId: string | null;
}

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

/** Nobody is sharing. */
export function notSharing(systemShared: boolean): ShareStatus {
  return {
    active: false,
    url: null,
    qr: null,
    address: null,
    port: null,
    viewers: 0,
    systemShared,
    startedAt: null,
  };
}

/** Close code a viewer's socket gets when the teacher stops sharing: do not reconnect. */
export const SHARE_ENDED_CLOSE_CODE = 4410;
