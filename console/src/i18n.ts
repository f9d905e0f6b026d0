// Chinese first, English available: every text is written as a pair beside
// where it is used, and the reader's choice is kept in this browser.
export type Lang = 'zh' | 'en';

const KEY = 'hmb.lang';
let current: Lang = (() => {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
})();

export const lang = (): Lang => current;

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    /* private mode: the choice lasts this page */
  }
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

/** The text in the reader's language. */
export const L = (zh: string, en: string): string => (current === 'zh' ? zh : en);

type Labels = Record<string, [string, string]>;

/** A code's label in the reader's language; an unknown code is shown as itself. */
export function label(labels: Labels, code: string): string {
  const pair = labels[code];
  return pair ? L(pair[0], pair[1]) : code;
}

export const ROLES: Labels = {
  public: ['公众', 'Public'],
  bureau: ['医保局', 'Bureau'],
  insurer: ['保险公司', 'Insurer'],
  sponsor: ['捐助方', 'Sponsor'],
};

export const WINDOW_STATES: Labels = { scheduled: ['未开始', 'not yet open'], open: ['开放中', 'open'], closed: ['已关闭', 'closed'] };
export const WINDOW_ACTIONS: Labels = { open: ['开启', 'opened'], close: ['关闭', 'closed'], extend: ['延长', 'extended'] };

export const RELIEF_GROUPS: Labels = {
  dibao: ['低保', 'subsistence allowance'],
  tekun: ['特困', 'extreme hardship'],
  orphan: ['孤儿', 'orphans'],
  'poverty-alleviated': ['脱贫人口', 'lifted from poverty'],
  monitored: ['监测对象', 'monitored households'],
  disabled: ['残疾人', 'disabled people'],
  'hardship-worker': ['困难职工', 'workers in hardship'],
  'five-elders': ['"五老"', 'the "five elders"'],
  elderly: ['老年人', 'the elderly'],
  'chronic-patient': ['慢性病患者', 'chronic patients'],
  'special-disease-family': ['特殊疾病家庭', 'families with special diseases'],
  'low-income': ['低收入人口', 'low-income people'],
};

export const PAYER_KINDS: Labels = {
  charity: ['慈善组织', 'charity'],
  government: ['政府', 'government'],
  employer: ['用人单位', 'employer'],
  union: ['工会', 'union'],
  collective: ['集体', 'collective'],
  individual: ['个人', 'individual'],
  'red-cross': ['红十字会', 'Red Cross'],
  'mass-organisation': ['群团组织', 'mass organisation'],
};

export const APPROVAL_STEPS: Labels = {
  'civil-affairs-submits': ['民政部门提交名单', 'civil affairs submits the list'],
  'lead-insurer-confirms': ['主承保公司核对', 'the lead insurer confirms'],
  'finance-pays': ['财政部门付款', 'finance pays'],
};

export const ORDER_STATUS: Labels = {
  quoting: ['报价中', 'quoting'],
  quoted: ['已报价', 'quoted'],
  paid: ['已付款，投保中', 'paid, enrolling'],
  fulfilled: ['已完成', 'fulfilled'],
};

export const CONTRIBUTIONS: Labels = { full: ['全额资助', 'in full'], 'fixed-amount': ['定额资助', 'a fixed amount each'] };

export const CLAIM_STATUS: Labels = { applied: ['有效', 'applied'], reversed: ['已撤销', 'reversed'] };

export const STATEMENT_KINDS: Labels = { claim: ['理算', 'claim'], reversal: ['撤销', 'reversal'], correction: ['更正', 'correction'] };
