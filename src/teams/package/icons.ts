/**
 * The Defuse icons for the Teams app package. Color: 192×192, a calm teal tile with a white
 * speech bubble holding a level line (a conversation brought down to even). Outline: 32×32,
 * the same bubble in white on transparent, as Teams requires of outline icons.
 */
import { encodePng } from './png.ts';

type RGBA = readonly [number, number, number, number];
const TEAL: RGBA = [15, 118, 110, 255];
const WHITE: RGBA = [255, 255, 255, 255];
const CLEAR: RGBA = [0, 0, 0, 0];

/** Inside a rounded rectangle (x0, y0)–(x1, y1) with corner radius r. */
function inRounded(x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** The bubble in a unit square (0–1): body, tail, and the level line cut out of it. */
function bubble(u: number, v: number): 'fill' | 'line' | 'none' {
  const body = inRounded(u, v, 0.18, 0.22, 0.82, 0.66, 0.12);
  // The tail: a triangle below the body's left third.
  const tail = v > 0.64 && v < 0.8 && u > 0.3 && u < 0.42 && u - 0.3 < (0.8 - v) * 0.75;
  if (!body && !tail) return 'none';
  const line = v > 0.42 && v < 0.47 && u > 0.3 && u < 0.7;
  return line ? 'line' : 'fill';
}

export function colorIcon(): Buffer {
  const n = 192;
  return encodePng(n, n, (x, y) => {
    const u = (x + 0.5) / n;
    const v = (y + 0.5) / n;
    const b = bubble(u, v);
    return b === 'fill' ? WHITE : TEAL;
  });
}

export function outlineIcon(): Buffer {
  const n = 32;
  return encodePng(n, n, (x, y) => (bubble((x + 0.5) / n, (y + 0.5) / n) === 'fill' ? WHITE : CLEAR));
}
