// The national 医保 settlement mapped onto a claim, field by field, with hand-made messages: every amount below
// is worked out by hand from the message beside it. Refusals name the field and the rule.
import { describe, expect, test } from 'vitest';
import { mapNationalSettlement, parseNationalJson, type MappedSettlement } from '../../functions/core/settlement/national.ts';

// Resident IDs with valid GB 11643 check characters (the last one is X).
const MEMBER = '53260119800101123X';
const HOSPITAL = { code: 'H53260100001', level: 3, public: true, regionCode: '532601', designations: ['special-drug'] };
const register = (code: string) => (code === HOSPITAL.code ? HOSPITAL : undefined);

/**
 * An inpatient settlement (2304) of 60,000.00: 5,000.00 fully self-paid + 1,000.00 over the price limit +
 * 4,000.00 class-B first + 50,000.00 in the policy range; the basic fund paid 30,000.00 and critical illness
 * 5,000.00, so fund_pay_sumamt is 35,000.00 and the person owed 25,000.00.
 */
function message(): any {
  return {
    infno: '2304',
    setlinfo: {
      setl_id: '530000123456',
      mdtrt_id: '530000998877',
      psn_no: '53000000000000000001',
      medins_setl_id: 'H53260100001202310200001',
      psn_name: '张三',
      certno: MEMBER.toLowerCase(),
      psn_cert_type: '01',
      insutype: '390',
      psn_type: '1101',
      fixmedins_code: HOSPITAL.code,
      fixmedins_name: '文山州人民医院',
      hosp_lv: '02',
      med_type: '21',
      begndate: '2023-10-08 09:12:00',
      enddate: '2023-10-20 10:00:00',
      setl_time: '2023-10-20 10:05:31',
      medfee_sumamt: '60000.00',
      fulamt_ownpay_amt: '5000.00',
      overlmt_selfpay: '1000.00',
      preselfpay_amt: '4000.00',
      inscp_scp_amt: '50000.00',
      act_pay_dedc: '900.00',
      hifp_pay: '30000.00',
      pool_prop_selfpay: '0.7000',
      cvlserv_pay: '0.00',
      hifes_pay: '0.00',
      hifmi_pay: '5000.00',
      hifob_pay: '0.00',
      maf_pay: '0.00',
      oth_pay: '0.00',
      fund_pay_sumamt: '35000.00',
      psn_part_amt: '25000.00',
      acct_pay: '2000.00',
      psn_cash_pay: '23000.00',
      hosp_part_amt: '0.00',
      clr_type: '21',
      memo: '',
    },
    setldetail: [{ fund_pay_type: '390100', inscp_scp_amt: '50000.00', fund_payamt: '30000.00', fund_pay_type_name: '城乡居民基本医疗保险基金' }],
    diseinfo: [
      { diag_type: '1', diag_srt_no: '2', diag_code: 'I10.x00x002', diag_name: '高血压', maindiag_flag: '0' },
      { diag_type: '2', diag_srt_no: '1', diag_code: 'A04.01.01', diag_name: '中医诊断' },
      { diag_type: '1', diag_srt_no: '1', diag_code: 'k35.800x002', diag_name: '急性阑尾炎', maindiag_flag: '1' },
      { diag_type: '1', diag_srt_no: '3', diag_code: 'E11.900', vali_flag: '0' },
    ],
    feedetail: [
      // Class B drug: 300.00 first self-paid, 2,700.00 in the policy range.
      {
        feedetl_sn: '1',
        med_list_codg: 'XB01AC04',
        hilist_name: '氯吡格雷',
        det_item_fee_sumamt: '3000.00',
        preselfpay_amt: '300.00',
        inscp_scp_amt: '2700.00',
        chrgitm_lv: '02',
        med_chrgitm_type: '09',
        cnt: '2',
        pric: '1500.000000',
      },
      // Class C (丙类) material: wholly self-paid.
      {
        feedetl_sn: '2',
        med_list_codg: 'C14010101',
        medins_list_name: '冠脉支架',
        det_item_fee_sumamt: '5000.00',
        fulamt_ownpay_amt: '5000.00',
        chrgitm_lv: '03',
        med_chrgitm_type: '08',
      },
      // Class A lab test done outside (外检): 0.05 in the policy range.
      {
        feedetl_sn: '3',
        med_list_codg: '250101001',
        det_item_fee_sumamt: '0.05',
        inscp_scp_amt: '0.05',
        chrgitm_lv: '01',
        med_chrgitm_type: '04',
        etip_flag: '1',
        etip_hosp_code: 'H99',
      },
    ],
  };
}

