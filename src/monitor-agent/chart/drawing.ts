/** What a chart is made of, before it becomes SVG: a few rectangles, lines and labels. */
export interface TextShape {
  kind: 'text';
  x: number;
  /** Baseline. */
  y: number;
  text: string;
  size: number;
  anchor: 'start' | 'middle' | 'end';
  fill: string;
}

export type Shape = { kind: 'rect'; x: number; y: number; width: number; height: number; fill: string } | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string } | TextShape;

export interface Drawing {
  width: number;
  height: number;
  /** The accessible name (<title>), e.g. "app,domain,host". */
  title: string;
  shapes: Shape[];
}
