// What a student at the back of the room can see, checked in the page: no text cut off or
// spilling out of its box.
import type { Page } from 'playwright-core';

/**
 * Elements whose content does not fit their box, described for a failure message. Deliberate
 * scroll containers (overflow auto or scroll) may hold more than they show; everything else
 * must fit, across (a clipped chip, a cut-off line) and, where it clips, down.
 */
export function clippedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const scrolls = (value: string) => value === 'auto' || value === 'scroll';
    const clips = (value: string) => value === 'hidden' || value === 'clip';
    const found: string[] = [];
    for (const element of document.body.querySelectorAll<HTMLElement>('*')) {
      if (!(element instanceof HTMLElement)) continue;
      // Form controls draw their own insides; a visually hidden label is 1 px on purpose.
      if (element.matches('select, option, input, textarea, canvas, dialog:not([open])')) continue;
      if (element.closest('.visually-hidden, [hidden]')) continue;
      const style = getComputedStyle(element);
      if (style.display === 'inline' || style.display === 'none' || style.display === 'contents')
        continue;
      if (style.visibility === 'hidden' || element.getClientRects().length === 0) continue;
      const across = element.scrollWidth > element.clientWidth + 1 && !scrolls(style.overflowX);
      const down =
        element.scrollHeight > element.clientHeight + 1 &&
        clips(style.overflowY) &&
        !scrolls(style.overflowY);
      if (!across && !down) continue;
      const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 80);
      const name = `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).trim().split(/\s+/).join('.')}` : ''}`;
      found.push(
        `${name} ${across ? `${element.scrollWidth}>${element.clientWidth} wide` : `${element.scrollHeight}>${element.clientHeight} tall`}: "${text}"`,
      );
    }
    return found;
  });
}