function mapped(m: unknown = message()): MappedSettlement {
  const result = mapNationalSettlement(m, { planId: 'wenshan-2023', hospitalOf: register });
  if (!result.success) throw new Error(JSON.stringify(result.issues));
  return result.data;
}

function refusal(mutate: (m: any) => void): { path: string; message: string }[] {
  const m = message();
  mutate(m);
  const result = mapNationalSettlement(m, { planId: 'wenshan-2023', hospitalOf: register });
  expect(result.success).toBe(false);
  return result.success ? [] : result.issues;
}

describe('national settlement → claim: ids and visit', () => {
  test('setl_id is the claim id; certno the member (check character upper-cased); the plan from the context', () => {
    const { claim, memberId, ids } = mapped();
    expect(claim.claimId).toBe('530000123456');
    expect(claim.planId).toBe('wenshan-2023');
    expect(memberId).toBe(MEMBER);
    expect(ids).toEqual({
      infno: '2304',
      setlId: '530000123456',
      mdtrtId: '530000998877',
      psnNo: '53000000000000000001',
      fixmedinsCode: HOSPITAL.code,
      medinsSetlId: 'H53260100001202310200001',
    });
  });

  test('a trial has no settlement id: the claim id names the visit', () => {
    const m = message();
    m.infno = '2303';
    delete m.setlinfo.setl_id;
    expect(mapped(m).claim.claimId).toBe('trial:530000998877');
  });

  test("begndate and enddate are the admission and discharge days; the hospital is the register's under its code", () => {
    const { visit } = mapped().claim;
    expect(visit).toEqual({
      type: 'inpatient',
      admissionDate: '2023-10-08',
      dischargeDate: '2023-10-20',
      referral: false,
      hospital: { ...HOSPITAL, ward: 'general' },
    });
  });

  test.each([
    ['2304', '21', 'inpatient', false, []],
    ['2304', '22', 'inpatient', false, []],
    ['2304', '23', 'inpatient', true, []], // 转外诊治住院: referred out of the area
    ['2304', '2114', 'inpatient', false, []], // a local code extending 21
    ['2304', '52', 'inpatient', false, ['maternity']],
    ['2207', '11', 'outpatient', false, []],
    ['2207', '14', 'outpatient-special-disease', false, []],
    ['2207', '41', 'pharmacy', false, []],
    ['2207', '51', 'outpatient', false, ['maternity']],
  ])('%s med_type %s → %s (referral %s, liabilities %j)', (infno, medType, type, referral, liabilities) => {
    const m = message();
    Object.assign(m, { infno });
    m.setlinfo.med_type = medType;
    const { claim } = mapped(m);
    expect(claim.visit.type).toBe(type);
    expect(claim.visit.referral).toBe(referral);
    expect(claim.liabilities).toEqual(liabilities);
    // Only a stay has a discharge day.
    expect(claim.visit.dischargeDate).toBe(type === 'inpatient' ? '2023-10-20' : undefined);
  });

  test('diagnoses: valid western ones, the main first, then by diag_srt_no; ICD-10 without the 医保 suffix', () => {
    // K35.800x002 (main) → K35.800; I10.x00x002 → I10 (the suffix starts at the x); the TCM one and the invalid one are left out.
    expect(mapped().claim.diagnoses).toEqual([
      { icd10: 'K35.800', firstDiagnosis: false },
      { icd10: 'I10', firstDiagnosis: false },
    ]);
  });
});

