// The class share in the page. The teacher's side (ShareStore): the Share dialog's state, the
// share's status as the backend announces it, and publishing where the teacher is. The viewer's
// side (FollowStore): where the teacher is and what is shared, and following it — or not, when
// the student turns "follow" off to look around on their own.
import type { NetworkChoice, ShareNavigation, ShareStage, ShareStatus } from '$common/share';
import { notSharing, SYSTEM_VIEWS } from '$common/share';
import type { Bridge } from './bridge.svelte';
import type { Navigation } from './navigation.svelte';

/** Navigation settles (a key held on the lesson list) before it is published. */
const PUBLISH_DELAY_MS = 60;

export class ShareStore {
  status = $state.raw<ShareStatus>(notSharing(false));
  dialogOpen = $state(false);
  interfaces = $state.raw<NetworkChoice[] | null>(null);
  /** The address chosen in the dialog. */
  address = $state<string | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);

  private published = '';
  private publishTimer: ReturnType<typeof setTimeout> | null = null;
  private pending: ShareNavigation | null = null;

  constructor(private readonly bridge: Bridge) {
    bridge.on('share.status', (status) => (this.status = status));
    bridge.on('app.menu', ({ command }) => {
      if (command === 'share') void this.open();
    });
    bridge.onConnected(() => {
      if (bridge.role !== 'teacher') return;
      // Published again on every connection: a restarted backend has forgotten.
      this.published = '';
      if (this.pending) this.publish(this.pending);
      void this.bridge.call('share.status', {}).then(
        (status) => (this.status = status),
        () => undefined,
      );
    });
  }

  async open(): Promise<void> {
    this.dialogOpen = true;
    this.error = null;
    try {
      const interfaces = await this.bridge.call('share.interfaces', {});
      this.interfaces = interfaces;
      if (!interfaces.some((choice) => choice.address === this.address))
        this.address = interfaces[0]?.address ?? null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  close(): void {
    this.dialogOpen = false;
  }

  async start(): Promise<void> {
    if (this.address === null || this.busy) return;
    await this.act(() =>
      this.bridge.call('share.start', {
        address: this.address ?? '',
        systemShared: this.status.systemShared,
      }),
    );
  }

  stop(): Promise<void> {
    return this.act(() => this.bridge.call('share.stop', {}));
  }

  setSystemShared(shared: boolean): Promise<void> {
    return this.act(() => this.bridge.call('share.setSystemShared', { shared }));
  }

  /** Says where the teacher is, once it has settled; the same place twice is said once. */
  publish(navigation: ShareNavigation): void {
    this.pending = navigation;
    if (this.publishTimer !== null) clearTimeout(this.publishTimer);
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      const text = JSON.stringify(navigation);
      if (text === this.published || this.bridge.state !== 'open') return;
      this.published = text;
      this.bridge.call('share.publish', navigation).catch(() => (this.published = ''));
    }, PUBLISH_DELAY_MS);
  }

  private async act(call: () => Promise<ShareStatus>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      this.status = await call();
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = false;
    }
  }
}

export class FollowStore {
  stage = $state.raw<ShareStage>({ navigation: null, systemShared: false });
  /** Whether this page goes where the teacher goes. */
  following = $state(true);

  /** Following, but looking elsewhere right now (the student clicked around). */
  readonly astray = $derived.by(() => {
    const target = this.stage.navigation;
    return this.following && target !== null && !this.navigation.isAt(target);
  });

  /** The teacher's whole machine is on a view that is not shared. */
  readonly hiddenView = $derived.by(
    () => !this.stage.systemShared && SYSTEM_VIEWS.includes(this.navigation.view),
  );

  constructor(
    private readonly bridge: Bridge,
    private readonly navigation: Navigation,
  ) {
    bridge.on('share.stage', (stage) => this.receive(stage));
    bridge.onConnected(() => {
      if (bridge.role !== 'viewer') return;
      void this.bridge.call('share.stage', {}).then(
        (stage) => this.receive(stage),
        () => undefined,
      );
    });
  }

  setFollowing(on: boolean): void {
    this.following = on;
    if (on) this.catchUp();
  }

  /** Back to where the teacher is. */
  catchUp(): void {
    if (this.stage.navigation) this.navigation.go(this.stage.navigation);
  }

  private receive(stage: ShareStage): void {
    this.stage = stage;
    if (this.following) this.catchUp();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
