import { Menu, type MenuItemConstructorOptions } from 'electron';

export function buildMenu({ isMac }: { isMac: boolean }): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
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
