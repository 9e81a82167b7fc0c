// Where the app is: the view on screen, and through the Lessons and Lab stores the lesson, its
// variation and the run shown. App-wide, created with the app. A class share publishes this from
// the teacher's page and replays it on the viewers' pages, so it is described by app-level state
// only and never by what a component does inside.
import type { ShareNavigation, ViewId } from '$common/share';
import type { LabStore } from './lab.svelte';
import type { LessonsStore } from './lessons.svelte';

export class Navigation {
  view = $state<ViewId>('overview');

  readonly current = $derived.by((): ShareNavigation => ({
    view: this.view,
    lessonId: this.lessons.selectedId,
    variationId: this.lessons.variation?.id ?? null,
    runId: this.lab.selectedId,
  }));

  constructor(
    private readonly lessons: LessonsStore,
    private readonly lab: LabStore,
  ) {}

  /** Goes where `target` is: its view, lesson, variation and run. */
  go(target: ShareNavigation): void {
    if (target.lessonId !== null) {
      this.lessons.select(target.lessonId);
      if (target.variationId !== null) this.lessons.choose(target.variationId);
    }
    if (target.runId !== null) this.lab.select(target.runId);
    this.view = target.view;
  }

  /** Whether this page shows what `target` describes. */
  isAt(target: ShareNavigation): boolean {
    const here = this.current;
    if (here.view !== target.view) return false;
    if (target.view === 'lessons' && here.lessonId !== target.lessonId) return false;
    if (target.view === 'lessons' && here.variationId !== target.variationId) return false;
    return target.runId === null || here.runId === target.runId;
  }
}
