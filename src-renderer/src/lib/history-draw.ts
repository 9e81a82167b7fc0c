// One way to draw a history on canvas, for the table's sparklines and the bigger graphs of the
// header and the details: a line over a faint fill, newest at the right edge. The scale grows
// past `max` only when a value exceeds it (a process busy on two cores reads 200%), so a line
// never silently clips.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One history of a graph with several (HistoryLanes). */
export interface Lane {
  values: readonly number[];
  /** The top of the lane's scale; grows to the largest value if one exceeds it. */
  max: number;
  /** A colour custom property of the theme, e.g. `--accent`. */
  colour: string;
}

/** Sets the canvas's backing size for the device's pixel ratio and returns a cleared context. */
export function prepareCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): CanvasRenderingContext2D | null {
  const context = canvas.getContext('2d');
  if (!context) return null;
  const ratio = window.devicePixelRatio || 1;
  const w = Math.round(width * ratio);
  const h = Math.round(height * ratio);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return context;
}

/**
 * Draws the last `capacity` values into `box`. Returns false, drawing nothing, when every value
 * is 0: hundreds of flat lines in a table are only noise.
 */
export function drawHistory(
  context: CanvasRenderingContext2D,
  values: readonly number[],
  box: Box,
  options: { max: number; capacity: number; colour: string },
): boolean {
  const { capacity, colour } = options;
  const shown = values.length > capacity ? values.slice(-capacity) : values;
  let top = options.max;
  let any = false;
  for (const value of shown) {
    if (value > top) top = value;
    if (value > 0) any = true;
  }
  if (!any) return false;
  const step = box.width / Math.max(1, capacity - 1);
  const left = box.x + box.width - (shown.length - 1) * step;
  const bottom = box.y + box.height;
  const y = (value: number) => bottom - 0.75 - (Math.max(0, value) / top) * (box.height - 1.5);
  context.beginPath();
  for (let i = 0; i < shown.length; i++) {
    const x = left + i * step;
    if (i === 0) context.moveTo(x, y(shown[i] ?? 0));
    else context.lineTo(x, y(shown[i] ?? 0));
  }
  context.strokeStyle = colour;
  context.lineWidth = 1;
  context.lineJoin = 'round';
  context.stroke();
  context.lineTo(box.x + box.width, bottom);
  context.lineTo(left, bottom);
  context.closePath();
  context.globalAlpha = 0.18;
  context.fillStyle = colour;
  context.fill();
  context.globalAlpha = 1;
  return true;
}
