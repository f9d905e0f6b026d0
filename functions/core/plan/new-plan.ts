// A new city's plan file, started from an existing plan (`hmb plan new`): the
// structure and its comments kept, the new id set, and what names the other city
// (its product, notice, region, insurers) replaced by placeholders that `plan
// check` lists until they are written. Pure: text in, text out.
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { PLACEHOLDER } from './confirm.ts';

export interface StartedPlan {
  /** The new plan file's text. */
  text: string;
  /** City-supplied list files to create empty, relative to the plans folder. */
  listFiles: { path: string; title: string }[];
}

const todo = (what: string) => `${PLACEHOLDER}: ${what}`;

export function startPlanFrom(text: string, fromId: string, newId: string, today: string): StartedPlan {
  const doc = parseDocument(text);
  // The other city's title comment (the parser may hang it on the first key) gives way to the new file's.
  const first = isMap(doc.contents) ? doc.contents.items[0]?.key : undefined;
  if (first && typeof first === 'object' && 'commentBefore' in first) (first as { commentBefore?: string }).commentBefore = undefined;
  doc.commentBefore = [
    ` ${todo('产品名称')} — started on ${today} from plans/${fromId}.yaml (hmb plan new).`,
    ` Every value below is still ${fromId}'s: replace each from the city's own notice, keep the comments`,
    ' true to it (section numbers, rulings of docs/rulings.md), then run `hmb plan check` until it passes',
    ' and confirm what it lists. Fields: docs/plan-language.md.',
  ].join('\n');
  doc.set('id', newId);
  doc.set('name', todo('产品名称'));
  doc.delete('renews');
  doc.set('source', doc.createNode({ title: todo('通知标题'), issuer: todo('发文机关'), number: todo('文号') }));
  setIfPresent(doc, ['region', 'province'], todo('省'));
  setIfPresent(doc, ['region', 'city'], todo('市'));
  const insurers = doc.getIn(['consortium', 'insurers']);
  if (isSeq(insurers)) insurers.items.forEach((_, i) => doc.setIn(['consortium', 'insurers', i, 'name'], todo('保险公司名称')));

  // A list the other city supplies in its own file: the new city supplies its own, empty until then.
  const listFiles: StartedPlan['listFiles'] = [];
  const lists = doc.get('lists');
  if (isMap(lists)) {
    for (const pair of lists.items) {
      const id = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const file = doc.getIn(['lists', id, 'file']);
      if (typeof file !== 'string') continue;
      const path = `lists/${newId}/${file.split('/').pop()}`;
      doc.setIn(['lists', id, 'file'], path);
      listFiles.push({ path, title: String(doc.getIn(['lists', id, 'title']) ?? id) });
    }
  }
  return { text: doc.toString({ lineWidth: 0 }), listFiles };
}

function setIfPresent(doc: Document, path: string[], value: string): void {
  if (doc.hasIn(path)) doc.setIn(path, value);
}

/** An empty city-supplied list file, saying what it waits for. */
export function emptyListFile(title: string): string {
  return `# ${title}: named by the notice, supplied by the city (docs/rulings.md ruling 5).\nnote: awaiting the city's list; until then nothing matches it.\nentries: []\n`;
}
