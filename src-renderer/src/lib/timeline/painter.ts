// The few drawing operations the Timeline needs, behind one interface with two implementations:
// a canvas for the screen and the PNG export, and an SVG string for the SVG export. The scene is
// painted by one function (draw.ts) either way, so the two exports cannot drift apart.

export interface ShapeStyle {
  fill?: string;
  stroke?: string;
  lineWidth?: number;
  dash?: readonly number[];
  /** Opacity of the fill (strokes stay opaque, so outlines read on any background). */
  fillAlpha?: number;
  /** Fill with diagonal stripes of this colour instead of (or over) the fill. */
  hatch?: string;
}

export interface TextStyle {
  size: number;
  color: string;
  weight?: 400 | 600 | 700;
  align?: 'left' | 'center' | 'right';
  italic?: boolean;
}

export interface Painter {
  rect(x: number, y: number, w: number, h: number, style: ShapeStyle): void;
  /** A polyline through x0,y0,x1,y1,…; closed and filled when `close` is set. */
  poly(points: readonly number[], style: ShapeStyle, close?: boolean): void;
  /** Separate straight segments x0,y0,x1,y1 per four numbers, stroked as one batch. */
  segments(coords: readonly number[], style: ShapeStyle): void;
  circle(cx: number, cy: number, r: number, style: ShapeStyle): void;
  /** Text with its vertical middle at y. */
  text(value: string, x: number, y: number, style: TextStyle): void;
  measure(value: string, style: TextStyle): number;
  /** Run `draw` with everything outside the rectangle masked off. */
  clipped(x: number, y: number, w: number, h: number, draw: () => void): void;
}

function font(style: TextStyle, family: string): string {
  return `${style.italic ? 'italic ' : ''}${style.weight ?? 400} ${style.size}px ${family}`;
}

// ---------------------------------------------------------------------------------------------

export class CanvasPainter implements Painter {
  private patterns = new Map<string, CanvasPattern | null>();
  private widths = new Map<string, number>();
  private currentFont = '';

  constructor(
    private readonly context: CanvasRenderingContext2D,
    private readonly family: string,
  ) {}

  private shape(style: ShapeStyle, build: () => void): void {
    const c = this.context;
    c.beginPath();
    build();
    if (style.fill) {
      c.globalAlpha = style.fillAlpha ?? 1;
      c.fillStyle = style.fill;
      c.fill();
      c.globalAlpha = 1;
    }
    if (style.hatch) {
      const pattern = this.hatch(style.hatch);
      if (pattern) {
        c.fillStyle = pattern;
        c.fill();
      }
    }
    if (style.stroke) {
      c.strokeStyle = style.stroke;
      c.lineWidth = style.lineWidth ?? 1;
      c.setLineDash(style.dash ?? []);
      c.stroke();
    }
  }

  /** Stripes drawn once per colour into a tile; the pattern repeats it across the shape. */
  private hatch(color: string): CanvasPattern | null {
    if (this.patterns.has(color)) return this.patterns.get(color) ?? null;
    const tile = document.createElement('canvas');
    tile.width = tile.height = 8;
    const t = tile.getContext('2d');
    let pattern: CanvasPattern | null = null;
    if (t) {
      // Half-strength stripes: a label written over them must stay readable.
      t.globalAlpha = 0.5;
      t.strokeStyle = color;
      t.lineWidth = 1.5;
      t.beginPath();
      // Two segments so the stripe continues across tile edges without a seam.
      t.moveTo(-2, 2);
      t.lineTo(2, -2);
      t.moveTo(0, 8);
      t.lineTo(8, 0);
      t.moveTo(6, 10);
      t.lineTo(10, 6);
      t.stroke();
      pattern = this.context.createPattern(tile, 'repeat');
    }
    this.patterns.set(color, pattern);
    return pattern;
  }

  rect(x: number, y: number, w: number, h: number, style: ShapeStyle): void {
    this.shape(style, () => this.context.rect(x, y, w, h));
  }

  poly(points: readonly number[], style: ShapeStyle, close = false): void {
    this.shape(style, () => {
      for (let i = 0; i + 1 < points.length; i += 2) {
        if (i === 0) this.context.moveTo(points[0] ?? 0, points[1] ?? 0);
        else this.context.lineTo(points[i] ?? 0, points[i + 1] ?? 0);
      }
      if (close) this.context.closePath();
    });
  }

  segments(coords: readonly number[], style: ShapeStyle): void {
    this.shape(style, () => {
      for (let i = 0; i + 3 < coords.length; i += 4) {
        this.context.moveTo(coords[i] ?? 0, coords[i + 1] ?? 0);
        this.context.lineTo(coords[i + 2] ?? 0, coords[i + 3] ?? 0);
      }
    });
  }

  circle(cx: number, cy: number, r: number, style: ShapeStyle): void {
    this.shape(style, () => this.context.arc(cx, cy, r, 0, Math.PI * 2));
  }

  private setFont(style: TextStyle): void {
    const value = font(style, this.family);
    // Assigning ctx.font parses the string every time; most consecutive texts share one font.
    if (value !== this.currentFont) {
      this.context.font = value;
      this.currentFont = value;
    }
  }

