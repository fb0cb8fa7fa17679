import type { Page } from 'playwright-core';

export interface LowContrast {
  text: string;
  ratio: number;
  color: string;
  background: string;
}

/**
 * WCAG contrast of every visible element's own text against what is behind it: the nearest ancestor's
 * opaque background colour, or for a gradient the worse of the stops it names (`--button-from/to` on
 * our buttons). Returns the texts under `min` (4.5:1, AA for body text).
 */
export function lowContrastTexts(page: Page, min = 4.5): Promise<LowContrast[]> {
  return page.evaluate((minimum) => {
    const parse = (c: string) => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/.exec(c);
      return m
        ? { rgb: [Number(m[1]), Number(m[2]), Number(m[3])], a: m[4] === undefined ? 1 : Number(m[4]) }
        : null;
    };
    const hex = (h: string) => {
      const v = h.trim().replace('#', '');
      return [0, 2, 4].map((i) => Number.parseInt(v.slice(i, i + 2), 16));
    };
    const lum = (rgb: number[]) => {
      const [r, g, b] = rgb.map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const ratio = (a: number[], b: number[]) => {
      const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    };
    const backgroundsOf = (el: Element): number[][] => {
      for (let node: Element | null = el; node; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (style.backgroundImage.includes('gradient')) {
          const from = style.getPropertyValue('--button-from');
          const to = style.getPropertyValue('--button-to');
          if (from && to) return [hex(from), hex(to)];
        }
        const bg = parse(style.backgroundColor);
        if (bg && bg.a >= 0.99) return [bg.rgb];
      }
      return [[255, 255, 255]];
    };
    const low: { text: string; ratio: number; color: string; background: string }[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent?.trim());
      const html = el as HTMLElement;
      if (!own || !html.offsetParent || el.closest('altcha-widget')) continue;
      const color = parse(getComputedStyle(el).color);
      if (!color) continue;
      for (const bg of backgroundsOf(el)) {
        const r = ratio(color.rgb, bg);
        if (r < minimum)
          low.push({
            text: (html.textContent ?? '').slice(0, 40),
            ratio: Math.round(r * 100) / 100,
            color: color.rgb.join(','),
            background: bg.join(','),
          });
      }
    }
    return low;
  }, min);
}
