// The benefit table must show the numbers of the Chinese source documents
// (docs/rulings.md), in the source's units: 万元, 元, percentages.
import { Decimal } from 'decimal.js';
import { describe, expect, test } from 'vitest';
import { defaultPlansDir, loadPlans, type LoadedPlan } from '../../functions/core/plan/loader.ts';
import { displayWidth, formatPercent, formatPoints, formatWan } from '../../functions/core/plan/format.ts';
import { formatSchedule, renderBenefitTable } from '../../functions/core/plan/table.ts';

const { plans } = loadPlans(defaultPlansDir());
const table = (id: string): string => renderBenefitTable(plans.get(id) as LoadedPlan);

/** The values of every row with this label, in order (one per benefit for benefit rows). */
function column(text: string, label: string): string[] {
  return text.split('\n').flatMap((line) => {
    const m = /^ {2}(\S+) {2,}(.*)$/.exec(line);
    return m && m[1] === label ? [m[2]] : [];
  });
}

describe('formatWan', () => {
  test.each([
    ['12000', '1.2万元'],
    ['2000000', '200万元'],
    ['4500', '0.45万元'],
    ['0', '0'],
    ['0.00', '0'],
    ['69', '69元'],
    ['69.00', '69元'],
    ['99.5', '99.5元'],
    ['8000', '0.8万元'],
    ['1000', '0.1万元'],
    ['999.99', '999.99元'],
    ['12345.67', '1.234567万元'],
    ['3000000', '300万元'],
  ])('%s → %s', (amount, printed) => {
    expect(formatWan(amount)).toBe(printed);
  });

  test('takes a Decimal and stays exact where floats would not', () => {
    expect(formatWan(new Decimal('0.1').plus('0.2').times(100000))).toBe('3万元');
    expect(formatWan('1234567890123.45')).toBe('123456789.012345万元');
  });
});

describe('ratios', () => {
  test('percentages and points', () => {
    expect(formatPercent('0.8')).toBe('80%');
    expect(formatPercent('1')).toBe('100%');
    expect(formatPercent('0.07')).toBe('7%');
    expect(formatPercent('0.125')).toBe('12.5%');
    expect(formatPoints('0.05')).toBe('5个百分点');
  });

  test('bands read as the source prints them', () => {
    expect(formatSchedule({ bands: [{ upTo: '20000', ratio: '0.3' }, { upTo: '50000', ratio: '0.4' }, { ratio: '0.5' }] })).toBe(
      '累计2万元(含)以下部分 30%; 2万–5万元(含) 40%; 5万元以上 50%',
    );
    expect(formatSchedule({ flat: '0.8' })).toBe('80%');
  });
});

