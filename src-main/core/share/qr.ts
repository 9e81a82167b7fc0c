// The share's address as a QR code, drawn by the page as one SVG path: the renderer may import
// no packages, and a path needs neither innerHTML nor inline styles under the strict CSP.
import QRCode from 'qrcode';
import type { QrCode } from '../../common/share';

/** The blank margin a scanner needs around the code, in modules (the standard asks for 4). */
const QUIET_ZONE = 4;

export function qrCode(text: string): QrCode {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  let path = '';
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (!modules.get(y, x)) {
        x++;
        continue;
      }
      // One rectangle per horizontal run of dark modules keeps the path short.
      const start = x;
      while (x < size && modules.get(y, x)) x++;
      path += `M${start + QUIET_ZONE} ${y + QUIET_ZONE}h${x - start}v1h-${x - start}z`;
    }
  }
  return { size: size + 2 * QUIET_ZONE, path };
}
