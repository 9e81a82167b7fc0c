// The keys of a popup menu, one way for every menu: arrows wrap, Home and End jump, and Esc or
// Tab closes it. The menu's own keys never reach the view's single-letter shortcuts.
export function onMenuKey(
  event: KeyboardEvent,
  items: readonly HTMLElement[],
  close: () => void,
): void {
  event.stopPropagation();
  const at = items.indexOf(document.activeElement as HTMLElement);
  let next: number | undefined;
  if (event.key === 'ArrowDown') next = (at + 1) % items.length;
  else if (event.key === 'ArrowUp') next = (at - 1 + items.length) % items.length;
  else if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = items.length - 1;
  else if (event.key === 'Escape' || event.key === 'Tab') {
    event.preventDefault();
    close();
    return;
  }
  if (next !== undefined) {
    event.preventDefault();
    items[next]?.focus();
  }
}