describe('national settlement → claim: the settlement parts', () => {
  test('funds and self-pay parts', () => {
    const s = mapped().claim.settlement;
    expect(s).toEqual({
      total: '60000.00', // medfee_sumamt
      basicFundPaid: '30000.00', // hifp_pay + cvlserv_pay + hifdm_pay = 30,000 + 0 + 0
      criticalIllnessPaid: '5000.00', // hifmi_pay + hifob_pay = 5,000 + 0
      medicalAssistancePaid: '0.00', // maf_pay
      inCatalogSelfPay: '15000.00', // inscp_scp_amt − public funds = 50,000 − 35,000
      classBCopay: '4000.00', // preselfpay_amt
      outOfCatalogSelfPay: '5000.00', // fulamt_ownpay_amt
      overLimitSelfPay: '1000.00', // overlmt_selfpay
      otherCompensation: [],
      basicSettled: true,
    });
  });

  test("civil-servant and disabled-veteran funds count as basic, the employees' large-amount fund as critical illness", () => {
    const m = message();
    // 50,000 in range paid by hifp 20,000 + cvlserv 3,000 + hifdm 1,000 + hifob 4,000 + maf 2,000 = 30,000.
    Object.assign(m.setlinfo, {
      hifp_pay: '20000.00',
      cvlserv_pay: '3000.00',
      hifdm_pay: '1000.00',
      hifmi_pay: '0.00',
      hifob_pay: '4000.00',
      maf_pay: '2000.00',
      fund_pay_sumamt: '30000.00',
      psn_part_amt: '30000.00',
    });
    const s = mapped(m).claim.settlement;
    expect([s.basicFundPaid, s.criticalIllnessPaid, s.medicalAssistancePaid, s.inCatalogSelfPay]).toEqual(['24000.00', '4000.00', '2000.00', '20000.00']);
  });

  test("enterprise supplementary, other funds and the hospital's part are other compensation the engine still takes off", () => {
    const m = message();
    // Funds 30,000 + 5,000 + hifes 1,200 + oth 300 = 36,500; the hospital bears 500; the person 60,000 − 36,500 − 500 = 23,000.
    Object.assign(m.setlinfo, { hifes_pay: '1200.00', oth_pay: '300.00', fund_pay_sumamt: '36500.00', hosp_part_amt: '500.00', psn_part_amt: '23000.00' });
    const s = mapped(m).claim.settlement;
    // Still 50,000 − 35,000: these payers' part of the self-pay is not said, so nothing is taken off a part.
    expect(s.inCatalogSelfPay).toBe('15000.00');
    expect(s.otherCompensation).toEqual([
      { source: 'supplementary', amount: '1200.00', alreadySubtracted: false },
      { source: 'fund', amount: '300.00', alreadySubtracted: false },
      { source: 'other', amount: '500.00', alreadySubtracted: false },
    ]);
  });

  test('amounts sent as JSON numbers keep their digits through parseNationalJson', () => {
    const text = JSON.stringify(message())
      .replace('"medfee_sumamt":"60000.00"', '"medfee_sumamt":60000.10')
      .replace('"fulamt_ownpay_amt":"5000.00"', '"fulamt_ownpay_amt":5000.1')
      .replace('"psn_part_amt":"25000.00"', '"psn_part_amt":25000.10');
    const s = mapped(parseNationalJson(text)).claim.settlement;
    expect([s.total, s.outOfCatalogSelfPay]).toEqual(['60000.10', '5000.10']);
  });

  test('a JSON number with more digits than fen is refused, not rounded by a double on the way in', () => {
    // JSON.parse would read 5000.000000000001 as the double 5000 and accept it; the digits kept say otherwise.
    const text = JSON.stringify(message()).replace('"fulamt_ownpay_amt":"5000.00"', '"fulamt_ownpay_amt":5000.000000000001');
    const result = mapNationalSettlement(parseNationalJson(text), { planId: 'wenshan-2023', hospitalOf: register });
    expect(result).toMatchObject({ success: false, issues: [{ path: 'setlinfo.fulamt_ownpay_amt', message: expect.stringMatching(/at most two decimals/) }] });
  });

  test('a part the message leaves out (or sends empty) is 0.00', () => {
    const m = message();
    m.setlinfo.overlmt_selfpay = '';
    m.setlinfo.fulamt_ownpay_amt = '6000.00'; // the 1,000 moved, so medfee_sumamt still adds up
    delete m.setlinfo.hifob_pay;
    const s = mapped(m).claim.settlement;
    expect([s.overLimitSelfPay, s.outOfCatalogSelfPay]).toEqual(['0.00', '6000.00']);
  });
});

