// A run's log from the backend, a page at a time: lab.events answers in pages (see RunLog), so a
// long log arrives as several replies and the views can take each one as it comes.
import type { RunLog } from '$common/contract';
import type { Bridge } from './bridge.svelte';

/**
 * Fetches the log after `sinceSeq` page by page, handing each to `onPage`; stops early when
 * `onPage` returns false (the user looked elsewhere). Resolves with the summary of the last page.
 */
export async function fetchRunLog(
  bridge: Bridge,
  runId: string,
  sinceSeq: number | undefined,
  onPage: (page: RunLog) => boolean,
): Promise<RunLog['summary'] | null> {
  let after = sinceSeq;
  for (;;) {
    const page = await bridge.call(
      'lab.events',
      after === undefined ? { runId } : { runId, sinceSeq: after },
    );
    if (!onPage(page)) return null;
    const last = page.events.at(-1);
    if (!page.more || !last) return page.summary;
    after = last.seq;
  }
}
