// One plan as GET /plans/{planId} answers it: the version in force today with
// its tiers and benefit table, every version published, and the window now.
import { currentPlan, type Deps } from '../deps.ts';
import { currentWindow, publicWindow } from '../enrollment/window.ts';
import { benefitTable, type Section } from './table.ts';
import type { PlanVersion } from './version.ts';

export interface PlanDetail {
  id: string;
  name: string;
  productYear: number;
  region: { adminCode: string; province: string; city?: string; counties: { code: string; name: string }[] };
  /** The version in force today (Asia/Shanghai) and the ones published, in order. */
  version: PlanVersion;
  versions: PlanVersion[];
  tiers: { id: string; name: string; premium: string; benefits: string[] }[];
  /** The benefit table of the version in force (Chinese labels, 万元), section by section. */
  table: Section[];
  window: ReturnType<typeof publicWindow>;
  /** Who may buy for others and how (what a sponsor's order may say): the plan's sponsorship section. */
  sponsorship: {
    payerKinds: string[];
    contributions: string[];
    targetGroups: string[];
    campaigns: { id: string; name: string; payerKinds: string[]; targetGroups: string[] }[];
    approvals: string[];
    publicLedger: boolean;
  };
}

export async function planDetail(deps: Deps, planId: string): Promise<PlanDetail> {
  const [plan, versions] = await Promise.all([currentPlan(deps, planId), deps.plans.versions(planId)]);
  const window = await currentWindow(deps.store, plan, deps.now());
  return {
    id: plan.id,
    name: plan.name,
    productYear: plan.productYear,
    region: {
      adminCode: plan.region.adminCode,
      province: plan.region.province,
      ...(plan.region.city ? { city: plan.region.city } : {}),
      counties: plan.region.counties,
    },
    version: plan.version,
    versions,
    tiers: plan.tiers.map((t) => ({ id: t.id, name: t.name, premium: t.premium, benefits: t.benefits })),
    table: benefitTable(plan),
    window: publicWindow(window),
    sponsorship: {
      payerKinds: plan.sponsorship.payerKinds,
      contributions: plan.sponsorship.contributions,
      targetGroups: plan.sponsorship.targetGroups,
      campaigns: plan.sponsorship.campaigns,
      approvals: plan.sponsorship.approvals,
      publicLedger: plan.sponsorship.publicLedger,
    },
  };
}