describe('national settlement → claim: fee lines', () => {
  test('code, name, category, class, amount and what the person owes on each line', () => {
    const items = mapped().claim.items;
    expect(items.map(({ unmapped: _, ...item }) => item)).toEqual([
      // 300.00 first self-paid + 2,700.00 × (15,000 ÷ 50,000) = 300 + 810 = 1,110.00.
      { code: 'XB01AC04', name: '氯吡格雷', category: 'drug', catalogClass: 'B', amount: '3000.00', selfPay: '1110.00' },
      // 丙类: outside the catalogue, all 5,000.00 self-paid.
      { code: 'C14010101', name: '冠脉支架', category: 'material', catalogClass: 'none', amount: '5000.00', selfPay: '5000.00' },
      // 外检 → third-party lab; 0.05 × 0.3 = 0.015 → 0.02 (half-up, per line).
      { code: '250101001', category: 'third-party-lab', catalogClass: 'A', amount: '0.05', selfPay: '0.02' },
    ]);
  });

  test.each([
    ['01', 'bed'],
    ['02', 'other'],
    ['03', 'examination'],
    ['05', 'treatment'],
    ['06', 'surgery'],
    ['07', 'nursing'],
    ['10', 'drug'],
    ['11', 'drug'],
    ['13', 'other'],
    ['9901', 'other'],
  ])('med_chrgitm_type %s → %s', (type, category) => {
    const m = message();
    m.feedetail[0].med_chrgitm_type = type;
    expect(mapped(m).claim.items[0].category).toBe(category);
  });

  test("a line's unmapped fields stay with its item", () => {
    const items = mapped().claim.items;
    expect(items[0].unmapped).toEqual({ feedetl_sn: '1', cnt: '2', pric: '1500.000000' });
    expect(items[1].unmapped).toEqual({ feedetl_sn: '2', medins_list_name: '冠脉支架' });
    expect(items[2].unmapped).toEqual({ feedetl_sn: '3', etip_hosp_code: 'H99' });
  });
});

describe('national settlement → claim: what the claim keeps unmapped', () => {
  test("ids, the person's scheme, the payment split, fund lines and the diagnoses as sent (full 医保 codes); empty fields dropped", () => {
    expect(mapped().claim.unmapped).toEqual({
      infno: '2304',
      'setlinfo.mdtrt_id': '530000998877',
      'setlinfo.psn_no': '53000000000000000001',
      'setlinfo.medins_setl_id': 'H53260100001202310200001',
      'setlinfo.acct_pay': '2000.00',
      'setlinfo.psn_cash_pay': '23000.00',
      'setlinfo.act_pay_dedc': '900.00',
      'setlinfo.psn_name': '张三',
      'setlinfo.psn_cert_type': '01',
      'setlinfo.insutype': '390',
      'setlinfo.psn_type': '1101',
      'setlinfo.fixmedins_name': '文山州人民医院',
      'setlinfo.hosp_lv': '02',
      'setlinfo.setl_time': '2023-10-20 10:05:31',
      'setlinfo.pool_prop_selfpay': '0.7000',
      'setlinfo.clr_type': '21',
      'setldetail[0].fund_pay_type': '390100',
      'setldetail[0].inscp_scp_amt': '50000.00',
      'setldetail[0].fund_payamt': '30000.00',
      'setldetail[0].fund_pay_type_name': '城乡居民基本医疗保险基金',
      'diseinfo[0].diag_type': '1',
      'diseinfo[0].diag_srt_no': '2',
      'diseinfo[0].diag_code': 'I10.x00x002',
      'diseinfo[0].diag_name': '高血压',
      'diseinfo[0].maindiag_flag': '0',
      'diseinfo[1].diag_type': '2',
      'diseinfo[1].diag_srt_no': '1',
      'diseinfo[1].diag_code': 'A04.01.01',
      'diseinfo[1].diag_name': '中医诊断',
      'diseinfo[2].diag_type': '1',
      'diseinfo[2].diag_srt_no': '1',
      'diseinfo[2].diag_code': 'k35.800x002',
      'diseinfo[2].diag_name': '急性阑尾炎',
      'diseinfo[2].maindiag_flag': '1',
      'diseinfo[3].diag_type': '1',
      'diseinfo[3].diag_srt_no': '3',
      'diseinfo[3].diag_code': 'E11.900',
      'diseinfo[3].vali_flag': '0',
    });
  });

  test('free text past 500 characters is cut and marked', () => {
    const m = message();
    m.setldetail[0].setl_proc_info = '起付线'.repeat(300);
    const kept = mapped(m).claim.unmapped!['setldetail[0].setl_proc_info'];
    expect(kept).toHaveLength(500);
    expect(kept.endsWith('…')).toBe(true);
  });
});

