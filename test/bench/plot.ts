/** Renders small line charts as standalone SVG (no browser, no native dependency). */

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface Chart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
}

const W = 420;
const H = 300;
const M = { left: 60, right: 15, top: 30, bottom: 45 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * exp).find((v) => v >= value)!;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function chart(c: Chart, offsetX: number): string {
  const xs = c.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = c.series.flatMap((s) => s.points.map(([, y]) => y));
  const xMax = niceMax(Math.max(...xs));
  const yMax = niceMax(Math.max(...ys));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => offsetX + M.left + (x / xMax) * pw;
  const sy = (y: number) => M.top + ph - (y / yMax) * ph;
  const parts: string[] = [];
  parts.push(`<text x="${offsetX + W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(c.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    parts.push(`<line x1="${sx(0)}" x2="${sx(xMax)}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`);
    parts.push(`<text x="${sx(0) - 6}" y="${sy(y) + 4}" text-anchor="end" font-size="11">${+y.toPrecision(3)}</text>`);
    const x = (xMax * i) / 4;
    parts.push(`<text x="${sx(x)}" y="${sy(0) + 16}" text-anchor="middle" font-size="11">${+x.toPrecision(3)}</text>`);
  }
  parts.push(`<line x1="${sx(0)}" x2="${sx(xMax)}" y1="${sy(0)}" y2="${sy(0)}" stroke="#333"/>`);
  parts.push(`<line x1="${sx(0)}" x2="${sx(0)}" y1="${sy(0)}" y2="${sy(yMax)}" stroke="#333"/>`);
  parts.push(`<text x="${offsetX + M.left + pw / 2}" y="${H - 8}" text-anchor="middle" font-size="12">${esc(c.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(${offsetX + 14},${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(c.yLabel)}</text>`,
  );
  c.series.forEach((s, i) => {
    const d = s.points.map(([x, y], j) => `${j ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [x, y] of s.points) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    parts.push(`<rect x="${offsetX + M.left + 10}" y="${M.top + 6 + i * 16}" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${offsetX + M.left + 25}" y="${M.top + 15 + i * 16}" font-size="11">${esc(s.label)}</text>`);
  });
  return parts.join("\n");
}

/** Charts side by side in one SVG document. */
export function renderSvg(charts: readonly Chart[]): string {
  const body = charts.map((c, i) => chart(c, i * W)).join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W * charts.length}" height="${H}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}
