// The fairness chart's words, in each language the product speaks (used by the API's chart and `expert-draw fairness`),
// and the words of the command's text report.
// Their shape is the chart's (FairnessChartLabels in src/verify/fairness.ts), checked where the chart is drawn, so
// that the catalogue imports nothing from the verifier.
import type { Lang } from './language.js';

export const FAIRNESS_LABELS: Readonly<Record<Lang, { readonly title: string; readonly expected: string; readonly observed: string; readonly flagged: string }>> = {
  'zh-CN': { title: '专家抽中次数与期望次数', expected: '期望抽中次数（按每次可抽人数计算）', observed: '实际抽中次数', flagged: '异常' },
  en: { title: 'Times drawn against times expected', expected: 'expected selections (from each draw’s eligible count)', observed: 'actual selections', flagged: 'flagged' },
};

/** One expert's line of `expert-draw fairness`'s text report, as the command hands it over. */
interface ExpertLine {
  readonly selected: number;
  readonly expected: string;
  readonly trials: number;
  readonly p: string;
  readonly adjusted: string;
}

/** The text report of `expert-draw fairness` (its --json stays as the tool writes it). */
export const FAIRNESS_REPORT: Readonly<
  Record<
    Lang,
    {
      readonly leftOut: (file: string, why: string) => string;
      readonly doesNotVerify: (checks: string) => string;
      readonly summary: (draws: number, experts: number, alpha: number) => string;
      readonly expert: (e: ExpertLine) => string;
      readonly nothingAssessed: string;
      readonly nobodyFlagged: string;
      readonly flagged: (ids: string) => string;
      readonly incomplete: (leftOut: number, bundles: number) => string;
      readonly chartWritten: (file: string) => string;
    }
  >
> = {
  'zh-CN': {
    leftOut: (file, why) => `未计入：${file}：${why}`,
    doesNotVerify: (checks) => `未通过核验（${checks}）`,
    summary: (draws, experts, alpha) => `已核验的抽取 ${draws} 次，至少一次可被抽取的专家 ${experts} 名；全体合计阈值 ${alpha}（Šidák 校正）`,
    expert: (e) => `抽中 ${e.selected} 次，期望 ${e.expected} 次（可被抽取的组 ${e.trials} 个）；p ${e.p}，校正后 ${e.adjusted}`,
    nothingAssessed: '未作评估：没有证明包通过核验',
    nobodyFlagged: '没有专家的抽中次数超出随机所允许的范围',
    flagged: (ids) => `异常：${ids}`,
    incomplete: (leftOut, bundles) => `不完整：${bundles} 个证明包中 ${leftOut} 个未计入（见上）：以上数字只涵盖通过核验的抽取`,
    chartWritten: (file) => `图表已写入 ${file}`,
  },
  en: {
    leftOut: (file, why) => `left out: ${file}: ${why}`,
    doesNotVerify: (checks) => `does not verify (${checks})`,
    summary: (draws, experts, alpha) => `${draws} verified draws, ${experts} experts eligible at least once; threshold ${alpha} for all of them together (Šidák)`,
    expert: (e) => `selected ${e.selected}, expected ${e.expected} over ${e.trials} eligible groups; p ${e.p}, corrected ${e.adjusted}`,
    nothingAssessed: 'NOTHING ASSESSED: no bundle verified',
    nobodyFlagged: 'nobody is selected more often than chance allows',
    flagged: (ids) => `FLAGGED: ${ids}`,
    incomplete: (leftOut, bundles) => `INCOMPLETE: ${leftOut} of ${bundles} bundles left out (named above): the figures cover only the draws that verified`,
    chartWritten: (file) => `chart written to ${file}`,
  },
};