describe('national settlement: refused, naming the field', () => {
  const cases: [string, (m: any) => void, string, RegExp][] = [
    [
      'parts that do not add up to medfee_sumamt',
      (m) => {
        m.setlinfo.inscp_scp_amt = '49000.00';
      },
      'setlinfo.medfee_sumamt',
      /must equal fulamt_ownpay_amt \+ overlmt_selfpay \+ preselfpay_amt \+ inscp_scp_amt \(59000\.00\)/,
    ],
    [
      'fund_pay_sumamt not the sum of the funds',
      (m) => {
        m.setlinfo.fund_pay_sumamt = '36000.00';
        m.setlinfo.psn_part_amt = '24000.00';
      },
      'setlinfo.fund_pay_sumamt',
      /must equal hifp_pay \+ .* \(35000\.00\)/,
    ],
    [
      'psn_part_amt not what is left',
      (m) => {
        m.setlinfo.psn_part_amt = '26000.00';
      },
      'setlinfo.psn_part_amt',
      /medfee_sumamt − fund_pay_sumamt − hosp_part_amt \(25000\.00\)/,
    ],
    [
      'public funds above the policy range',
      (m) => {
        Object.assign(m.setlinfo, { maf_pay: '16000.00', fund_pay_sumamt: '51000.00', psn_part_amt: '9000.00' });
      },
      'setlinfo.inscp_scp_amt',
      /public schemes paid within it .*51000\.00/,
    ],
    [
      'three decimals',
      (m) => {
        m.setlinfo.hifp_pay = '30000.001';
      },
      'setlinfo.hifp_pay',
      /at most two decimals/,
    ],
    [
      'a negative amount',
      (m) => {
        m.setlinfo.preselfpay_amt = '-4000.00';
      },
      'setlinfo.preselfpay_amt',
      /non-negative/,
    ],
    [
      'an amount as a JSON number',
      (m) => {
        m.setlinfo.medfee_sumamt = 60000;
      },
      'setlinfo.medfee_sumamt',
      /as text.*parseNationalJson/,
    ],
    [
      'no total',
      (m) => {
        m.setlinfo.medfee_sumamt = '';
      },
      'setlinfo.medfee_sumamt',
      /is required/,
    ],
    [
      'a certno failing GB 11643',
      (m) => {
        m.setlinfo.certno = '532601198001011231';
      },
      'setlinfo.certno',
      /check character does not match \(GB 11643\)/,
    ],
    [
      'a settlement without setl_id',
      (m) => {
        delete m.setlinfo.setl_id;
      },
      'setlinfo.setl_id',
      /required for a settlement \(2304\)/,
    ],
    [
      'a refund',
      (m) => {
        m.setlinfo.refd_setl_flag = '1';
      },
      'setlinfo.refd_setl_flag',
      /refund/,
    ],
    [
      'an unknown med_type',
      (m) => {
        m.setlinfo.med_type = '9904';
      },
      'setlinfo.med_type',
      /not a national 医疗类别 code/,
    ],
    [
      'an outpatient med_type on an inpatient settlement',
      (m) => {
        m.setlinfo.med_type = '11';
      },
      'setlinfo.med_type',
      /11 is not an inpatient type, but 2304 is an inpatient transaction/,
    ],
    [
      'a stay without discharge',
      (m) => {
        delete m.setlinfo.enddate;
      },
      'setlinfo.enddate',
      /required for an inpatient stay/,
    ],
    [
      'discharge before admission',
      (m) => {
        m.setlinfo.enddate = '2023-10-07';
      },
      'setlinfo.enddate',
      /before begndate/,
    ],
    [
      'a bad date',
      (m) => {
        m.setlinfo.begndate = '2023/10/08';
      },
      'setlinfo.begndate',
      /yyyy-MM-dd/,
    ],
    [
      'an unknown transaction',
      (m) => {
        m.infno = '2305';
      },
      'infno',
      /2206, 2207 .* 2303, 2304/,
    ],
    [
      'no western diagnosis',
      (m) => {
        m.diseinfo = [m.diseinfo[1]];
      },
      'diseinfo',
      /western-medicine diagnosis/,
    ],
    [
      'a western diagnosis without an ICD-10 code',
      (m) => {
        m.diseinfo[0].diag_code = '高血压';
      },
      'diseinfo[0].diag_code',
      /ICD-10/,
    ],
    [
      'a fee line whose split does not add up',
      (m) => {
        m.feedetail[0].inscp_scp_amt = '2600.00';
      },
      'feedetail[0].det_item_fee_sumamt',
      /\(2900\.00\)/,
    ],
    [
      'a fee line of another visit',
      (m) => {
        m.feedetail[1].mdtrt_id = 'OTHER';
      },
      'feedetail[1].mdtrt_id',
      /another visit/,
    ],
    [
      "fee lines above the settlement's part",
      (m) => {
        m.feedetail[1].det_item_fee_sumamt = '6000.00';
        m.feedetail[1].fulamt_ownpay_amt = '6000.00';
      },
      'feedetail',
      /fulamt_ownpay_amt \(6000\.00\) exceed setlinfo\.fulamt_ownpay_amt \(5000\.00\)/,
    ],
    [
      'an unknown chrgitm_lv',
      (m) => {
        m.feedetail[0].chrgitm_lv = '04';
      },
      'feedetail[0].chrgitm_lv',
      /01 \(甲类\), 02 \(乙类\) or 03/,
    ],
    [
      'a field the envelope does not know',
      (m) => {
        m.output = {};
      },
      '(root)',
      /Unrecognized key/,
    ],
    [
      'a field name that is no name',
      (m) => {
        m.setlinfo['个人 备注'] = 'x';
      },
      'setlinfo.个人 备注',
      /not a field name/,
    ],
    [
      'too many fields',
      (m) => {
        for (let i = 0; i < 150; i++) m.setlinfo[`extra_${i}`] = 'x';
      },
      'setlinfo',
      /at most 150 fields/,
    ],
    [
      'more fee lines than a claim holds items',
      (m) => {
        m.feedetail = Array.from({ length: 2001 }, () => ({ ...m.feedetail[0] }));
      },
      'feedetail',
      /at most 2,000 fee lines/,
    ],
    [
      "a tab in a fee line's name (it becomes the item's)",
      (m) => {
        m.feedetail[0].hilist_name = '药\t品';
      },
      'feedetail[0].hilist_name',
      /control or zero-width/,
    ],
    [
      'a zero-width character in a list code',
      (m) => {
        m.feedetail[0].med_list_codg = `${m.feedetail[0].med_list_codg}\u200b`;
      },
      'feedetail[0].med_list_codg',
      /control or zero-width/,
    ],
    [
      'a time of day that is none',
      (m) => {
        m.setlinfo.begndate = '2023-11-01 25:61:00';
      },
      'setlinfo.begndate',
      /yyyy-MM-dd HH:mm:ss/,
    ],
  ];

  test.each(cases)('%s → %s', (_name, mutate, path, rule) => {
    expect(refusal(mutate)).toContainEqual({ path, message: expect.stringMatching(rule) });
  });

  test('fields are counted as sent: the amounts left out, filled in as 0.00, count against no bound', () => {
    const m = message();
    // 150 fields sent, some of the optional funds among those left out.
    for (let i = Object.keys(m.setlinfo).length; i < 150; i++) m.setlinfo[`extra_${i}`] = 'x';
    expect(Object.keys(m.setlinfo)).toHaveLength(150);
    expect(m.setlinfo.hifdm_pay).toBeUndefined();
    expect(mapped(m).claim.settlement.total).toBe(m.setlinfo.medfee_sumamt);
  });

  test('a refused resident ID is never echoed', () => {
    const issues = refusal((m) => {
      m.setlinfo.certno = '532601198001011231';
    });
    expect(JSON.stringify(issues)).not.toContain('532601198001011231');
  });

  test('a hospital outside the register', () => {
    const result = mapNationalSettlement(message(), { planId: 'wenshan-2023', hospitalOf: () => undefined });
    expect(result).toEqual({ success: false, issues: [{ path: 'setlinfo.fixmedins_code', message: 'is not in the hospital register of this plan' }] });
  });
});
