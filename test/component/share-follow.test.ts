// A student's page and the teacher's navigation: it goes where the teacher goes while "Follow the
// teacher" is on, stays where the student looks while it is off, comes back when it is turned on
// again, and hides the System views unless the teacher shares them.
import type { ShareNavigation } from '$common/share';
import { describe, expect, it } from 'vitest';
import { LabStore } from '../../src-renderer/src/lib/lab.svelte';
import { LessonsStore } from '../../src-renderer/src/lib/lessons.svelte';
import { Navigation } from '../../src-renderer/src/lib/navigation.svelte';
import { FollowStore } from '../../src-renderer/src/lib/share.svelte';
import { lessonsBridge } from './lessons-fixtures';

async function viewerPage() {
  const bridge = lessonsBridge();
  bridge.role = 'viewer';
  const lab = new LabStore(bridge.asBridge());
  const lessons = new LessonsStore(bridge.asBridge(), lab);
  const navigation = new Navigation(lessons, lab);
  const follow = new FollowStore(bridge.asBridge(), navigation);
  await expect.poll(() => lessons.lessons.length).toBe(10);
  const teacherAt = (at: Partial<ShareNavigation>, systemShared = false) =>
    bridge.emit('share.stage', {
      navigation: { view: 'lessons', lessonId: null, variationId: null, runId: null, ...at },
      systemShared,
    });
  return { navigation, lessons, follow, teacherAt };
}

describe('a viewer following the teacher', () => {
  it('goes to the teacher’s lesson and variation as the teacher moves', async () => {
    const { navigation, lessons, follow, teacherAt } = await viewerPage();
    teacherAt({ lessonId: 'join', variationId: 'join' });
    expect(navigation.view).toBe('lessons');
    expect(lessons.selectedId).toBe('join');
    expect(lessons.variation?.id).toBe('join');
    expect(follow.astray).toBe(false);
    teacherAt({ lessonId: 'join', variationId: 'no-join' });
    expect(lessons.variation?.id).toBe('no-join');
  });

  it('stays where the student looks with follow off, and catches up when it is on again', async () => {
    const { navigation, lessons, follow, teacherAt } = await viewerPage();
    teacherAt({ lessonId: 'join', variationId: 'join' });
    // Looking around while following: the page offers the way back, and the teacher's next move
    // takes it there.
    navigation.view = 'lab';
    expect(follow.astray).toBe(true);
    follow.catchUp();
    expect(navigation.view).toBe('lessons');

    follow.setFollowing(false);
    navigation.view = 'lab';
    expect(follow.astray).toBe(false);
    teacherAt({ lessonId: 'gil', variationId: 'threads' });
    expect(navigation.view).toBe('lab');
    expect(lessons.selectedId).toBe('join');

    follow.setFollowing(true);
    expect(navigation.view).toBe('lessons');
    expect(lessons.selectedId).toBe('gil');
    expect(lessons.variation?.id).toBe('threads');
  });

  it('hides the System views until the teacher shares them', async () => {
    const { navigation, follow, teacherAt } = await viewerPage();
    teacherAt({ view: 'system' });
    expect(navigation.view).toBe('system');
    expect(follow.hiddenView).toBe(true);
    teacherAt({ view: 'system' }, true);
    expect(follow.hiddenView).toBe(false);
    teacherAt({ view: 'overview' }, false);
    expect(follow.hiddenView).toBe(true);
  });
});