  text(value: string, x: number, y: number, style: TextStyle): void {
    const c = this.context;
    this.setFont(style);
    c.fillStyle = style.color;
    c.textAlign = style.align ?? 'left';
    c.textBaseline = 'middle';
    c.fillText(value, x, y);
  }

  measure(value: string, style: TextStyle): number {
    const key = `${style.size}|${style.weight ?? 400}|${style.italic ? 1 : 0}|${value}`;
    let width = this.widths.get(key);
    if (width === undefined) {
      this.setFont(style);
      width = this.context.measureText(value).width;
      // Labels repeat frame after frame; the cap only guards against unbounded output text.
      if (this.widths.size > 5000) this.widths.clear();
      this.widths.set(key, width);
    }
    return width;
  }

  clipped(x: number, y: number, w: number, h: number, draw: () => void): void {
    const c = this.context;
    c.save();
    c.beginPath();
    c.rect(x, y, w, h);
    c.clip();
    draw();
    c.restore();
    // restore() brings back the font of the save() point: forget what we believe is set.
    this.currentFont = '';
  }
}

// ---------------------------------------------------------------------------------------------

const escapeXml = (value: string): string =>
  value.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

const n = (value: number): string => (Math.round(value * 100) / 100).toString();

/** Builds a standalone SVG document: colours are resolved values, not CSS variables. */
export class SvgPainter implements Painter {
  private body: string[] = [];
  private defs: string[] = [];
  private hatches = new Map<string, string>();
  private clips = 0;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly family: string,
    /** Text widths come from the screen's font metrics, so labels are laid out alike. */
    private readonly measurer: (value: string, style: TextStyle) => number,
  ) {}

  private attrs(style: ShapeStyle): string {
    const parts: string[] = [];
    parts.push(`fill="${style.fill ?? 'none'}"`);
    if (style.fill && style.fillAlpha !== undefined)
      parts.push(`fill-opacity="${style.fillAlpha}"`);
    if (style.stroke) {
      parts.push(`stroke="${style.stroke}" stroke-width="${style.lineWidth ?? 1}"`);
      if (style.dash?.length) parts.push(`stroke-dasharray="${style.dash.join(' ')}"`);
    }
    return parts.join(' ');
  }

  /** A hatched shape is the shape twice: once as styled, once filled with the stripes. */
  private emit(element: string, geometry: string, style: ShapeStyle): void {
    this.body.push(`<${element} ${geometry} ${this.attrs(style)}/>`);
    if (style.hatch)
      this.body.push(`<${element} ${geometry} fill="url(#${this.hatch(style.hatch)})"/>`);
  }

  private hatch(color: string): string {
    let id = this.hatches.get(color);
    if (!id) {
      id = `hatch${this.hatches.size}`;
      this.hatches.set(color, id);
      this.defs.push(
        `<pattern id="${id}" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
          `<rect width="1.5" height="8" fill="${color}" fill-opacity="0.5"/></pattern>`,
      );
    }
    return id;
  }

  rect(x: number, y: number, w: number, h: number, style: ShapeStyle): void {
    this.emit('rect', `x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}"`, style);
  }

  poly(points: readonly number[], style: ShapeStyle, close = false): void {
    const list: string[] = [];
    for (let i = 0; i + 1 < points.length; i += 2)
      list.push(`${n(points[i] ?? 0)},${n(points[i + 1] ?? 0)}`);
    this.emit(close ? 'polygon' : 'polyline', `points="${list.join(' ')}"`, style);
  }

  segments(coords: readonly number[], style: ShapeStyle): void {
    let d = '';
    for (let i = 0; i + 3 < coords.length; i += 4)
      d += `M${n(coords[i] ?? 0)} ${n(coords[i + 1] ?? 0)}L${n(coords[i + 2] ?? 0)} ${n(coords[i + 3] ?? 0)}`;
    if (d) this.emit('path', `d="${d}"`, style);
  }

  circle(cx: number, cy: number, r: number, style: ShapeStyle): void {
    this.emit('circle', `cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}"`, style);
  }

  text(value: string, x: number, y: number, style: TextStyle): void {
    const anchor = { left: 'start', center: 'middle', right: 'end' }[style.align ?? 'left'];
    this.body.push(
      `<text x="${n(x)}" y="${n(y)}" dominant-baseline="central" text-anchor="${anchor}" ` +
        `font-size="${style.size}" font-weight="${style.weight ?? 400}"` +
        `${style.italic ? ' font-style="italic"' : ''} fill="${style.color}">${escapeXml(value)}</text>`,
    );
  }

  measure(value: string, style: TextStyle): number {
    return this.measurer(value, style);
  }

  clipped(x: number, y: number, w: number, h: number, draw: () => void): void {
    const id = `clip${this.clips++}`;
    this.defs.push(
      `<clipPath id="${id}"><rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}"/></clipPath>`,
    );
    this.body.push(`<g clip-path="url(#${id})">`);
    draw();
    this.body.push('</g>');
  }

  toString(): string {
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" ` +
      `viewBox="0 0 ${this.width} ${this.height}" font-family="${escapeXml(this.family)}">\n` +
      `<defs>${this.defs.join('')}</defs>\n${this.body.join('\n')}\n</svg>\n`
    );
  }
}