describe('benefit tables of the seed plans', () => {
  test('文山惠民保 2023', () => {
    const t = table('wenshan-2023');
    expect(column(t, '保费/档次')).toEqual(['标准版 69元/人/年: 责任(1)(2)(3)']);
    expect(column(t, '投保时间')).toEqual(['2023-07-03 00:00 – 2023-08-31 24:00']);
    expect(column(t, '保障时间')).toEqual(['2023-09-01 – 2024-08-31']);
    expect(column(t, '免赔额')).toEqual(['1.2万元 (年度累计)', '0 (年度累计)', '1.2万元 (年度累计)']);
    expect(column(t, '赔付比例')).toEqual(['80%', '80%', '20%']);
    expect(column(t, '保额')).toEqual(['200万元', '200万元', '100万元']);
    // Ruling 5: only the listed drugs treating a tumour are excluded for a pre-existing tumour.
    expect(column(t, '既往症(整人)')[0]).toMatch(/^除外 \(仅限治疗所列疾病的药品\); 目录: 《恶性肿瘤/);
    expect(column(t, '共用保额')).toEqual(['责任(1)+(2)共用 200万元 [in-catalog-and-drugs]']);
    expect(column(t, '年度累计总限额')).toEqual(['300万元']);
    expect(column(t, '保障范围')[2]).toBe('全自费、超限价自费');
  });

  test('三明普惠医联保 2024', () => {
    const t = table('sanming-2024');
    expect(column(t, '保费/档次')).toEqual(['标准版 150元/人/年: 责任(1)(2)(3)(4)(5)']);
    expect(column(t, '免赔额')).toEqual(['0.5万元 (年度累计)', '2万元 (年度累计)', '0.5万元 (年度累计)', '2万元 (年度累计)', '2万元 (年度累计)']);
    expect(column(t, '赔付比例')).toEqual(['100%', '70%', '70%', '按药品类别: A类 70%, B类 50%, C类 30%', '50%']);
    expect(column(t, '保额')).toEqual(['150万元', '150万元', '3万元', '100万元', '50万元']);
    const pre = column(t, '既往症(整人)');
    expect(pre[0]).toMatch(/^50%; 救助对象 100%; /);
    expect(pre[1]).toMatch(/^30%; 救助对象 80%; /);
    expect(pre[2]).toMatch(/^除外; /);
    expect(pre[3]).toMatch(/^按类别比例, 限额0\.45万元; /);
    expect(column(t, '既往症(药品适应症)')[0]).toMatch(/^除外; /);
    expect(column(t, '就医条件')[0]).toBe('统筹区内; 二级及以上公立医院; C-DRG收付费改革医院; 限普通部');
    expect(column(t, '个人自付封顶')).toEqual(['统筹区内: 全市参保率达20% 封顶12万元; 全市参保率达30% 封顶10万元']);
  });

  test('江西卫惠保 第三轮', () => {
    const t = table('jiangxi-2023');
    const normal = '累计10万元(含)以下部分 30%; 10万–20万元(含) 50%; 20万–30万元(含) 70%; 30万元以上 80%';
    expect(column(t, '保费/档次')).toEqual(['标准版 120元/人/年: 责任(1)(2)']);
    expect(column(t, '免赔额')).toEqual(['1.5万元 (年度累计)', '2.5万元 (年度累计)']);
    expect(column(t, '赔付比例')).toEqual([normal, normal]);
    expect(column(t, '既往症(相关疾病费用)')[0]).toMatch(/^累计20万元\(含\)以下部分 20%; 20万–40万元\(含\) 30%; 40万元以上 40%; /);
    expect(column(t, '保额')).toEqual(['100万元', '100万元']);
    expect(column(t, '无赔款续保优待')).toEqual(['连续投保2年且上一保单年度无赔付: 赔付比例提高5个百分点']);
    expect(column(t, '异地就医')).toEqual([
      '省内异地, 已转诊备案: 赔付比例 × 90%',
      '省外异地, 已转诊备案: 赔付比例 × 70%',
      '省内异地/省外异地, 未转诊备案: 赔付比例 × 50%',
    ]);
    expect(column(t, '单项年度限额')).toEqual(['药品 10万元 (单一或同类药品、药剂)', '材料耗材、检查 10万元 (同种材料、耗材及检查)']);
    expect(t).toContain('期满后30日内出院且累计住院不超过180天');
    expect(column(t, '除外项目')[0]).toContain('CAR-T治疗');
  });

  test('医保南通保 2021', () => {
    const t = table('nantong-2021');
    expect(column(t, '保费/档次')).toEqual(['标准版 296元/人/年: 责任(1)(2)(3)(4)(5)']);
    expect(column(t, '免赔额')).toEqual(['0.8万元 (按次)', '0.8万元 (按次)', '1万元 (年度累计)', '1万元 (年度累计)']);
    expect(column(t, '赔付比例')).toEqual(['70%', '70%', '70%', '70%']);
    expect(column(t, '既往症(整人)')).toEqual(['50%, 限额50万元; 目录: 《10种既往症》', '50%, 限额50万元; 目录: 《10种既往症》']);
    expect(column(t, '保额')).toEqual(['100万元', '100万元', '100万元', '一次性给付1万元; 连续参保满5年且期间未享受待遇: 2万元', '100万元']);
    expect(column(t, '疾病条件')[0]).toBe('《重度恶性肿瘤》, 定点医院首次确诊');
    // (3) selects drugs by its list: an item benefit (ruling 15); (5) pays on what (1)(2)(3) left.
    expect(column(t, '赔付顺序')).toEqual(['特定项目责任: 先承担所选项目, 同一费用不再计入其他责任 (规则15)', '在责任(1)(2)(3)赔付后赔付剩余费用']);
    expect(t).toContain('平安养老保险股份有限公司南通中心支公司 20% (主承保)');
  });

  test('天马·医惠保 2025', () => {
    const t = table('wuwei-2025');
    const bands = '累计2万元(含)以下部分 30%; 2万–5万元(含) 40%; 5万元以上 50%';
    expect(t).toContain('基础版 69元/人/年: 责任(1)(2)');
    expect(t).toContain('升级版 99元/人/年: 责任(1)(2)(3)');
    const shared = '1.2万元 (年度累计, 责任(1)+(2)共用) [inpatient-shared]';
    expect(column(t, '免赔额')).toEqual([shared, shared, '无']);
    expect(column(t, '赔付比例')).toEqual([bands, bands, bands]);
    expect(column(t, '既往症(相关疾病费用)').map((v) => v.split(';')[0])).toEqual(['20%', '20%', '20%']);
    expect(column(t, '保额')).toEqual(['50万元', '50万元', '50万元']);
    expect(column(t, '共用免赔额')).toEqual(['责任(1)+(2)共用 1.2万元 (年度累计) [inpatient-shared]']);
    expect(column(t, '共用分段累计')).toEqual(['责任(1)+(2)+(3)按年度累计金额共同分段 [year-position]']);
    expect(column(t, '保障时间')).toEqual(['即参即享: 自投保成功起12个月']);
  });

  test("the source: the city's own notice, by title, number, issuer and date", () => {
    expect(column(table('wuwei-2025'), '来源')).toEqual([
      '《关于开展"天马·医惠保"紧密衔接型医疗保险的通知》 武医保发〔2025〕22号 — 武威市医疗保障局 等十部门 2025-05-27; 引用: 附件《武威市紧密衔接型补充医疗保险方案》一—八',
    ]);
    // Wenshan's notice prints no date: the table says so rather than invent one.
    expect(column(table('wenshan-2023'), '来源')[0]).toMatch(
      /^《关于做好2023年度"文山惠民保"宣传推广工作的通知》 文医保发〔2023〕8号 — 文山州医疗保障局 等十二部门 未注明日期; /,
    );
  });
});

