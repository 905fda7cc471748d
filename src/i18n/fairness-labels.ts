// The fairness chart's words, in each language the product speaks (used by the API's chart and `expert-draw fairness`).
// Their shape is the chart's (FairnessChartLabels in src/verify/fairness.ts), checked where the chart is drawn, so
// that the catalogue imports nothing from the verifier.
import type { Lang } from './language.js';

export const FAIRNESS_LABELS: Readonly<Record<Lang, { readonly title: string; readonly expected: string; readonly observed: string; readonly flagged: string }>> = {
  'zh-CN': { title: '专家抽中次数与期望次数', expected: '期望抽中次数（按每次可抽人数计算）', observed: '实际抽中次数', flagged: '异常' },
  en: { title: 'Times drawn against times expected', expected: 'expected selections (from each draw’s eligible count)', observed: 'actual selections', flagged: 'flagged' },
};
