import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** Colours from VS Code's theme variables, read when a chart is drawn (and again on a theme change). */
function themeColours(): { fg: string; grid: string; good: string; bad: string; neutral: string; font: string; border: string } {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    fg: v('--vscode-foreground', '#cccccc'),
    grid: v('--vscode-panel-border', 'rgba(128,128,128,0.35)'),
    good: v('--vscode-charts-green', '#89d185'),
    bad: v('--vscode-charts-red', '#f14c4c'),
    neutral: v('--vscode-charts-blue', '#3794ff'),
    font: v('--vscode-font-family', 'sans-serif'),
    border: highContrast ? v('--vscode-contrastBorder', '#6fc3df') : 'transparent',
  };
}

export interface BarChartSpec {
  readonly label: string;
  readonly labels: readonly string[];
  readonly values: readonly number[];
  /** 'good' / 'bad' / 'neutral' per bar. */
  readonly tone: (index: number) => 'good' | 'bad' | 'neutral';
  readonly yMax?: number;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly onClick?: (index: number) => void;
  readonly horizontal?: boolean;
  /** The value axis counts things: whole-number ticks only (no "0.4 mentions"). */
  readonly integer?: boolean;
  /** Tooltip heading of a bar, when the axis label is abbreviated. */
  readonly tooltipTitle?: (index: number) => string;
}

/**
 * A bar chart on a canvas (Chart.js), coloured from the theme. The canvas is one image to assistive technology,
 * so every chart here has a table or button list beside it with the same figures and actions.
 */
export class BarChart {
  readonly element: HTMLElement;
  private chart: Chart<'bar'> | undefined;
  private readonly canvas: HTMLCanvasElement;

  constructor(private readonly spec: BarChartSpec, description: string) {
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', description);
    this.element = document.createElement('div');
    this.element.className = 'chart';
    this.element.appendChild(this.canvas);
  }

  /** Draws (again); call after the element is in the document, and on a theme change. */
  draw(): void {
    this.chart?.destroy();
    const c = themeColours();
    const colours = this.spec.values.map((_, i) => {
      const t = this.spec.tone(i);
      return t === 'good' ? c.good : t === 'bad' ? c.bad : c.neutral;
    });
    const axis = (title: string, max?: number, integer = false) => ({
      ticks: { color: c.fg, font: { family: c.font }, ...(integer ? { precision: 0 } : {}) },
      grid: { color: c.grid },
      title: { display: true, text: title, color: c.fg, font: { family: c.font } },
      ...(max === undefined ? {} : { max, min: 0 }),
    });
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: { labels: [...this.spec.labels], datasets: [{ label: this.spec.label, data: [...this.spec.values], backgroundColor: colours, borderColor: c.border, borderWidth: c.border === 'transparent' ? 0 : 1 }] },
      options: {
        indexAxis: this.spec.horizontal === true ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          tooltip: { enabled: true, callbacks: this.spec.tooltipTitle === undefined ? {} : { title: (items) => (items[0] === undefined ? '' : (this.spec.tooltipTitle?.(items[0].dataIndex) ?? '')) } },
          legend: { display: false },
        },
        scales: this.spec.horizontal === true ? { x: axis(this.spec.yTitle, this.spec.yMax, this.spec.integer), y: axis(this.spec.xTitle) } : { x: axis(this.spec.xTitle), y: axis(this.spec.yTitle, this.spec.yMax, this.spec.integer) },
        onClick: (_event, elements) => {
          const first = elements[0];
          if (first !== undefined) this.spec.onClick?.(first.index);
        },
        onHover: (event, elements) => {
          const target = event.native?.target;
          if (target instanceof HTMLElement) target.style.cursor = elements.length > 0 && this.spec.onClick !== undefined ? 'pointer' : 'default';
        },
      },
    };
    this.chart = new Chart(this.canvas, config);
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}

/** Calls `redraw` when VS Code switches theme (it changes the body's class). */
export function onThemeChange(redraw: () => void): void {
  new MutationObserver(() => redraw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