describe('the whole plan: every rule the services enforce', () => {
  test('who may buy, and for whom (Jiangxi: new citizens; Sanming: HK/Macao/Taiwan, suspension, promoters)', () => {
    const jx = table('jiangxi-2023');
    expect(column(jx, '适用人群')).toEqual(['职工医保、居民医保参保人 (须为在保状态)']);
    expect(column(jx, '新市民')).toEqual(['可参保, 无当地户籍或取得户籍不满3年, 理赔时提供本地居住证明, 外地参保的凭参保地结算单理赔']);
    expect(column(jx, '可为谁投保')).toEqual(['本人、配偶、子女、父母、祖父母、孙子女']);
    expect(column(jx, '工作人员协助办理')).toEqual(['可以']);
    const sm = table('sanming-2024');
    expect(column(sm, '港澳台同胞')).toEqual(['参加本省基本医保的可参保']);
    expect(column(sm, '基本医保暂停')).toEqual(['暂停期间不享受待遇, 恢复后恢复']);
    expect(column(sm, '公益推广员')).toEqual(['有']);
    expect(column(sm, '待遇条件')).toEqual(['投保期内足额缴费方享受待遇']);
    expect(column(table('wenshan-2023'), '可为谁投保')).toEqual(['本人']);
  });

  test('what 统筹区内 means, which decides in-area and out-of-area claims (region.inAreaMeans)', () => {
    expect(column(table('sanming-2024'), '统筹区内')).toEqual(['指本方案地区 (外地参保人在本地就医为统筹区内, 回参保地就医为异地) [plan-region]']);
    expect(column(table('wenshan-2023'), '统筹区内')).toEqual(['指参保人本人的基本医保统筹区 [member-region]']);
  });

  test("payment channels, the personal account's share and auto-renewal", () => {
    const nt = table('nantong-2021');
    expect(nt).toContain('医保个人账户: 职工医保参保人, 可为本人、配偶、子女、父母、配偶父母缴费, 使用历年结余不超过70%\n');
    expect(nt).toContain('短信委托\n');
    expect(column(nt, '自动续保')).toEqual(['无']);
    const ws = table('wenshan-2023');
    expect(ws).toContain('医保个人账户: 职工医保参保人, 可为本人缴费, 使用当前余额全部, 划扣成功后其他渠道所缴原路退回\n');
    const sm = table('sanming-2024');
    expect(sm).toContain('家庭共济账户: 可为本人、配偶、子女、父母、配偶父母缴费\n');
    expect(column(sm, '自动续保')).toEqual(['微信、银行卡代扣, 须本人同意']);
    expect(column(sm, '订单支付时限')).toEqual(['30分钟 (不晚于投保期结束)']);
  });

  test('sponsorship: payer kinds, target groups, campaigns, approval steps, the public ledger', () => {
    const sm = table('sanming-2024');
    expect(column(sm, '资助方')).toEqual(['政府财政、用人单位']);
    expect(column(sm, '资助对象')).toEqual(['特困、"五老"、低保、孤儿']);
    expect(column(sm, '审批流程')).toEqual(['民政部门提供名单 → 主承保公司核对 → 财政部门出资']);
    expect(column(sm, '公开台账')).toEqual(['公开']);
    const ww = table('wuwei-2025');
    expect(column(ww, '专项活动')).toEqual(['敬孝心 [jing-xiao-xin]: 政府财政 → 老年群体']);
    expect(ww).toContain('筑同心 [zhu-tong-xin]: 工会、群团组织 → 困难职工、残疾人\n');
    expect(column(table('nantong-2021'), '资助方式')).toEqual(['全额资助、定额资助']);
  });

  test('oversight: payout and combined ratios, premium cap, participation targets, reporting', () => {
    const ww = table('wuwei-2025');
    expect(column(ww, '给付率')).toEqual(['不低于85%']);
    expect(column(ww, '综合成本率')).toEqual(['不高于95%']);
    expect(column(ww, '保费上限')).toEqual(['不高于居民医保个人缴费的50%']);
    expect(column(table('sanming-2024'), '区县参保率')).toEqual(['不低于20%, 力争30%']);
    expect(column(table('jiangxi-2023'), '报告')).toEqual(['季度、年度']);
  });

  test('a plan without sponsorship or channels says so', () => {
    const plan = structuredClone(plans.get('wuwei-2025') as LoadedPlan);
    plan.sponsorship = { ...plan.sponsorship, payerKinds: [] };
    plan.payment = { ...plan.payment, channels: [] };
    const t = renderBenefitTable(plan);
    expect(column(t, '资助方')).toEqual(['无 (不接受资助参保)']);
    expect(column(t, '缴费渠道')).toEqual(['未列明: 居民暂不能缴费']);
  });

  test.each([...plans.keys()])('%s: plain text, labels aligned within each section', (id) => {
    const t = table(id);
    expect(t.endsWith('\n')).toBe(true);
    expect(t).not.toMatch(/undefined|NaN|\[object/);
    expect(renderBenefitTable(plans.get(id) as LoadedPlan)).toBe(t); // pure: same plan, same text
    for (const section of t.trimEnd().split('\n\n')) {
      // Terminal column where each value starts, Chinese labels counted two columns wide.
      const starts = section
        .split('\n')
        .slice(1)
        .map((line) => {
          const m = /^ {2}(\S*)( +)\S/.exec(line);
          return m ? 2 + displayWidth(m[1]) + m[2].length : -1;
        });
      expect(new Set(starts).size, section).toBe(1);
      expect(starts[0]).toBeGreaterThan(2);
    }
  });
});
