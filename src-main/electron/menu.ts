import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  /** Opens the page's Share with Class dialog (the page owns it, as in browser mode). */
  shareWithClass(): void;
}

export function buildMenu({ isMac }: { isMac: boolean }, actions: MenuActions): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Share with Class…', click: () => actions.shareWithClass() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      // Text size is the page's own (Ctrl +/−/0) so it works alike in browser mode; Electron's
      // zoom roles would scale a second time on the same keys.
      submenu: [{ role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
