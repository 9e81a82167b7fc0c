// Theme colours for canvas drawing, read from the CSS custom properties of the root once per
// theme rather than on every draw: getComputedStyle on a DOM that has just changed forces a style
// recalculation, and dozens of sparklines each asking for it every tick add up.
const cache = new Map<string, string>();
let watching = false;

function watchTheme(): void {
  watching = true;
  const forget = () => cache.clear();
  // The OS switching light/dark, and classroom mode (a class on the root) both restyle.
  window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', forget);
  new MutationObserver(forget).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['class', 'style'],
  });
}

/** The value of a custom property such as `--accent` on the root, or `fallback` if unset. */
export function themeColour(property: string, fallback: string): string {
  if (!watching) watchTheme();
  let colour = cache.get(property);
  if (colour === undefined) {
    colour = getComputedStyle(document.documentElement).getPropertyValue(property).trim();
    colour ||= fallback;
    cache.set(property, colour);
  }
  return colour;
}
